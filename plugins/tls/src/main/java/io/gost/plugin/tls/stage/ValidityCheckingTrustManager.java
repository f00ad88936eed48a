package io.gost.plugin.tls.stage;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager, plus a validity check of every certificate the peer sends. PKIX does not
 * check the dates of a trust anchor, so a pinned certificate ({@code caFile} holding the server's own
 * certificate, a common GOST set-up) would be accepted long after it expired; Go, and so GOST, refuses it.
 */
final class ValidityCheckingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;

    private ValidityCheckingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    /** Trusts {@code anchors}, or the system's roots when the list is empty. */
    static TrustManager trusting(List<X509Certificate> anchors) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (anchors.isEmpty()) {
                factory.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < anchors.size(); i++) {
                    store.setCertificateEntry("anchor-" + i, anchors.get(i));
                }
                factory.init(store);
            }
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return new ValidityCheckingTrustManager(extended);
                }
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot set up certificate verification: " + e.getMessage(), e);
        }
    }

    private static void checkDates(X509Certificate[] chain) throws CertificateException {
        if (chain == null) {
            return;
        }
        for (X509Certificate certificate : chain) {
            certificate.checkValidity();
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkDates(chain);
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkDates(chain);
        delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkDates(chain);
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkDates(chain);
        delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkDates(chain);
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkDates(chain);
        delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
