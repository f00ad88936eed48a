package io.gost.plugin.tls.stage;

import io.gost.api.TlsOptions;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;

/** What server and client contexts share: versions, cipher suites and ALPN, checked against the engine. */
final class TlsContexts {

    /** TLS 1.3's suites, which GOST's (Go's) cipherSuites never restrict. */
    private static final List<String> TLS13_SUITES =
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private TlsContexts() {
    }

    /** Applies the protocol versions, cipher suites and ALPN names of {@code options} to {@code builder}. */
    static void configure(SslContextBuilder builder, TlsOptions options, TlsEngine engine, boolean server) {
        builder.sslProvider(engine.provider());
        builder.protocols(protocols(options, engine));
        if (!options.cipherSuites().isEmpty()) {
            builder.ciphers(cipherSuites(options, engine));
        }
        if (!options.alpn().isEmpty()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    // What both OpenSSL and the JDK's engine support: a server without a common protocol
                    // answers without ALPN, and a client accepts what the server picked.
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, options.alpn()));
        }
    }

    /**
     * Session tickets for TLS 1.2 too, as haproxy and stunnel have them: Netty's OpenSSL contexts leave them off
     * (to behave like the JDK's engine, whose server has them on since Java 13). BoringSSL makes and rotates
     * the keys itself. TLS 1.3 resumes with tickets either way.
     */
    static void enableTickets(SslContext context) {
        if (context.sessionContext() instanceof OpenSslSessionContext openSsl) {
            openSsl.setTicketKeys();
        }
    }

    /** The versions from minVersion to maxVersion that the engine has. */
    static List<String> protocols(TlsOptions options, TlsEngine engine) {
        // BoringSSL has had TLS 1.3 since netty-tcnative 2.0.26; its suites are how it says so.
        TlsOptions.Version highest = engine == TlsEngine.OPENSSL
                && !OpenSsl.isCipherSuiteAvailable("TLS_AES_128_GCM_SHA256")
                ? TlsOptions.Version.TLS_1_2 : TlsOptions.Version.TLS_1_3;
        TlsOptions.Version min = options.effectiveMinVersion();
        TlsOptions.Version max = options.maxVersion() != null ? options.maxVersion() : highest;
        if (max.compareTo(highest) > 0) {
            throw new IllegalArgumentException(options.source() + ": maxVersion " + max + " is not available with the "
                    + engine + " TLS engine here (its highest is " + highest + ")");
        }
        if (min.compareTo(max) > 0) {
            throw new IllegalArgumentException(options.source() + ": minVersion " + min + " is above the highest"
                    + " version, " + max);
        }
        List<String> protocols = new ArrayList<>();
        for (TlsOptions.Version version : TlsOptions.Version.values()) {
            if (version.compareTo(min) >= 0 && version.compareTo(max) <= 0) {
                protocols.add(version.javaName());
            }
        }
        return protocols;
    }

    /**
     * The configured suites under the names the engine knows (Go's short ChaCha20 names get their
     * {@code _SHA256}), each checked, and TLS 1.3's own suites added when none is named: in GOST the list only
     * restricts TLS 1.2 and lower.
     */
    static List<String> cipherSuites(TlsOptions options, TlsEngine engine) {
        Set<String> known = supportedSuites(engine);
        Set<String> suites = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String configured : options.cipherSuites()) {
            String name = configured.trim().toUpperCase(Locale.ROOT);
            if (name.endsWith("_CHACHA20_POLY1305")) {
                name = name + "_SHA256"; // Go's legacy spelling
            }
            if (known.contains(name)) {
                suites.add(name);
            } else {
                unknown.add(configured);
            }
        }
        if (!unknown.isEmpty()) {
            List<String> tls12 = known.stream().filter(suite -> !TLS13_SUITES.contains(suite)).sorted().toList();
            throw new IllegalArgumentException(options.source() + ": cipherSuites " + unknown + " not known to the "
                    + engine + " TLS engine; it has " + String.join(", ", tls12));
        }
        if (suites.stream().noneMatch(TLS13_SUITES::contains)) {
            TLS13_SUITES.stream().filter(known::contains).forEach(suites::add);
        }
        return List.copyOf(suites);
    }

    private static Set<String> supportedSuites(TlsEngine engine) {
        if (engine == TlsEngine.OPENSSL) {
            return OpenSsl.availableJavaCipherSuites();
        }
        try {
            return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }
}
