package io.gost.api;

/** Creates connectors of one type ({@code http}, {@code socks5} ...). */
public interface ConnectorFactory extends PluginFactory {

    /**
     * Plans a connector for one node; credentials to present come from
     * {@link PluginContext#credentials()}. Allocates nothing.
     */
    Connector create(Metadata metadata, PluginContext context);

    /**
     * True for a connector that asks nothing of its hop, so that the connection to the hop is itself the tunnel
     * (GOST's {@code forward}: {@code gost -L tcp://:8000 -F forward+tls://server:8443} wraps a plain port in
     * TLS). The runtime then lets a service that forwards to fixed targets but names none
     * ({@code -L tcp://:8000}) forward to the hop: the target it hands the connector is the hop's own address.
     */
    default boolean tunnelEndsAtTheHop() {
        return false;
    }
}
