package io.gost.runtime.control;

import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * GOST's plugin {@code tls.secure: false}: any certificate, for any name, for both plugin protocols (HTTP and
 * gRPC). An {@link X509ExtendedTrustManager}, because the JDK wraps a plain {@code X509TrustManager} in one that
 * still checks the host name.
 */
public final class TrustingEverything extends X509ExtendedTrustManager {

    /** The one instance: it holds nothing. */
    public static final TrustingEverything INSTANCE = new TrustingEverything();

    private TrustingEverything() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
