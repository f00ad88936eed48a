package io.gost.plugin.tls.cert;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files GOST users have: certificate chains, and private keys in every form Go reads (PKCS#8
 * {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY}). Every failure is an
 * {@link IllegalArgumentException} whose message names the file and what is wrong with it.
 */
public final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";

    private PemFiles() {
    }

    /** The certificates in {@code file}, in file order (leaf first, for a chain). */
    public static List<X509Certificate> certificates(Path file, String what) {
        byte[] bytes = read(file, what);
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(bytes)) {
                if (block.type.equals("CERTIFICATE") || block.type.equals("X509 CERTIFICATE")
                        || block.type.equals("TRUSTED CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(block.der)));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(what + " '" + file + "' holds a certificate that cannot be read: "
                    + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(what + " '" + file + "' holds no PEM certificate (-----BEGIN"
                    + " CERTIFICATE-----)");
        }
        return certificates;
    }

    /** The private key in {@code file}. */
    public static PrivateKey privateKey(Path file, String what) {
        byte[] bytes = read(file, what);
        byte[] curveParameters = null;
        for (Block block : blocks(bytes)) {
            if (block.type.equals("EC PARAMETERS")) {
                curveParameters = block.der;
            }
        }
        for (Block block : blocks(bytes)) {
            try {
                switch (block.type) {
                    case "PRIVATE KEY":
                        return pkcs8(block.der, file, what);
                    case "RSA PRIVATE KEY":
                        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                                wrap(Der.sequence(Der.oid(RSA_ENCRYPTION), Der.nullValue()), block.der)));
                    case "EC PRIVATE KEY":
                        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                                wrap(Der.sequence(Der.oid(EC_PUBLIC_KEY), curve(block.der, curveParameters, file, what)),
                                        block.der)));
                    case "ENCRYPTED PRIVATE KEY":
                        throw new IllegalArgumentException(what + " '" + file + "' holds an encrypted key, which"
                                + " gost (like GOST) cannot use; decrypt it with: openssl pkey -in " + file
                                + " -out key.pem");
                    default:
                        // other blocks (EC PARAMETERS, certificates) are skipped, as Go skips them
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                if (e instanceof IllegalArgumentException && e.getMessage() != null
                        && e.getMessage().startsWith(what)) {
                    throw (IllegalArgumentException) e;
                }
                throw new IllegalArgumentException(what + " '" + file + "' holds a " + block.type
                        + " that cannot be read: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException(what + " '" + file + "' holds no PEM private key (-----BEGIN PRIVATE"
                + " KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    /**
     * Checks that {@code key} is the private key of {@code certificate}'s public key, by signing and verifying;
     * a mismatch is the classic mistake of a renewed certificate with the old key.
     */
    public static void checkPair(PrivateKey key, X509Certificate certificate, String keyWhat, String certWhat) {
        PublicKey publicKey = certificate.getPublicKey();
        if (!publicKey.getAlgorithm().equalsIgnoreCase(key.getAlgorithm())
                && !(isEc(publicKey.getAlgorithm()) && isEc(key.getAlgorithm()))) {
            throw new IllegalArgumentException(keyWhat + " holds a " + key.getAlgorithm() + " key, but the "
                    + certWhat + " certificate is for a " + publicKey.getAlgorithm() + " key: they do not belong"
                    + " together");
        }
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "ED25519", "EDDSA" -> "Ed25519";
            case "ED448" -> "Ed448";
            case "RSASSA-PSS" -> null;
            default -> null;
        };
        if (algorithm == null) {
            return; // nothing cheap to check with; the TLS library will refuse a mismatch at the handshake
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(keyWhat + " is not the key of the " + certWhat
                        + " certificate (" + certificate.getSubjectX500Principal().getName() + "): they do not"
                        + " belong together; was the certificate renewed with a new key?");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(keyWhat + " cannot be checked against the " + certWhat
                    + " certificate: " + e.getMessage(), e);
        }
    }

    private static boolean isEc(String algorithm) {
        return algorithm.equalsIgnoreCase("EC") || algorithm.equalsIgnoreCase("ECDSA");
    }

    private static PrivateKey pkcs8(byte[] der, Path file, String what) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not an RSA, EC or Ed25519 key"
                + (last == null || last.getMessage() == null ? "" : " (" + last.getMessage() + ")"));
    }

    /** PKCS#8 {@code PrivateKeyInfo} around a PKCS#1 or SEC1 key. */
    private static byte[] wrap(byte[] algorithmIdentifier, byte[] key) {
        return Der.sequence(Der.integer(0), algorithmIdentifier, Der.octetString(key));
    }

    /**
     * The named curve of a SEC1 key: its own {@code [0] parameters}, else a separate {@code EC PARAMETERS}
     * block (what {@code openssl ecparam -genkey} writes).
     */
    private static byte[] curve(byte[] sec1, byte[] parameters, Path file, String what) {
        Der.Element key = Der.read(sec1, 0);
        int position = key.start();
        while (position < key.end()) {
            Der.Element field = Der.read(sec1, position);
            if (field.tag() == 0xa0) {
                Der.Element oid = Der.read(sec1, field.start());
                if (oid.tag() == Der.OBJECT_IDENTIFIER) {
                    return oid.encoded(sec1, field.start());
                }
            }
            position = field.end();
        }
        if (parameters != null && Der.read(parameters, 0).tag() == Der.OBJECT_IDENTIFIER) {
            return parameters;
        }
        throw new IllegalArgumentException(what + " '" + file + "' holds an EC PRIVATE KEY without its curve;"
                + " convert it with: openssl pkey -in " + file + " -out key.pem");
    }

    private static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " '" + file + "' does not exist"
                    + (file.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath() + ")"), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " '" + file + "' cannot be read: " + e.getMessage(), e);
        }
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(matcher.group(2));
            } catch (IllegalArgumentException e) {
                continue; // not valid base64: not a block we can use
            }
            blocks.add(new Block(matcher.group(1).trim(), der));
        }
        return blocks;
    }
}
