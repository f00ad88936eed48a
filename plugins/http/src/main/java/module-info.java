/**
 * The {@code http} plugins: handler {@code http}, an HTTP/1.1 proxy server (CONNECT tunnels and
 * absolute-form forwarding), and connector {@code http}, which asks a proxy hop for a CONNECT tunnel.
 *
 * <p>Exports nothing: the runtime finds the factories through {@code provides} (module path) or
 * {@code META-INF/services} (class path); both lists name the same classes.
 */
module io.gost.plugin.http {
    requires io.gost.api;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires org.slf4j;

    provides io.gost.api.HandlerFactory with io.gost.plugin.http.handler.HttpHandlerFactory;
    provides io.gost.api.ConnectorFactory with io.gost.plugin.http.connector.HttpConnectorFactory;
}
