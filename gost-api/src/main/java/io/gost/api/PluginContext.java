package io.gost.api;

import java.util.Optional;

/**
 * What the runtime tells a factory when it creates a plugin instance. Grows only by default methods.
 */
public interface PluginContext {

    /** The name of the object that owns the plugin: a service name ({@code service-0}) or node name. */
    String ownerName();

    /** Credentials the plugin must check (handlers, listeners) or present (connectors, dialers). */
    default Optional<Authenticator> authenticator() {
        return Optional.empty();
    }

    /** Credentials a client-side plugin (connector, dialer) presents to the next hop. */
    default Optional<Credentials> credentials() {
        return Optional.empty();
    }

    /**
     * The handler factory registered for {@code type}, for handlers that delegate to others (the
     * {@code auto} handler hands SOCKS4, SOCKS5 and HTTP clients to those handlers). Empty when no plugin
     * provides that type.
     */
    default Optional<HandlerFactory> handlerFactory(String type) {
        return Optional.empty();
    }

    /**
     * The TLS settings of a plugin that {@linkplain PluginFactory#usesTls() uses TLS}: its {@code tls} block as
     * the runtime resolved it (for a listener or handler, laid over the top-level {@code tls}), or
     * {@link TlsOptions#DEFAULTS} when none is configured. Empty for plugins that do not use TLS, and in
     * contexts made by tools and tests that set none; such a plugin then uses {@link TlsOptions#DEFAULTS}.
     */
    default Optional<TlsOptions> tls() {
        return Optional.empty();
    }

    /** A context with just an owner name, for tests and tools. */
    static PluginContext named(String ownerName) {
        return () -> ownerName;
    }
}
