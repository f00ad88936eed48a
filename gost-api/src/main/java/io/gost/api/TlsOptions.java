package io.gost.api;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A plugin's TLS settings: GOST's {@code tls} block, as the runtime resolved it for one plugin
 * ({@link PluginContext#tls()}). Only plugins that say they use TLS ({@link PluginFactory#usesTls()}) are
 * given one; the runtime refuses a {@code tls} block on any other plugin, and refuses keys that the plugin's
 * side does not read (a listener is a TLS server, a dialer a client).
 *
 * <p>Server side (listeners, handlers): {@code certFile}/{@code keyFile} are the certificate and its key,
 * with neither a certificate is generated at start ({@code validity}, {@code commonName},
 * {@code organization}); {@code caFile} requires client certificates that chain to it;
 * {@code rejectUnknownSni} refuses handshakes whose server name is missing or not in {@code serverNames}.
 * Client side (dialers, connectors): {@code certFile}/{@code keyFile} are a client certificate;
 * {@code secure} verifies the server's certificate chain and name (against the system's roots, or
 * {@code caFile}); {@code caFile} alone verifies the chain but not the name; {@code serverName} is the name
 * sent (SNI) and verified, by default the node's host.
 *
 * @param certFile         PEM certificate chain file, or {@code null}
 * @param keyFile          PEM private key file (PKCS#8, PKCS#1 or SEC1), or {@code null}
 * @param caFile           PEM file of trusted certificates, or {@code null}
 * @param secure           client: verify the server's certificate and name
 * @param serverName       client: the name to send and verify, or {@code null} for the node's host
 * @param minVersion       the lowest protocol version, or {@code null} for {@link #DEFAULT_MIN_VERSION}
 * @param maxVersion       the highest protocol version, or {@code null} for the highest available
 * @param cipherSuites     IANA cipher suite names (as GOST's, which are Go's), for TLS 1.2 and lower; empty
 *                         for the provider's defaults
 * @param alpn             ALPN protocol names to offer or accept, in order of preference; empty for none
 * @param validity         server: the generated certificate's lifetime, or {@code null} for
 *                         {@link #DEFAULT_VALIDITY}
 * @param commonName       server: the generated certificate's CN (and DNS name), or {@code null} for
 *                         {@link #DEFAULT_COMMON_NAME}
 * @param organization     server: the generated certificate's O, or {@code null} for
 *                         {@link #DEFAULT_ORGANIZATION}
 * @param rejectUnknownSni server: refuse handshakes without a server name, or with one not in
 *                         {@code serverNames}
 * @param serverNames      server: the accepted server names when {@code rejectUnknownSni} is set
 * @param source           where these settings were written, for messages ({@code listener tls block at
 *                         app.yaml:12}, {@code built-in defaults})
 */
public record TlsOptions(String certFile, String keyFile, String caFile, boolean secure, String serverName,
                         Version minVersion, Version maxVersion, List<String> cipherSuites, List<String> alpn,
                         Duration validity, String commonName, String organization, boolean rejectUnknownSni,
                         List<String> serverNames, String source) {

    /** The lowest version when none is configured: TLS 1.0 and 1.1 are deprecated (RFC 8996). */
    public static final Version DEFAULT_MIN_VERSION = Version.TLS_1_2;

    /** A generated certificate's lifetime, as GOST's: one year. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofHours(8760);

    /** A generated certificate's common name, as GOST's. */
    public static final String DEFAULT_COMMON_NAME = "gost.run";

    /** A generated certificate's organization, as GOST's. */
    public static final String DEFAULT_ORGANIZATION = "GOST";

    /** Nothing configured: a generated certificate on servers, no verification on clients. */
    public static final TlsOptions DEFAULTS = builder().source("built-in defaults").build();

    /** TLS protocol versions, with GOST's names ({@code VersionTLS12}) and Java's ({@code TLSv1.2}). */
    public enum Version {
        TLS_1_0("TLSv1", "VersionTLS10"),
        TLS_1_1("TLSv1.1", "VersionTLS11"),
        TLS_1_2("TLSv1.2", "VersionTLS12"),
        TLS_1_3("TLSv1.3", "VersionTLS13");

        private final String javaName;
        private final String gostName;

        Version(String javaName, String gostName) {
            this.javaName = javaName;
            this.gostName = gostName;
        }

        /** The protocol name Java's (and Netty's) TLS engines use: {@code TLSv1.2}. */
        public String javaName() {
            return javaName;
        }

        /** GOST's name: {@code VersionTLS12}. */
        public String gostName() {
            return gostName;
        }

        /**
         * The version GOST's name ({@code VersionTLS12}, any case) or Java's ({@code TLSv1.2}) stands for.
         */
        public static Optional<Version> parse(String name) {
            String trimmed = name == null ? "" : name.trim();
            for (Version version : values()) {
                if (version.gostName.equalsIgnoreCase(trimmed) || version.javaName.equalsIgnoreCase(trimmed)) {
                    return Optional.of(version);
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return gostName;
        }
    }

    public TlsOptions {
        certFile = blankToNull(certFile);
        keyFile = blankToNull(keyFile);
        caFile = blankToNull(caFile);
        serverName = blankToNull(serverName);
        commonName = blankToNull(commonName);
        organization = blankToNull(organization);
        cipherSuites = List.copyOf(Objects.requireNonNullElse(cipherSuites, List.of()));
        alpn = List.copyOf(Objects.requireNonNullElse(alpn, List.of()));
        serverNames = List.copyOf(Objects.requireNonNullElse(serverNames, List.of()));
        source = Objects.requireNonNullElse(blankToNull(source), "tls block");
        if (minVersion != null && maxVersion != null && minVersion.compareTo(maxVersion) > 0) {
            throw new IllegalArgumentException(source + ": minVersion " + minVersion + " is above maxVersion "
                    + maxVersion);
        }
        if (validity != null && (validity.isZero() || validity.isNegative())) {
            throw new IllegalArgumentException(source + ": validity must be positive, got " + validity);
        }
    }

    /** True when a certificate file or key file is named (otherwise a server generates its certificate). */
    public boolean hasCertificateFiles() {
        return certFile != null || keyFile != null;
    }

    /** {@link #minVersion}, or {@link #DEFAULT_MIN_VERSION} when none is configured. */
    public Version effectiveMinVersion() {
        return minVersion != null ? minVersion : DEFAULT_MIN_VERSION;
    }

    /** {@link #validity}, or {@link #DEFAULT_VALIDITY}. */
    public Duration effectiveValidity() {
        return validity != null ? validity : DEFAULT_VALIDITY;
    }

    /** {@link #commonName}, or {@link #DEFAULT_COMMON_NAME}. */
    public String effectiveCommonName() {
        return commonName != null ? commonName : DEFAULT_COMMON_NAME;
    }

    /** {@link #organization}, or {@link #DEFAULT_ORGANIZATION}. */
    public String effectiveOrganization() {
        return organization != null ? organization : DEFAULT_ORGANIZATION;
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder(null);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    /** Builds {@link TlsOptions}; every setting starts unset (the defaults). */
    public static final class Builder {
        private String certFile;
        private String keyFile;
        private String caFile;
        private boolean secure;
        private String serverName;
        private Version minVersion;
        private Version maxVersion;
        private List<String> cipherSuites = List.of();
        private List<String> alpn = List.of();
        private Duration validity;
        private String commonName;
        private String organization;
        private boolean rejectUnknownSni;
        private List<String> serverNames = List.of();
        private String source;

        private Builder(TlsOptions from) {
            if (from != null) {
                certFile = from.certFile;
                keyFile = from.keyFile;
                caFile = from.caFile;
                secure = from.secure;
                serverName = from.serverName;
                minVersion = from.minVersion;
                maxVersion = from.maxVersion;
                cipherSuites = from.cipherSuites;
                alpn = from.alpn;
                validity = from.validity;
                commonName = from.commonName;
                organization = from.organization;
                rejectUnknownSni = from.rejectUnknownSni;
                serverNames = from.serverNames;
                source = from.source;
            }
        }

        public Builder certFile(String value) {
            certFile = value;
            return this;
        }

        public Builder keyFile(String value) {
            keyFile = value;
            return this;
        }

        public Builder caFile(String value) {
            caFile = value;
            return this;
        }

        public Builder secure(boolean value) {
            secure = value;
            return this;
        }

        public Builder serverName(String value) {
            serverName = value;
            return this;
        }

        public Builder minVersion(Version value) {
            minVersion = value;
            return this;
        }

        public Builder maxVersion(Version value) {
            maxVersion = value;
            return this;
        }

        public Builder cipherSuites(List<String> value) {
            cipherSuites = value;
            return this;
        }

        public Builder alpn(List<String> value) {
            alpn = value;
            return this;
        }

        public Builder validity(Duration value) {
            validity = value;
            return this;
        }

        public Builder commonName(String value) {
            commonName = value;
            return this;
        }

        public Builder organization(String value) {
            organization = value;
            return this;
        }

        public Builder rejectUnknownSni(boolean value) {
            rejectUnknownSni = value;
            return this;
        }

        public Builder serverNames(List<String> value) {
            serverNames = value;
            return this;
        }

        public Builder source(String value) {
            source = value;
            return this;
        }

        public TlsOptions build() {
            return new TlsOptions(certFile, keyFile, caFile, secure, serverName, minVersion, maxVersion,
                    cipherSuites, alpn, validity, commonName, organization, rejectUnknownSni, serverNames, source);
        }
    }

    /** The settings in one line, for logs: {@code certFile=/etc/gost/cert.pem, secure, TLSv1.2+}. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        if (certFile != null) {
            text.append("certFile=").append(certFile).append(", ");
        }
        if (keyFile != null) {
            text.append("keyFile=").append(keyFile).append(", ");
        }
        if (caFile != null) {
            text.append("caFile=").append(caFile).append(", ");
        }
        if (secure) {
            text.append("secure, ");
        }
        if (serverName != null) {
            text.append("serverName=").append(serverName).append(", ");
        }
        text.append(effectiveMinVersion().javaName()).append(maxVersion == null ? "+"
                : maxVersion == effectiveMinVersion() ? "" : "-" + maxVersion.javaName());
        if (!cipherSuites.isEmpty()) {
            text.append(", cipherSuites=").append(String.join(",", cipherSuites));
        }
        if (!alpn.isEmpty()) {
            text.append(", alpn=").append(String.join(",", alpn));
        }
        if (rejectUnknownSni) {
            text.append(", rejectUnknownSNI").append(serverNames.isEmpty() ? ""
                    : " " + String.join(",", serverNames).toLowerCase(Locale.ROOT));
        }
        return text.toString();
    }
}
