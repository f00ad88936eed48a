package io.gost.runtime.registry;

import io.gost.api.ConnectorFactory;
import io.gost.api.DialerFactory;
import io.gost.api.HandlerFactory;
import io.gost.api.ListenerFactory;
import io.gost.api.PluginFactory;

/** The four kinds of plugin a configuration names by type. */
public enum PluginKind {
    LISTENER("listener", ListenerFactory.class),
    HANDLER("handler", HandlerFactory.class),
    DIALER("dialer", DialerFactory.class),
    CONNECTOR("connector", ConnectorFactory.class);

    private final String label;
    private final Class<? extends PluginFactory> factoryType;

    PluginKind(String label, Class<? extends PluginFactory> factoryType) {
        this.label = label;
        this.factoryType = factoryType;
    }

    /** The configuration key for this kind: {@code listener}, {@code handler} ... */
    public String label() {
        return label;
    }

    /** The SPI interface ServiceLoader looks up. */
    public Class<? extends PluginFactory> factoryType() {
        return factoryType;
    }
}
