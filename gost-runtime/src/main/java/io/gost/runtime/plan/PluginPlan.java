package io.gost.runtime.plan;

import io.gost.api.Authenticator;
import io.gost.api.ConnectorFactory;
import io.gost.api.Credentials;
import io.gost.api.DialerFactory;
import io.gost.api.HandlerFactory;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.PluginFactory;
import io.gost.api.TlsOptions;
import io.gost.runtime.config.Origin;
import io.gost.runtime.registry.PluginKind;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.auth.CredentialCheck;
import io.gost.runtime.auth.ServiceAuthenticator;
import io.gost.runtime.control.Registry;
import io.gost.runtime.match.AddressPatterns;
import io.gost.runtime.service.CredentialsAuthenticator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One use of a plugin: the factory that will create it, where that factory came from, and its checked
 * metadata and credentials. Creating the plugin allocates nothing, so a plan can be made, printed and
 * compared without opening anything.
 *
 * @param kind        listener, handler, dialer or connector
 * @param type        the type as configured (an alias stays an alias)
 * @param factory     the registry's factory for it
 * @param source      the module and jar the factory came from, as {@code gost plugins} shows it
 * @param metadata    the plugin's options, checked against its declared keys
 * @param accepted    inline credentials the plugin checks (handler and listener {@code auth})
 * @param authers     the authers it checks credentials against, by name (handler and listener {@code auther},
 *                    {@code authers})
 * @param skipauth    clients that need no credentials (the handler's {@code skipauth})
 * @param credentials credentials the plugin presents to the next hop (connector and dialer {@code auth})
 * @param origin      where the block was configured
 * @param tls         the TLS settings the plugin is given ({@link PluginContext#tls()}): its own {@code tls}
 *                    block, for a server laid over the top-level one; {@code null} for a plugin that does not
 *                    use TLS
 */
public record PluginPlan(PluginKind kind, String type, PluginFactory factory, String source, Metadata metadata,
                         List<Credentials> accepted, List<String> authers, AddressPatterns skipauth,
                         Credentials credentials, Origin origin, TlsOptions tls) {

    public PluginPlan {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        metadata = Objects.requireNonNullElse(metadata, Metadata.empty());
        accepted = List.copyOf(Objects.requireNonNullElse(accepted, List.of()));
        authers = List.copyOf(Objects.requireNonNullElse(authers, List.of()));
        skipauth = Objects.requireNonNullElse(skipauth, AddressPatterns.empty());
    }

    /** A plugin use without authers, skipauth or TLS settings. */
    public PluginPlan(PluginKind kind, String type, PluginFactory factory, String source, Metadata metadata,
                      List<Credentials> accepted, Credentials credentials, Origin origin) {
        this(kind, type, factory, source, metadata, accepted, List.of(), AddressPatterns.empty(), credentials,
                origin, null);
    }

    /** A plugin use without authers or skipauth. */
    public PluginPlan(PluginKind kind, String type, PluginFactory factory, String source, Metadata metadata,
                      List<Credentials> accepted, Credentials credentials, Origin origin, TlsOptions tls) {
        this(kind, type, factory, source, metadata, accepted, List.of(), AddressPatterns.empty(), credentials,
                origin, tls);
    }

    /** A plugin use without TLS settings. */
    public PluginPlan(PluginKind kind, String type, PluginFactory factory, String source, Metadata metadata,
                      List<Credentials> accepted, List<String> authers, AddressPatterns skipauth,
                      Credentials credentials, Origin origin) {
        this(kind, type, factory, source, metadata, accepted, authers, skipauth, credentials, origin, null);
    }

    /** The same plugin use, with clients from {@code patterns} let in without credentials. */
    public PluginPlan withSkipauth(AddressPatterns patterns) {
        return new PluginPlan(kind, type, factory, source, metadata, accepted, authers, patterns, credentials, origin,
                tls);
    }

    /** True when clients must present credentials to this plugin. */
    public boolean requiresAuthentication() {
        return !accepted.isEmpty() || !authers.isEmpty();
    }

    /**
     * Creates the plugin for {@code owner} (a service or node name) to check its options: credentials are its
     * inline ones only. Allocates nothing.
     *
     * @throws RuntimeException as the factory throws it for values only it can judge
     */
    public AutoCloseable create(String owner, PluginRegistry registry) {
        Optional<Authenticator> authenticator = accepted.isEmpty() && authers.isEmpty() ? Optional.empty()
                : Optional.of(new CredentialsAuthenticator(accepted));
        return create(owner, registry, authenticator);
    }

    /**
     * Creates the plugin for {@code owner} to run: credentials are checked against its inline ones and its
     * authers as {@code authers} has them now and later. Allocates nothing.
     */
    public AutoCloseable create(String owner, PluginRegistry registry, Registry<CredentialCheck> authersByName) {
        Optional<Authenticator> authenticator = accepted.isEmpty() && authers.isEmpty() ? Optional.empty()
                : Optional.of(new ServiceAuthenticator(owner, accepted,
                        authers.stream().map(authersByName::ref).toList(), skipauth));
        return create(owner, registry, authenticator);
    }

    private AutoCloseable create(String owner, PluginRegistry registry, Optional<Authenticator> authenticator) {
        PluginContext context = context(owner, registry, authenticator);
        return switch (kind) {
            case LISTENER -> ((ListenerFactory) factory).create(metadata, context);
            case HANDLER -> ((HandlerFactory) factory).create(metadata, context);
            case DIALER -> ((DialerFactory) factory).create(metadata, context);
            case CONNECTOR -> ((ConnectorFactory) factory).create(metadata, context);
        };
    }

    private PluginContext context(String owner, PluginRegistry registry, Optional<Authenticator> authenticator) {
        Optional<Credentials> presented = Optional.ofNullable(credentials);
        Optional<TlsOptions> tlsOptions = Optional.ofNullable(tls);
        return new PluginContext() {
            @Override
            public String ownerName() {
                return owner;
            }

            @Override
            public Optional<Authenticator> authenticator() {
                return authenticator;
            }

            @Override
            public Optional<Credentials> credentials() {
                return presented;
            }

            @Override
            public Optional<TlsOptions> tls() {
                return tlsOptions;
            }

            @Override
            public Optional<HandlerFactory> handlerFactory(String handlerType) {
                return registry.has(PluginKind.HANDLER, handlerType)
                        ? Optional.of(registry.handler(handlerType)) : Optional.empty();
            }
        };
    }

    /**
     * Equal when it would create the same plugin: same kind, type, factory class, options, credentials and TLS
     * settings.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof PluginPlan that && kind == that.kind && type.equals(that.type)
                && factory.getClass() == that.factory.getClass() && metadata.equals(that.metadata)
                && accepted.equals(that.accepted) && authers.equals(that.authers)
                && skipauth.equals(that.skipauth) && Objects.equals(credentials, that.credentials)
                && Objects.equals(tls, that.tls);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, type, factory.getClass(), metadata, accepted, authers, credentials, tls);
    }

    @Override
    public String toString() {
        return kind.label() + " " + type + " " + metadata.asMap().keySet();
    }
}
