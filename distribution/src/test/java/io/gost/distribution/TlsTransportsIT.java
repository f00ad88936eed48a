package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS and WebSocket transports as a user runs them with bin/gost: GOST's URL forms and a YAML tls block, against
 * curl as the TLS client and a second gost process as the other end. The certificates are made by the openssl CLI
 * in the test's directory (a CA, a server certificate for localhost and a client certificate).
 */
class TlsTransportsIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void curlThroughAnHttpsProxyThatRequiresAClientCertificate() throws IOException {
        Certificates certs = Certificates.make(resources);
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "https://127.0.0.1:" + port + "?cert=" + certs.serverCert
                + "&key=" + certs.serverKey + "&ca=" + certs.ca).awaitPort(port);
        String proxy = "https://localhost:" + port;

        Curl.Result withCertificate = Curl.run(resources.dir(), "--proxy", proxy, "--proxy-cacert",
                certs.ca.toString(), "--proxy-cert", certs.clientCert.toString(), "--proxy-key",
                certs.clientKey.toString(), origin.url("/hello"));
        Curl.Result without = Curl.run(resources.dir(), "--proxy", proxy, "--proxy-cacert", certs.ca.toString(),
                origin.url("/hello"));
        // A trust file without the proxy's CA (curl trusts a leaf it holds, so not the server's own certificate).
        Curl.Result unknownCa = Curl.run(resources.dir(), "--proxy", proxy, "--proxy-cacert",
                certs.clientCert.toString(), "--proxy-cert", certs.clientCert.toString(), "--proxy-key",
                certs.clientKey.toString(), origin.url("/hello"));
        sendPlaintext(port);
        Curl.Result afterwards = Curl.run(resources.dir(), "--proxy", proxy, "--proxy-cacert",
                certs.ca.toString(), "--proxy-cert", certs.clientCert.toString(), "--proxy-key",
                certs.clientKey.toString(), origin.url("/hello"));

        assertThat(withCertificate.status()).as(withCertificate::toString).isEqualTo(200);
        assertThat(withCertificate.body()).isEqualTo(OriginServer.HELLO);
        assertThat(without.exitCode()).as(without::toString).isNotZero();
        assertThat(without.status()).isZero();
        assertThat(unknownCa.exitCode()).as("curl does not trust the proxy's CA: %s", unknownCa).isNotZero();
        assertThat(afterwards.status()).as("the service keeps serving: %s", afterwards).isEqualTo(200);
        Waits.until("the refused handshakes are logged", Duration.ofSeconds(10),
                () -> gost.output().contains("the client sent no certificate, and caFile requires one")
                        && gost.output().contains("plaintext sent to a TLS port?"),
                () -> !gost.isAlive(), gost::describe);
        assertThat(gost.output()).as(gost::describe).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void twoGostProcessesThroughSocks5OverWebSocketOverTls() {
        EchoServer echo = resources.add(new EchoServer());
        int serverPort = resources.freePort();
        int forwardPort = resources.freePort();
        GostProcess server = resources.gost("-L", "socks5+wss://127.0.0.1:" + serverPort + "?path=/tunnel")
                .awaitPort(serverPort);
        GostProcess client = resources.gost("-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + echo.port(),
                "-F", "socks5+wss://127.0.0.1:" + serverPort + "?path=/tunnel").awaitPort(forwardPort);
        byte[] payload = Payloads.random(4 * 1024 * 1024, 15);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        assertThat(server.output()).as(server::describe).contains("serving a self-signed certificate made now");
        assertThat(client.output()).as(client::describe).contains("is not verified (neither secure=true nor caFile");
        // Without the server the forward must fail: the bytes went through it, not around it.
        server.close();
        Payloads.assertNoEchoThrough(forwardPort);
    }

    /**
     * GOST's forward connector page, as written: {@code gost -L tls://:8443/TARGET} on the server and
     * {@code gost -L tcp://:8000 -F forward+tls://:8443} on the client carry a plain port inside TLS.
     */
    @Test
    void aPlainPortCarriedInsideTlsByTheForwardConnector() {
        EchoServer echo = resources.add(new EchoServer());
        int serverPort = resources.freePort();
        int clientPort = resources.freePort();
        GostProcess server = resources.gost("-L", "tls://127.0.0.1:" + serverPort + "/127.0.0.1:" + echo.port())
                .awaitPort(serverPort);
        GostProcess client = resources.gost("-L", "tcp://127.0.0.1:" + clientPort,
                "-F", "forward+tls://127.0.0.1:" + serverPort).awaitPort(clientPort);
        byte[] payload = Payloads.random(2 * 1024 * 1024, 17);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(clientPort, payload));

        assertThat(server.output()).as(server::describe).contains("serving a self-signed certificate made now");
        // The server's side of the hop is TLS: without the server, nothing reaches the echo server.
        server.close();
        Payloads.assertNoEchoThrough(clientPort);
        assertThat(client.output()).as(client::describe).doesNotContain("Exception");
    }

    @Test
    void yamlTlsBlocksOnAListenerAndAVerifyingDialer() throws IOException {
        Certificates certs = Certificates.make(resources);
        EchoServer echo = resources.add(new EchoServer());
        int serverPort = resources.freePort();
        int forwardPort = resources.freePort();
        Path serverYaml = resources.write("server.yaml", String.join("\n",
                "services:",
                "- name: tls-in",
                "  addr: 127.0.0.1:" + serverPort,
                "  handler: {type: socks5}",
                "  listener:",
                "    type: tls",
                "    tls:",
                "      certFile: " + certs.serverCert,
                "      keyFile: " + certs.serverKey,
                "      caFile: " + certs.ca,
                "      options: {minVersion: VersionTLS13}",
                ""));
        Path clientYaml = resources.write("client.yaml", String.join("\n",
                "services:",
                "- name: forward",
                "  addr: 127.0.0.1:" + forwardPort,
                "  handler: {type: tcp, chain: tls-out}",
                "  listener: {type: tcp}",
                "  forwarder: {nodes: [{name: echo, addr: 127.0.0.1:" + echo.port() + "}]}",
                "chains:",
                "- name: tls-out",
                "  hops:",
                "  - name: hop",
                "    nodes:",
                "    - name: server",
                "      addr: 127.0.0.1:" + serverPort,
                "      connector: {type: socks5}",
                "      dialer:",
                "        type: tls",
                "        tls:",
                "          secure: true",
                "          serverName: localhost",
                "          caFile: " + certs.ca,
                "          certFile: " + certs.clientCert,
                "          keyFile: " + certs.clientKey,
                ""));
        resources.gost("-C", serverYaml.toString()).awaitPort(serverPort);
        GostProcess client = resources.gost("-C", clientYaml.toString()).awaitPort(forwardPort);
        byte[] payload = Payloads.random(1024 * 1024, 16);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));

        assertThat(client.output()).as(client::describe).doesNotContain("is not verified");
    }

    @Test
    void nginxAsAWebSocketReverseProxyInFrontOfAWsListener() {
        EchoServer echo = resources.add(new EchoServer());
        int gostPort = resources.freePort();
        int nginxPort = resources.freePort();
        int forwardPort = resources.freePort();
        resources.gost("-L", "socks5+ws://127.0.0.1:" + gostPort + "?path=/tunnel").awaitPort(gostPort);
        Path dir = resources.dir();
        Path conf = resources.write("nginx.conf", String.join("\n",
                "user root;",
                "worker_processes 1;",
                "error_log " + dir.resolve("nginx-error.log") + " warn;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "events { worker_connections 64; }",
                "http {",
                "  access_log off;",
                "  server {",
                "    listen 127.0.0.1:" + nginxPort + ";",
                "    location /tunnel {",
                "      proxy_pass http://127.0.0.1:" + gostPort + ";",
                "      proxy_http_version 1.1;",
                "      proxy_set_header Upgrade $http_upgrade;",
                "      proxy_set_header Connection upgrade;",
                "    }",
                "  }",
                "}",
                ""));
        resources.process("nginx", List.of("nginx", "-p", dir.toString(), "-e", dir.resolve("nginx-error.log")
                .toString(), "-c", conf.toString(), "-g", "daemon off;")).awaitPort(nginxPort);
        resources.gost("-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + echo.port(),
                "-F", "socks5+ws://127.0.0.1:" + nginxPort + "?path=/tunnel").awaitPort(forwardPort);
        byte[] payload = Payloads.random(2 * 1024 * 1024, 17);

        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));
    }

    @Test
    void haproxyTerminatingTlsIsAHopTheTlsDialerVerifies() throws IOException {
        Certificates certs = Certificates.make(resources);
        OriginServer origin = resources.add(new OriginServer());
        int gostPort = resources.freePort();
        int haproxyPort = resources.freePort();
        int frontPort = resources.freePort();
        resources.gost("-L", "http://127.0.0.1:" + gostPort).awaitPort(gostPort);
        Path pem = resources.write("haproxy.pem", java.nio.file.Files.readString(certs.serverCert)
                + java.nio.file.Files.readString(certs.serverKey));
        Path conf = resources.write("haproxy.cfg", String.join("\n",
                "defaults",
                "  mode tcp",
                "  timeout connect 5s",
                "  timeout client 30s",
                "  timeout server 30s",
                "frontend tls-in",
                "  bind 127.0.0.1:" + haproxyPort + " ssl crt " + pem,
                "  default_backend gost",
                "backend gost",
                "  server gost 127.0.0.1:" + gostPort,
                ""));
        resources.process("haproxy", List.of("haproxy", "-db", "-f", conf.toString())).awaitPort(haproxyPort);
        resources.gost("-L", "http://127.0.0.1:" + frontPort,
                "-F", "https://localhost:" + haproxyPort + "?secure=true&caFile=" + certs.ca).awaitPort(frontPort);

        Curl.Result result = Curl.run(resources.dir(), "--proxy", "http://127.0.0.1:" + frontPort,
                origin.url("/hello"));

        assertThat(result.status()).as(result::toString).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
    }

    @Test
    void pythonWebsocketsTalksToTheWsListenerInBinaryMessages() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        resources.gost("-L", "http+ws://127.0.0.1:" + port + "?path=/x").awaitPort(port);
        Path script = resources.write("client.py", String.join("\n",
                "import asyncio, sys, websockets",
                "async def main():",
                "    async with websockets.connect(sys.argv[1]) as ws:",
                "        await ws.send(('GET ' + sys.argv[2] + ' HTTP/1.0\\r\\n\\r\\n').encode())",
                "        data = b''",
                "        try:",
                "            while True:",
                "                message = await asyncio.wait_for(ws.recv(), 10)",
                "                assert isinstance(message, bytes), 'gost sends binary messages'",
                "                data += message",
                "        except websockets.ConnectionClosed:",
                "            pass",
                "        sys.stdout.write(data.decode())",
                "asyncio.run(main())",
                ""));
        ManagedProcess python = resources.process("python", List.of("/usr/bin/python3", script.toString(),
                "ws://127.0.0.1:" + port + "/x", origin.url("/hello")));

        assertThat(python.awaitExit()).as(python::describe).isZero();
        assertThat(python.stdout()).startsWith("HTTP/1.1 200").endsWith(OriginServer.HELLO);
    }

    /** Plaintext HTTP to a TLS port, as a misconfigured client sends it. */
    private static void sendPlaintext(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The server closes the connection; whatever it sends first is not HTTP.
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .doesNotContain("HTTP/1.");
        }
    }

    /** A CA, a server certificate for localhost and 127.0.0.1, and a client certificate, from the openssl CLI. */
    private record Certificates(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

        static Certificates make(TestResources resources) {
            Path dir = resources.dir();
            resources.write("san.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            openssl(resources, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=gost test CA");
            for (String name : List.of("server", "client")) {
                openssl(resources, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", name + ".key", "-out", name + ".csr", "-subj",
                        "/CN=" + ("server".equals(name) ? "localhost" : "gost test client"));
                openssl(resources, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                        "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", "san.ext");
            }
            return new Certificates(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"),
                    dir.resolve("client.pem"), dir.resolve("client.key"));
        }

        private static void openssl(TestResources resources, String... args) {
            List<String> command = new java.util.ArrayList<>(List.of("openssl"));
            command.addAll(List.of(args));
            ManagedProcess openssl = resources.process("openssl", command);
            assertThat(openssl.awaitExit()).as(openssl::describe).isZero();
        }
    }
}
