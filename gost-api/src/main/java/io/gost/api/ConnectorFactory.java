package io.gost.api;

/** Creates connectors of one type ({@code http}, {@code socks5} ...). */
public interface ConnectorFactory extends PluginFactory {

    /**
     * Plans a connector for one node; credentials to present come from
     * {@link PluginContext#credentials()}. Allocates nothing.
     */
    Connector create(Metadata metadata, PluginContext context);
}
