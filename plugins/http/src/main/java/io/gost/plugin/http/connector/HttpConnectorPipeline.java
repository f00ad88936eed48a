package io.gost.plugin.http.connector;

/**
 * Names of the handlers the connector appends to a hop's pipeline, in order.
 *
 * <p>During the handshake: {@value #RESPONSE_DECODER} ({@link ConnectResponseDecoder}) then
 * {@value #HANDSHAKE} ({@link ConnectHandshakeHandler}). Both are gone when the future completes; if
 * the hop sent tunnel bytes right behind its answer, {@value #LEFTOVER_BYTES}
 * ({@link PendingBytesHandler}) holds them at that place until the next reader asks for data.
 */
final class HttpConnectorPipeline {

    static final String RESPONSE_DECODER = "gost-http-connect-decoder";
    static final String HANDSHAKE = "gost-http-connect-handshake";
    static final String LEFTOVER_BYTES = "gost-http-connect-leftover";

    private HttpConnectorPipeline() {
    }
}
