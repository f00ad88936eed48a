package io.gost.plugin.tls.cert;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A private key and the certificate chain that goes with it, leaf first.
 *
 * @param key   the leaf certificate's private key
 * @param chain the leaf certificate, then any intermediates
 */
public record CertifiedKey(PrivateKey key, List<X509Certificate> chain) {

    public CertifiedKey {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certified key needs at least its own certificate");
        }
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The leaf certificate's SHA-256 fingerprint, as {@code openssl x509 -fingerprint -sha256} prints it. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint the certificate", e);
        }
    }
}
