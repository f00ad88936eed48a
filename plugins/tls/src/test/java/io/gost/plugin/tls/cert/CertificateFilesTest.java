package io.gost.plugin.tls.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.plugin.tls.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM files users bring, in the forms openssl writes them, and the certificate gost generates. */
class CertificateFilesTest {

    @TempDir
    static Path directory;
    private static TestCertificates tools;

    @BeforeAll
    static void makeTools() throws Exception {
        tools = TestCertificates.create(directory);
    }

    @Test
    void readsPkcs8Pkcs1AndSec1KeysAsGoDoes() throws Exception {
        tools.run("openssl", "genrsa", "-traditional", "-out", "rsa-pkcs1.key", "2048");
        tools.run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec-sec1.key");
        tools.run("openssl", "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "ec-sec1-bare.key");
        tools.run("openssl", "genpkey", "-algorithm", "ed25519", "-out", "ed25519.key");

        assertThat(PemFiles.privateKey(directory.resolve("rsa-pkcs1.key"), "keyFile").getAlgorithm()).isEqualTo("RSA");
        assertThat(PemFiles.privateKey(directory.resolve("ec-sec1.key"), "keyFile").getAlgorithm()).isEqualTo("EC");
        assertThat(PemFiles.privateKey(directory.resolve("ec-sec1-bare.key"), "keyFile").getAlgorithm())
                .isEqualTo("EC");
        assertThat(PemFiles.privateKey(directory.resolve("ed25519.key"), "keyFile").getAlgorithm())
                .isIn("Ed25519", "EdDSA");
        assertThat(PemFiles.privateKey(tools.serverKey(), "keyFile").getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void badFilesAreNamedWithWhatIsWrong() throws Exception {
        tools.run("openssl", "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256",
                "-pass", "pass:secret", "-out", "encrypted.key");
        Files.writeString(directory.resolve("not-pem.txt"), "hello");

        assertThatThrownBy(() -> PemFiles.privateKey(directory.resolve("encrypted.key"), "keyFile"))
                .hasMessageContaining("holds an encrypted key").hasMessageContaining("openssl pkey -in");
        assertThatThrownBy(() -> PemFiles.certificates(directory.resolve("not-pem.txt"), "certFile"))
                .hasMessage("certFile '" + directory.resolve("not-pem.txt") + "' holds no PEM certificate"
                        + " (-----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> PemFiles.certificates(directory.resolve("missing.pem"), "caFile"))
                .hasMessageStartingWith("caFile '" + directory.resolve("missing.pem") + "' does not exist");
        assertThatThrownBy(() -> PemFiles.privateKey(tools.serverCert(), "keyFile"))
                .hasMessageContaining("holds no PEM private key");
    }

    @Test
    void aChainFileIsReadLeafFirst() throws Exception {
        Path chain = directory.resolve("chain.pem");
        Files.writeString(chain, Files.readString(tools.serverCert()) + Files.readString(tools.caCert()));

        List<X509Certificate> certificates = PemFiles.certificates(chain, "certFile");

        assertThat(certificates).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=localhost", "CN=gost-java test CA");
    }

    @Test
    void theGeneratedCertificateIsGostsAndOpensslReadsIt() throws Exception {
        CertifiedKey generated = SelfSignedCertificates.generate("gost.run", "GOST", Duration.ofHours(8760));
        Path file = directory.resolve("generated.pem");
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(
                StandardCharsets.US_ASCII)).encodeToString(generated.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n");

        tools.run("sh", "-c", "openssl x509 -in generated.pem -noout -text > generated.txt");
        String text = Files.readString(directory.resolve("generated.txt"));

        assertThat(text).contains("Issuer: O = GOST, CN = gost.run").contains("Subject: O = GOST, CN = gost.run")
                .contains("ecdsa-with-SHA256").contains("NIST CURVE: P-256").contains("CA:TRUE")
                .contains("Digital Signature, Certificate Sign").contains("TLS Web Server Authentication, TLS Web"
                        + " Client Authentication").contains("DNS:gost.run");
        generated.certificate().verify(generated.certificate().getPublicKey());
        PemFiles.checkPair(generated.key(), generated.certificate(), "key", "generated");
        assertThat(generated.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void anIpAddressAsCommonNameBecomesAnIpSubjectAlternativeName() throws Exception {
        CertifiedKey generated = SelfSignedCertificates.generate("192.0.2.7", "GOST", Duration.ofDays(1));

        assertThat(generated.certificate().getSubjectAlternativeNames())
                .containsExactly(List.of(7, "192.0.2.7"));
    }

    @Test
    void validityAfter2049IsWrittenAsGeneralizedTime() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2049-06-01T00:00:00Z"), ZoneOffset.UTC);

        CertifiedKey generated = SelfSignedCertificates.generate("gost.run", "GOST", Duration.ofDays(365), clock);

        assertThat(generated.certificate().getNotAfter().toInstant()).isEqualTo("2050-06-01T00:00:00Z");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() {
        assertThatThrownBy(() -> PemFiles.checkPair(PemFiles.privateKey(tools.clientKey(), "keyFile"),
                PemFiles.certificates(tools.serverCert(), "certFile").get(0), "keyFile 'client.key'",
                "certFile 'server.pem'"))
                .hasMessageStartingWith("keyFile 'client.key' is not the key of the certFile 'server.pem' certificate");
    }
}
