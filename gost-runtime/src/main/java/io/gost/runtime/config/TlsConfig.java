package io.gost.runtime.config;

import io.gost.api.TlsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code tls} block as written: on a listener, handler, connector or dialer, at the top level (the servers'
 * default), or made from {@code -L}/{@code -F} query keys ({@code certFile}, {@code secure} ...). Planning
 * checks it against the plugin that reads it and resolves it into the {@link TlsOptions} the plugin gets.
 * Unset values are {@code null} (or empty lists), so that a block can be laid over another.
 *
 * @param certFile         certificate (chain) file
 * @param keyFile          private key file
 * @param caFile           CA file: client certificates on servers, trust on clients
 * @param secure           client: verify the server's certificate and name
 * @param serverName       client: the name sent and verified
 * @param minVersion       {@code options.minVersion}
 * @param maxVersion       {@code options.maxVersion}
 * @param cipherSuites     {@code options.cipherSuites}
 * @param alpn             {@code options.alpn}
 * @param validity         server: the generated certificate's lifetime
 * @param commonName       server: the generated certificate's CN
 * @param organization     server: the generated certificate's O
 * @param rejectUnknownSni server: refuse unknown server names
 * @param serverNames      server: the accepted server names
 * @param origin           where the block was written
 * @param keys             where each key was written ({@code certFile}, {@code options.minVersion} ...)
 */
public record TlsConfig(String certFile, String keyFile, String caFile, Boolean secure, String serverName,
                        TlsOptions.Version minVersion, TlsOptions.Version maxVersion, List<String> cipherSuites,
                        List<String> alpn, Duration validity, String commonName, String organization,
                        Boolean rejectUnknownSni, List<String> serverNames, Origin origin, KeyOrigins keys) {

    /** The keys a client's block may not have: they only describe a server. */
    public static final List<String> SERVER_ONLY = List.of("validity", "commonName", "organization",
            "rejectUnknownSNI", "serverNames");
    /** The keys a server's block may not have: they only describe a client. */
    public static final List<String> CLIENT_ONLY = List.of("secure", "serverName");

    public TlsConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        cipherSuites = List.copyOf(Objects.requireNonNullElse(cipherSuites, List.of()));
        alpn = List.copyOf(Objects.requireNonNullElse(alpn, List.of()));
        serverNames = List.copyOf(Objects.requireNonNullElse(serverNames, List.of()));
        keys = Objects.requireNonNullElse(keys, KeyOrigins.at(origin));
    }

    /** A block with only the file keys, as the command line makes it. */
    public static TlsConfig files(String certFile, String keyFile, String caFile, Origin origin, KeyOrigins keys) {
        return new TlsConfig(certFile, keyFile, caFile, null, null, null, null, null, null, null, null, null, null,
                null, origin, keys);
    }

    /** The names of the keys that are set, as GOST spells them. */
    public List<String> written() {
        List<String> written = new ArrayList<>();
        addIf(written, certFile != null, "certFile");
        addIf(written, keyFile != null, "keyFile");
        addIf(written, caFile != null, "caFile");
        addIf(written, secure != null, "secure");
        addIf(written, serverName != null, "serverName");
        addIf(written, minVersion != null, "options.minVersion");
        addIf(written, maxVersion != null, "options.maxVersion");
        addIf(written, !cipherSuites.isEmpty(), "options.cipherSuites");
        addIf(written, !alpn.isEmpty(), "options.alpn");
        addIf(written, validity != null, "validity");
        addIf(written, commonName != null, "commonName");
        addIf(written, organization != null, "organization");
        addIf(written, rejectUnknownSni != null, "rejectUnknownSNI");
        addIf(written, !serverNames.isEmpty(), "serverNames");
        return written;
    }

    private static void addIf(List<String> list, boolean condition, String key) {
        if (condition) {
            list.add(key);
        }
    }

    /** Where {@code key} ({@code certFile}, {@code options.alpn} ...) was written. */
    public Origin at(String key) {
        return keys.of(key);
    }

    /** The block's own settings as {@link TlsOptions}, described as coming from {@code source}. */
    public TlsOptions toOptions(String source) {
        return over(TlsOptions.builder().source(source).build(), source);
    }

    /**
     * This block laid over {@code base}: every key set here wins, the others keep {@code base}'s value.
     */
    public TlsOptions over(TlsOptions base, String source) {
        TlsOptions.Builder builder = base.toBuilder().source(source);
        if (certFile != null) {
            builder.certFile(certFile);
        }
        if (keyFile != null) {
            builder.keyFile(keyFile);
        }
        if (caFile != null) {
            builder.caFile(caFile);
        }
        if (secure != null) {
            builder.secure(secure);
        }
        if (serverName != null) {
            builder.serverName(serverName);
        }
        if (minVersion != null) {
            builder.minVersion(minVersion);
        }
        if (maxVersion != null) {
            builder.maxVersion(maxVersion);
        }
        if (!cipherSuites.isEmpty()) {
            builder.cipherSuites(cipherSuites);
        }
        if (!alpn.isEmpty()) {
            builder.alpn(alpn);
        }
        if (validity != null) {
            builder.validity(validity);
        }
        if (commonName != null) {
            builder.commonName(commonName);
        }
        if (organization != null) {
            builder.organization(organization);
        }
        if (rejectUnknownSni != null) {
            builder.rejectUnknownSni(rejectUnknownSni);
        }
        if (!serverNames.isEmpty()) {
            builder.serverNames(serverNames);
        }
        return builder.build();
    }

    /** True when the block names a certificate or key file of its own. */
    public boolean hasCertificateFiles() {
        return certFile != null || keyFile != null;
    }
}
