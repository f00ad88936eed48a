package io.gost.plugin.tls.stage;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;

/**
 * Which TLS implementation does the work: OpenSSL (BoringSSL through netty-tcnative, bundled for
 * linux-x86_64), faster and lighter on memory, or the JDK's own, which runs everywhere.
 *
 * <p>{@link #preferred()} is OpenSSL when its native library loads, else the JDK's; the system property
 * {@value #PROPERTY} ({@code openssl} or {@code jdk}, e.g. {@code JAVA_OPTS=-Dgost.tls.provider=jdk}) chooses
 * one, and asking for OpenSSL where it cannot load is an error rather than a silent fallback.
 */
public enum TlsEngine {

    OPENSSL(SslProvider.OPENSSL, "OpenSSL"),
    JDK(SslProvider.JDK, "JDK");

    /** The system property that chooses the engine. */
    public static final String PROPERTY = "gost.tls.provider";

    private final SslProvider provider;
    private final String label;

    TlsEngine(SslProvider provider, String label) {
        this.provider = provider;
        this.label = label;
    }

    /** Netty's name for it. */
    public SslProvider provider() {
        return provider;
    }

    /** True when this engine can run here. */
    public boolean isAvailable() {
        return this == JDK || OpenSsl.isAvailable();
    }

    /**
     * The engine to use: as {@value #PROPERTY} says, else OpenSSL when available, else the JDK's.
     *
     * @throws IllegalStateException when the property names an unknown engine, or OpenSSL where it cannot load
     */
    public static TlsEngine preferred() {
        String chosen = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        switch (chosen) {
            case "":
                return OpenSsl.isAvailable() ? OPENSSL : JDK;
            case "jdk":
                return JDK;
            case "openssl":
                if (!OpenSsl.isAvailable()) {
                    Throwable cause = OpenSsl.unavailabilityCause();
                    throw new IllegalStateException("-D" + PROPERTY + "=openssl, but OpenSSL (netty-tcnative) cannot"
                            + " be loaded here: " + (cause == null ? "unknown reason" : cause.getMessage())
                            + "; use -D" + PROPERTY + "=jdk or leave it unset");
                }
                return OPENSSL;
            default:
                throw new IllegalStateException("-D" + PROPERTY + "=" + chosen + " is not a TLS provider; use openssl"
                        + " or jdk");
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
