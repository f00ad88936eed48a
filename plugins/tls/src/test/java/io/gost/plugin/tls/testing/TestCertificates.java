package io.gost.plugin.tls.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made for a test with the tools users have (the openssl and keytool commands), in a directory
 * of the test's: a CA, a server certificate it signed for {@code localhost} and {@code 127.0.0.1}, a client
 * certificate it signed, a second CA with its own server certificate (trusted by nobody), and an expired
 * self-signed certificate. Nothing is committed; every run makes its own keys.
 */
public final class TestCertificates {

    private final Path directory;

    private TestCertificates(Path directory) {
        this.directory = directory;
    }

    /** Makes them all in {@code directory} (a few hundred milliseconds of openssl). */
    public static TestCertificates create(Path directory) throws IOException, InterruptedException {
        TestCertificates certificates = new TestCertificates(directory);
        certificates.makeAll();
        return certificates;
    }

    public Path caCert() {
        return directory.resolve("ca.pem");
    }

    public Path serverCert() {
        return directory.resolve("server.pem");
    }

    public Path serverKey() {
        return directory.resolve("server.key");
    }

    public Path clientCert() {
        return directory.resolve("client.pem");
    }

    public Path clientKey() {
        return directory.resolve("client.key");
    }

    /** A CA nobody trusts. */
    public Path otherCaCert() {
        return directory.resolve("other-ca.pem");
    }

    /** A server certificate for localhost signed by the CA nobody trusts. */
    public Path otherServerCert() {
        return directory.resolve("other-server.pem");
    }

    public Path otherServerKey() {
        return directory.resolve("other-server.key");
    }

    /** A self-signed certificate for localhost that expired in 2020. */
    public Path expiredCert() {
        return directory.resolve("expired.pem");
    }

    public Path expiredKey() {
        return directory.resolve("expired.key");
    }

    public Path directory() {
        return directory;
    }

    private void makeAll() throws IOException, InterruptedException {
        makeCa("ca", "gost-java test CA");
        makeSigned("server", "ca", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        makeSigned("client", "ca", "test client", "extendedKeyUsage=clientAuth");
        makeCa("other-ca", "someone else's CA");
        makeSigned("other-server", "other-ca", "localhost",
                "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        makeExpired();
    }

    /** A new CA key and certificate, {@code name.key} and {@code name.pem}. */
    public void makeCa(String name, String commonName) throws IOException, InterruptedException {
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "30", "-subj", "/CN=" + commonName,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    /** A new key and a certificate for it signed by CA {@code ca}, with {@code extensions} (openssl syntax). */
    public void makeSigned(String name, String ca, String commonName, String extensions)
            throws IOException, InterruptedException {
        Files.writeString(directory.resolve(name + ".ext"), extensions + "\n");
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                "-CAcreateserial", "-out", name + ".pem", "-days", "30", "-extfile", name + ".ext");
    }

    private void makeExpired() throws IOException, InterruptedException {
        // keytool can back-date a certificate; openssl 3.0's req and x509 cannot.
        run("keytool", "-genkeypair", "-alias", "expired", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-startdate", "2020/01/01 00:00:00",
                "-validity", "10", "-keystore", "expired.p12", "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit");
        run("openssl", "pkcs12", "-in", "expired.p12", "-passin", "pass:changeit", "-nokeys", "-out", "expired.pem");
        run("openssl", "pkcs12", "-in", "expired.p12", "-passin", "pass:changeit", "-nocerts", "-nodes",
                "-out", "expired.key");
    }

    /** Runs a command in the directory; fails with its output when it fails. */
    public void run(String... command) throws IOException, InterruptedException {
        Path output = directory.resolve("command.log");
        Process process = new ProcessBuilder(List.of(command)).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 30 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): "
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
    }

    /** The PEM certificate(s) of {@code file} as text, for comparing. */
    public static List<String> pemBlocks(Path file) throws IOException {
        List<String> blocks = new ArrayList<>();
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int start;
        int from = 0;
        while ((start = text.indexOf("-----BEGIN CERTIFICATE-----", from)) >= 0) {
            int end = text.indexOf("-----END CERTIFICATE-----", start) + "-----END CERTIFICATE-----".length();
            blocks.add(text.substring(start, end));
            from = end;
        }
        return blocks;
    }
}
