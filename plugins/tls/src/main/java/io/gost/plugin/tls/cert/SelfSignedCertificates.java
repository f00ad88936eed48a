package io.gost.plugin.tls.cert;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Makes the certificate a TLS server uses when none is configured, the way GOST makes its default one: an
 * ECDSA P-256 key, a self-signed certificate that may also act as a CA, the common name as its one DNS name
 * (or IP address), for both server and client authentication.
 */
public final class SelfSignedCertificates {

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String ORGANIZATION = "2.5.4.10";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** digitalSignature (bit 0) and keyCertSign (bit 5), as GOST sets them. */
    private static final byte[] KEY_USAGE_BITS = {(byte) 0b1000_0100};

    private static final SecureRandom RANDOM = new SecureRandom();

    private SelfSignedCertificates() {
    }

    /**
     * A new key and a certificate for it, valid from now (less a minute, for clocks slightly behind) for
     * {@code validity}.
     */
    public static CertifiedKey generate(String commonName, String organization, Duration validity) {
        return generate(commonName, organization, validity, Clock.systemUTC());
    }

    static CertifiedKey generate(String commonName, String organization, Duration validity, Clock clock) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair pair = generator.generateKeyPair();
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            byte[] signatureAlgorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
            byte[] name = Der.sequence(
                    Der.set(Der.sequence(Der.oid(ORGANIZATION), Der.utf8String(organization))),
                    Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
            byte[] extensions = Der.sequence(
                    extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true))),
                    extension(KEY_USAGE, true, Der.bitString(KEY_USAGE_BITS, 6)),
                    extension(EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))),
                    extension(SUBJECT_ALT_NAME, false, Der.sequence(alternativeName(commonName))));
            byte[] toBeSigned = Der.sequence(
                    Der.explicit(0, Der.integer(2)),
                    Der.integer(new BigInteger(127, RANDOM).add(BigInteger.ONE)),
                    signatureAlgorithm,
                    name,
                    Der.sequence(Der.time(now.minus(Duration.ofMinutes(1))), Der.time(now.plus(validity))),
                    name,
                    pair.getPublic().getEncoded(),
                    Der.explicit(3, extensions));
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate(), RANDOM);
            signer.update(toBeSigned);
            byte[] certificate = Der.sequence(toBeSigned, signatureAlgorithm, Der.bitString(signer.sign()));
            X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate));
            return new CertifiedKey(pair.getPrivate(), List.of(parsed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    /** {@code dNSName} (tag 2), or {@code iPAddress} (tag 7) when the name is an IP address literal. */
    private static byte[] alternativeName(String commonName) {
        if (commonName.matches("[0-9.]+") || commonName.contains(":")) {
            try {
                return Der.implicitPrimitive(7, InetAddress.getByName(commonName).getAddress());
            } catch (UnknownHostException notAnAddress) {
                // fall through: a name after all
            }
        }
        return Der.implicitPrimitive(2, commonName.getBytes(StandardCharsets.US_ASCII));
    }
}
