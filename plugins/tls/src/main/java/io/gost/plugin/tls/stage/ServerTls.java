package io.gost.plugin.tls.stage;

import io.gost.api.TlsOptions;
import io.gost.plugin.tls.cert.CertifiedKey;
import io.gost.plugin.tls.cert.PemFiles;
import io.gost.plugin.tls.cert.SelfSignedCertificates;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.AsyncMapping;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS for one listener: its certificate (from {@code certFile}/{@code keyFile}, reloaded
 * when they change, or generated at start), client certificate checks ({@code caFile}), versions, suites,
 * ALPN, and GOST's {@code rejectUnknownSNI}. Hands out one handler per accepted connection.
 *
 * <p>Session resumption is on, as in haproxy and stunnel: a session cache and session tickets (TLS 1.2 and
 * 1.3), both kept by the context, so a rebuilt context (a renewed certificate) starts afresh.
 *
 * <p>{@link #create} reads and checks the files (a planned configuration with a bad file fails before
 * anything starts); {@link #start} generates the certificate when there are no files and says in the log
 * what is served. Thread-safe: handlers are made on every event loop.
 */
public final class ServerTls {

    /** How often a handshake looks at whether the certificate files changed, at most. */
    public static final Duration RELOAD_CHECK_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOGGER = LoggerFactory.getLogger(ServerTls.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /** A built context and what it serves. */
    private record Served(SslContext context, CertifiedKey certified, List<String> knownNames) {
    }

    private final TlsOptions options;
    private final String ownerName;
    private final TlsEngine engine;
    private final Duration checkInterval;
    private final List<X509Certificate> trusted;
    private volatile ReloadingContext<Served> served;

    private ServerTls(TlsOptions options, String ownerName, TlsEngine engine, Duration checkInterval) {
        this.options = options;
        this.ownerName = ownerName;
        this.engine = engine;
        this.checkInterval = checkInterval;
        if (options.certFile() == null ^ options.keyFile() == null) {
            throw new IllegalArgumentException(options.source() + ": " + (options.certFile() == null
                    ? "keyFile is set without certFile" : "certFile is set without keyFile")
                    + "; give both, or neither to use a generated certificate");
        }
        this.trusted = options.caFile() == null ? List.of()
                : PemFiles.certificates(Path.of(options.caFile()), "caFile");
        if (options.hasCertificateFiles()) {
            List<Path> files = new ArrayList<>(List.of(Path.of(options.certFile()), Path.of(options.keyFile())));
            if (options.caFile() != null) {
                files.add(Path.of(options.caFile()));
            }
            served = new ReloadingContext<>(ownerName, "TLS certificate", files, this::fromFiles, checkInterval);
        }
    }

    /** The server side as {@code options} describe it, on the {@linkplain TlsEngine#preferred() preferred} engine. */
    public static ServerTls create(TlsOptions options, String ownerName) {
        return create(options, ownerName, TlsEngine.preferred(), RELOAD_CHECK_INTERVAL);
    }

    /**
     * The server side as {@code options} describe it.
     *
     * @param checkInterval how often the files are looked at for changes, at most
     * @throws IllegalArgumentException naming the file or setting that cannot be used
     */
    public static ServerTls create(TlsOptions options, String ownerName, TlsEngine engine, Duration checkInterval) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(ownerName, "ownerName");
        Objects.requireNonNull(engine, "engine");
        return new ServerTls(options, ownerName, engine, checkInterval);
    }

    /**
     * Makes the certificate when none is configured, and says what is served. Idempotent; called when the
     * listener binds.
     */
    public void start() {
        synchronized (this) {
            if (served == null) {
                served = new ReloadingContext<>(ownerName, "TLS certificate", List.of(), this::generated,
                        checkInterval);
                CertifiedKey key = served.get().certified();
                LOGGER.info("{}: no certFile/keyFile configured, serving a self-signed certificate made now (CN={},"
                                + " O={}, ECDSA P-256, valid until {}, SHA-256 fingerprint {}); clients cannot verify"
                                + " it unless they pin it", ownerName, options.effectiveCommonName(),
                        options.effectiveOrganization(), DATE.format(key.certificate().getNotAfter().toInstant()),
                        key.fingerprint());
                LOGGER.info("{}: TLS server ({}): {}", ownerName, engine, describe());
                return;
            }
        }
        LOGGER.info("{}: TLS server ({}): {}", ownerName, engine, describe());
    }

    /**
     * A new handler for one accepted connection: an {@link SslHandler} with no handshake timeout of its own
     * (the stage keeps the time), or, with {@code rejectUnknownSNI}, Netty's {@link SniHandler}, which puts one
     * in its place once the client's server name is accepted.
     */
    public ChannelHandler newHandler(ByteBufAllocator allocator) {
        Served current = current();
        if (!options.rejectUnknownSni()) {
            SslHandler handler = current.context().newHandler(allocator);
            handler.setHandshakeTimeoutMillis(0);
            return handler;
        }
        AsyncMapping<String, SslContext> names = (hostname, promise) -> {
            if (hostname == null) {
                return promise.setFailure(new SSLHandshakeException(
                        "the client sent no server name (SNI), and rejectUnknownSNI is set"));
            }
            if (!matchesAny(hostname, current.knownNames())) {
                return promise.setFailure(new SSLHandshakeException("the client asked for server name '" + hostname
                        + "', which is not among " + current.knownNames() + " (rejectUnknownSNI)"));
            }
            return promise.setSuccess(current.context());
        };
        return new SniHandler(names, 0) {
            @Override
            protected SslHandler newSslHandler(SslContext context, ByteBufAllocator alloc) {
                SslHandler handler = super.newSslHandler(context, alloc);
                handler.setHandshakeTimeoutMillis(0);
                return handler;
            }
        };
    }

    /** The certificate served now. */
    public X509Certificate certificate() {
        return current().certified().certificate();
    }

    /** The context serving now (tests look at its session statistics). */
    public SslContext context() {
        return current().context();
    }

    public TlsEngine engine() {
        return engine;
    }

    public TlsOptions options() {
        return options;
    }

    /** What is served, in one line: the certificate's source, client checks, versions. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (options.hasCertificateFiles()) {
            text.append("certificate from ").append(options.certFile()).append(" and ").append(options.keyFile());
        } else {
            text.append("self-signed certificate generated at start");
        }
        ReloadingContext<Served> now = served;
        if (now != null) {
            X509Certificate leaf = now.get().certified().certificate();
            text.append(" (").append(commonName(leaf)).append(", valid until ")
                    .append(DATE.format(leaf.getNotAfter().toInstant())).append(')');
        }
        text.append(options.caFile() != null ? "; client certificates required, chaining to " + options.caFile()
                : "; no client certificates asked for");
        text.append("; ").append(String.join(", ", TlsContexts.protocols(options, engine)));
        if (!options.cipherSuites().isEmpty()) {
            text.append("; cipherSuites ").append(String.join(",", options.cipherSuites()));
        }
        if (!options.alpn().isEmpty()) {
            text.append("; ALPN ").append(String.join(",", options.alpn()));
        }
        if (options.rejectUnknownSni()) {
            text.append("; rejectUnknownSNI");
            if (now != null) {
                text.append(" (accepting ").append(String.join(", ", now.get().knownNames())).append(')');
            }
        }
        return text.toString();
    }

    private Served current() {
        ReloadingContext<Served> now = served;
        if (now == null) {
            start();
            now = served;
        }
        return now.get();
    }

    private Served fromFiles() {
        List<X509Certificate> chain = PemFiles.certificates(Path.of(options.certFile()), "certFile");
        var key = PemFiles.privateKey(Path.of(options.keyFile()), "keyFile");
        PemFiles.checkPair(key, chain.get(0), "keyFile '" + options.keyFile() + "'",
                "certFile '" + options.certFile() + "'");
        List<X509Certificate> trustedNow = options.caFile() == null ? List.of()
                : PemFiles.certificates(Path.of(options.caFile()), "caFile");
        return build(new CertifiedKey(key, chain), trustedNow);
    }

    private Served generated() {
        CertifiedKey key = SelfSignedCertificates.generate(options.effectiveCommonName(),
                options.effectiveOrganization(), options.effectiveValidity());
        return build(key, trusted);
    }

    private Served build(CertifiedKey certified, List<X509Certificate> trustedNow) {
        SslContextBuilder builder = SslContextBuilder.forServer(certified.key(), certified.chain());
        TlsContexts.configure(builder, options, engine, true);
        if (!trustedNow.isEmpty()) {
            builder.trustManager(ValidityCheckingTrustManager.trusting(trustedNow)).clientAuth(ClientAuth.REQUIRE);
        }
        try {
            SslContext context = builder.build();
            TlsContexts.enableTickets(context);
            return new Served(context, certified, knownNames(certified.certificate()));
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(options.source() + ": the TLS server cannot be set up with "
                    + engine + ": " + e.getMessage(), e);
        }
    }

    /** {@code serverNames}, or the names in the certificate when none are given. */
    private List<String> knownNames(X509Certificate certificate) {
        if (!options.serverNames().isEmpty()) {
            return options.serverNames().stream().map(name -> name.trim().toLowerCase(Locale.ROOT)).toList();
        }
        List<String> names = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> entry : certificate.getSubjectAlternativeNames()) {
                    if (entry.size() == 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable SAN: the common name below is what is left
        }
        String cn = commonName(certificate);
        if (names.isEmpty() && cn.startsWith("CN=")) {
            names.add(cn.substring(3).toLowerCase(Locale.ROOT));
        }
        return List.copyOf(names);
    }

    /** {@code name} equals one of {@code names}, or matches a {@code *.example.com} of them in one label. */
    static boolean matchesAny(String name, List<String> names) {
        String host = name.toLowerCase(Locale.ROOT);
        for (String known : names) {
            if (known.equals(host)) {
                return true;
            }
            if (known.startsWith("*.") && host.endsWith(known.substring(1)) && host.indexOf('.') > 0
                    && host.indexOf('.') == host.length() - known.length() + 1) {
                return true;
            }
        }
        return false;
    }

    private static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return "CN=" + rdn.getValue();
                }
            }
        } catch (InvalidNameException e) {
            // fall through to the whole subject
        }
        return certificate.getSubjectX500Principal().getName();
    }

    @Override
    public String toString() {
        return "ServerTls[" + ownerName + ", " + engine + ", " + options.summary() + "]";
    }
}
