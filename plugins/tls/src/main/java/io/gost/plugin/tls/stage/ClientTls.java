package io.gost.plugin.tls.stage;

import io.gost.api.TlsOptions;
import io.gost.plugin.tls.cert.PemFiles;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of TLS for one dialer, with GOST's semantics: nothing is verified unless {@code secure} is
 * set (then the chain against the system's roots or {@code caFile}, and the name) or a {@code caFile} is
 * given (then the chain only, GOST's pinning); {@code serverName} is sent and verified instead of the node's
 * host; {@code certFile}/{@code keyFile} are a client certificate.
 *
 * <p>One context serves every dial, so sessions are resumed (tickets and a session cache, keyed by server
 * name and port) as haproxy and stunnel do. Files are re-read when they change.
 */
public final class ClientTls {

    /** What a client checks about the server. */
    public enum Verification {
        /** Nothing: GOST's default. */
        NONE,
        /** The certificate chains to {@code caFile}; any name. */
        CHAIN,
        /** The chain (system roots or {@code caFile}) and the server name. */
        FULL
    }

    private static final Logger LOGGER = LoggerFactory.getLogger(ClientTls.class);

    private final TlsOptions options;
    private final String ownerName;
    private final TlsEngine engine;
    private final ReloadingContext<SslContext> context;
    private final AtomicBoolean warnedUnverified = new AtomicBoolean();

    private ClientTls(TlsOptions options, String ownerName, TlsEngine engine, Duration checkInterval) {
        this.options = options;
        this.ownerName = ownerName;
        this.engine = engine;
        if (options.certFile() == null ^ options.keyFile() == null) {
            throw new IllegalArgumentException(options.source() + ": " + (options.certFile() == null
                    ? "keyFile is set without certFile" : "certFile is set without keyFile")
                    + "; a client certificate needs both");
        }
        List<Path> files = new ArrayList<>();
        for (String file : new String[] {options.certFile(), options.keyFile(), options.caFile()}) {
            if (file != null) {
                files.add(Path.of(file));
            }
        }
        this.context = new ReloadingContext<>(ownerName, "TLS client certificate and CA", files, this::build,
                checkInterval);
    }

    /** The client side as {@code options} describe it, on the preferred engine. */
    public static ClientTls create(TlsOptions options, String ownerName) {
        return create(options, ownerName, TlsEngine.preferred(), ServerTls.RELOAD_CHECK_INTERVAL);
    }

    /**
     * The client side as {@code options} describe it.
     *
     * @throws IllegalArgumentException naming the file or setting that cannot be used
     */
    public static ClientTls create(TlsOptions options, String ownerName, TlsEngine engine, Duration checkInterval) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(ownerName, "ownerName");
        Objects.requireNonNull(engine, "engine");
        return new ClientTls(options, ownerName, engine, checkInterval);
    }

    /**
     * A handler for one connection to {@code host:port}: it sends {@code serverName} (default {@code host}) as
     * SNI unless that is an IP address, verifies it when {@code secure}, and offers a session saved from an
     * earlier connection to the same name and port.
     */
    public SslHandler newHandler(ByteBufAllocator allocator, String host, int port) {
        if (verification() == Verification.NONE && warnedUnverified.compareAndSet(false, true)) {
            LOGGER.warn("{}: the TLS server's certificate at {}:{} is not verified (neither secure=true nor caFile is"
                            + " set, GOST's default), so anyone on the path can impersonate it; set secure=true to"
                            + " verify it against the system's roots, or caFile to pin a CA", ownerName, host, port);
        }
        SslHandler handler = context.get().newHandler(allocator, serverName(host), port);
        handler.setHandshakeTimeoutMillis(0);
        return handler;
    }

    /** The name sent and (with {@code secure}) verified for a node at {@code host}. */
    public String serverName(String host) {
        return options.serverName() != null ? options.serverName() : host;
    }

    public Verification verification() {
        if (options.secure()) {
            return Verification.FULL;
        }
        return options.caFile() != null ? Verification.CHAIN : Verification.NONE;
    }

    public TlsEngine engine() {
        return engine;
    }

    public TlsOptions options() {
        return options;
    }

    /** The context in use now (tests look at its session statistics). */
    public SslContext context() {
        return context.get();
    }

    /** What is checked and presented, in one line. */
    public String describe() {
        String checks = switch (verification()) {
            case NONE -> "server certificate not verified";
            case CHAIN -> "server certificate must chain to " + options.caFile() + " (name not checked)";
            case FULL -> "server certificate and name verified against "
                    + (options.caFile() != null ? options.caFile() : "the system's roots");
        };
        return checks + (options.serverName() != null ? "; server name " + options.serverName() : "")
                + (options.certFile() != null ? "; client certificate " + options.certFile() : "")
                + "; " + String.join(", ", TlsContexts.protocols(options, engine));
    }

    private SslContext build() {
        SslContextBuilder builder = SslContextBuilder.forClient();
        TlsContexts.configure(builder, options, engine, false);
        List<X509Certificate> trusted = options.caFile() == null ? List.of()
                : PemFiles.certificates(Path.of(options.caFile()), "caFile");
        switch (verification()) {
            case NONE -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            case CHAIN -> builder.trustManager(ValidityCheckingTrustManager.trusting(trusted))
                    .endpointIdentificationAlgorithm(null);
            case FULL -> builder.trustManager(ValidityCheckingTrustManager.trusting(trusted))
                    .endpointIdentificationAlgorithm("HTTPS");
            default -> throw new IllegalStateException();
        }
        if (options.certFile() != null) {
            List<X509Certificate> chain = PemFiles.certificates(Path.of(options.certFile()), "certFile");
            PrivateKey key = PemFiles.privateKey(Path.of(options.keyFile()), "keyFile");
            PemFiles.checkPair(key, chain.get(0), "keyFile '" + options.keyFile() + "'",
                    "certFile '" + options.certFile() + "'");
            builder.keyManager(key, chain);
        }
        try {
            SslContext built = builder.build();
            TlsContexts.enableTickets(built);
            return built;
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(options.source() + ": the TLS client cannot be set up with " + engine
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ClientTls[" + ownerName + ", " + engine + ", " + options.summary() + "]";
    }
}
