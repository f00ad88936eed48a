package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17 as a user runs it: bin/gost with GOST's query keys and YAML sections for admissions, limiters,
 * authers with data sources (a file that is reloaded, a real redis-server) and hosts, driven by the real curl.
 */
class AccessAndLimitsIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void anAdmissionClosesRefusedClientsAndItsWhitelistFormLetsThemIn() {
        OriginServer origin = resources.add(new OriginServer());
        int blocked = resources.freePort();
        int allowed = resources.freePort();
        GostProcess gost = resources.gost("-L", "http://127.0.0.1:" + blocked + "?admission=127.0.0.0/8",
                "-L", "http://127.0.0.1:" + allowed + "?admission=~127.0.0.1").awaitPort(blocked).awaitPort(allowed);

        Curl.Result refused = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + blocked, origin.url("/hello"));
        Curl.Result admitted = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + allowed, origin.url("/hello"));

        assertThat(refused.status()).as(refused.toString()).isZero();
        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(admitted.status()).as(admitted.toString()).isEqualTo(200);
        assertThat(admitted.body()).isEqualTo(OriginServer.HELLO);
        awaitLog(gost, "refused by admission");
        assertThat(gost.output()).containsPattern("service service-0: 1 connection refused by admission admission-0");
    }

    @Test
    void aRequestRateLimiterAnswers429NamingItself() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "http://127.0.0.1:" + port + "?rlimiter=1").awaitPort(port);

        List<Curl.Result> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port, origin.url("/hello")));
        }

        assertThat(results.get(0).status()).as(results.toString()).isEqualTo(200);
        assertThat(results).as("one request a second: the next ones within that second are refused")
                .anySatisfy(result -> {
                    assertThat(result.status()).isEqualTo(429);
                    assertThat(result.body()).contains("rlimiter");
                });
        awaitLog(gost, "over the request rate of rlimiter");
    }

    @Test
    void aConnectionLimiterAnswers503WhileTheSlotIsTakenAndAdmitsOnceItIsFree() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "http://127.0.0.1:" + port + "?climiter=1").awaitPort(port);
        awaitLog(gost, "sid=1-service-0"); // the port probe's connection has given its slot back

        try (Socket tunnel = new Socket(InetAddress.getLoopbackAddress(), port)) {
            tunnel.setSoTimeout(10_000);
            OutputStream out = tunnel.getOutputStream();
            out.write(("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readHead(tunnel.getInputStream())).startsWith("HTTP/1.1 200");

            Curl.Result refused = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port, origin.url("/hello"));

            assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.body()).contains("climiter");
        }
        Waits.until("the slot to be free again", Duration.ofSeconds(10), () -> Curl.run(resources.dir(), "-x",
                "http://127.0.0.1:" + port, origin.url("/hello")).status() == 200, () -> !gost.isAlive(),
                gost::describe);
        assertThat(gost.output()).contains("over the connection limit of climiter");
    }

    @Test
    void trafficLimitsPaceUploadsAndDownloadsToTheirRate() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        // Per connection ($$): its buckets start empty, so the whole transfer is paced (a service's $ bucket
        // fills up to its burst, a second's worth, while nobody uses it).
        resources.gost("-L", "http://127.0.0.1:" + port + "?limiter.conn.in=256KB&limiter.conn.out=512KB")
                .awaitPort(port);
        byte[] upload = new byte[768 * 1024];
        new java.util.Random(17).nextBytes(upload);
        Path file = resources.write("upload.bin", upload);

        long start = System.nanoTime();
        Curl.Result posted = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port, "--data-binary",
                "@" + file, origin.url("/sha256"));
        double uploadSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        Curl.Result fetched = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port,
                origin.url("/bytes/" + (1536 * 1024)));
        double downloadSeconds = (System.nanoTime() - start) / 1e9;

        assertThat(posted.body()).isEqualTo(OriginServer.sha256(upload) + " " + upload.length);
        assertThat(fetched.status()).isEqualTo(200);
        // 768 KB at 256 KB/s and 1.5 MB at 512 KB/s: 3 s each (plus curl's start, well under the margin).
        assertThat(uploadSeconds).as("upload seconds").isBetween(2.6, 3.8);
        assertThat(downloadSeconds).as("download seconds").isBetween(2.6, 3.8);
    }

    @Test
    void anAutherReadsItsFileAndReloadsItWithoutARestart() throws IOException {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        Path users = resources.write("users.txt", "# user password\nalice s3cret\n");
        Path config = resources.write("gost.yaml", """
                services:
                - name: proxy
                  addr: 127.0.0.1:%d
                  handler:
                    type: http
                    auther: users
                  listener:
                    type: tcp
                authers:
                - name: users
                  reload: 1s
                  file:
                    path: %s
                """.formatted(port, users));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port);

        assertThat(viaProxy(port, "alice:s3cret", origin).status()).isEqualTo(200);
        assertThat(viaProxy(port, "alice:wrong", origin).status()).isEqualTo(407);
        assertThat(viaProxy(port, "bob:b0b", origin).status()).isEqualTo(407);

        Files.writeString(users, "alice s3cret\nbob b0b\n");
        Waits.until("bob to be accepted after the reload", Duration.ofSeconds(10),
                () -> viaProxy(port, "bob:b0b", origin).status() == 200, () -> !gost.isAlive(), gost::describe);
        Files.delete(users);
        // A source that cannot be read keeps its last good data.
        awaitLog(gost, users.toString());
        assertThat(viaProxy(port, "bob:b0b", origin).status()).isEqualTo(200);
    }

    @Test
    void anAutherReadsARedisHashAndReloadsItWithoutARestart() {
        OriginServer origin = resources.add(new OriginServer());
        int redisPort = resources.freePort();
        ManagedProcess redis = resources.process("redis", List.of("redis-server", "--port", Integer.toString(redisPort),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
        redis.awaitPort(redisPort);
        ManagedProcess cli = resources.process("redis-cli", List.of("redis-cli", "-p", Integer.toString(redisPort),
                "HSET", "gost:authers:users", "carol", "c4r0l"));
        assertThat(cli.awaitExit()).as(cli::describe).isZero();
        int port = resources.freePort();
        Path config = resources.write("gost.yaml", """
                services:
                - name: proxy
                  addr: 127.0.0.1:%d
                  handler:
                    type: socks5
                    auther: users
                  listener:
                    type: tcp
                authers:
                - name: users
                  reload: 1s
                  redis:
                    addr: 127.0.0.1:%d
                    key: gost:authers:users
                """.formatted(port, redisPort));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port);

        Curl.Result accepted = Curl.run(resources.dir(), "-x", "socks5h://carol:c4r0l@127.0.0.1:" + port,
                origin.url("/hello"));
        Curl.Result rejected = Curl.run(resources.dir(), "-x", "socks5h://carol:nope@127.0.0.1:" + port,
                origin.url("/hello"));

        assertThat(accepted.status()).as(accepted + "\n" + gost.describe()).isEqualTo(200);
        assertThat(rejected.status()).as(rejected.toString()).isZero();
        assertThat(rejected.exitCode()).as(rejected.toString()).isEqualTo(97); // curl: proxy handshake error

        // Another client changes the hash: dave is added and carol's password changes; gost keeps running.
        ManagedProcess change = resources.process("redis-cli", List.of("redis-cli", "-p", Integer.toString(redisPort),
                "HSET", "gost:authers:users", "dave", "d4ve", "carol", "n3w"));
        assertThat(change.awaitExit()).as(change::describe).isZero();
        Waits.until("dave to be accepted after the reload", Duration.ofSeconds(10),
                () -> Curl.run(resources.dir(), "-x", "socks5h://dave:d4ve@127.0.0.1:" + port, origin.url("/hello"))
                        .status() == 200, () -> !gost.isAlive(), gost::describe);
        assertThat(Curl.run(resources.dir(), "-x", "socks5h://carol:n3w@127.0.0.1:" + port, origin.url("/hello"))
                .status()).as("carol's new password").isEqualTo(200);
        assertThat(Curl.run(resources.dir(), "-x", "socks5h://carol:c4r0l@127.0.0.1:" + port, origin.url("/hello"))
                .exitCode()).as("carol's old password").isEqualTo(97);
    }

    @Test
    void hostsMapNamesTheProxyDialsWithoutDns() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        resources.gost("-L", "http://127.0.0.1:" + port + "?hosts=origin.gost.test:127.0.0.1").awaitPort(port);

        Curl.Result result = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port,
                "http://origin.gost.test:" + origin.port() + "/hello");

        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
    }

    @Test
    void socks5UdpIsRefusedWhereItWouldGoAroundTheServicesBypassOrLimits() throws Exception {
        int restricted = resources.freePort();
        int plain = resources.freePort();
        GostProcess gost = resources.gost("-L", "socks5://127.0.0.1:" + restricted + "?udp=true&bypass=10.0.0.0/8",
                "-L", "socks5://127.0.0.1:" + plain + "?udp=true").awaitPort(restricted).awaitPort(plain);

        assertThat(udpAssociateReply(restricted)).as("not allowed by ruleset").isEqualTo(0x02);
        assertThat(udpAssociateReply(plain)).as("succeeded").isZero();
        assertThat(gost.output()).contains("SOCKS5 UDP ASSOCIATE refused: the service's bypass bypass-0 apply only");
    }

    /** The reply code of a SOCKS5 UDP ASSOCIATE, after a greeting without authentication. */
    private static int udpAssociateReply(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(new byte[] {5, 1, 0});
            assertThat(in.readNBytes(2)).containsExactly(5, 0);
            out.write(new byte[] {5, 3, 0, 1, 0, 0, 0, 0, 0, 0});
            byte[] reply = in.readNBytes(2);
            assertThat(reply).hasSize(2);
            return reply[1];
        }
    }

    @Test
    void aResolverAsksItsNameserverOnLoopback() {
        OriginServer origin = resources.add(new OriginServer());
        int dnsPort = resources.freePort();
        ManagedProcess dnsmasq = resources.process("dnsmasq", List.of("dnsmasq", "--keep-in-foreground",
                "--port=" + dnsPort, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--user=root", "--pid-file=", "--log-facility=-", "--address=/origin.gost.test/127.0.0.1"));
        dnsmasq.awaitPort(dnsPort); // dnsmasq answers over TCP on the same port
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "http://127.0.0.1:" + port + "?resolver=udp://127.0.0.1:" + dnsPort)
                .awaitPort(port);

        Curl.Result result = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port,
                "http://origin.gost.test:" + origin.port() + "/hello");

        assertThat(result.status()).as(result + "\n" + gost.describe()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
    }

    @Test
    void aHopsBypassTruncatesTheRouteForTheTargetsItMatches() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        int nobody = resources.freePort(); // the hop's proxy is not running: only a truncated route can succeed
        int other = resources.freePort();
        resources.gost("-L", "http://127.0.0.1:" + port, "-F", "http://127.0.0.1:" + nobody + "?bypass=127.0.0.1")
                .awaitPort(port);
        resources.gost("-L", "http://127.0.0.1:" + other, "-F", "http://127.0.0.1:" + nobody + "?bypass=10.0.0.0/8")
                .awaitPort(other);

        Curl.Result bypassed = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port, origin.url("/hello"));
        Curl.Result routed = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + other, origin.url("/hello"));

        assertThat(bypassed.status()).as(bypassed.toString()).isEqualTo(200);
        assertThat(routed.status()).as("through the hop, which is down").isEqualTo(502);
    }

    @Test
    void soMarkMarksTheSocketsGostDialsAndAMissingInterfaceIsAPlanningError() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "http://127.0.0.1:" + port + "?so_mark=42&interface=lo")
                .awaitPort(port);

        try (Socket tunnel = new Socket(InetAddress.getLoopbackAddress(), port)) {
            tunnel.setSoTimeout(10_000);
            tunnel.getOutputStream().write(("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(tunnel.getInputStream())).as(gost::describe).startsWith("HTTP/1.1 200");
            // The kernel's view of gost's socket to the origin: ss shows its mark (SO_MARK 42).
            ManagedProcess ss = resources.process("ss", List.of("ss", "-tneH", "dport = :" + origin.port()));
            assertThat(ss.awaitExit()).isZero();
            assertThat(ss.stdout()).as(ss::describe).contains("fwmark:0x2a");
        }

        GostProcess missing = resources.gost("-L", "http://127.0.0.1:" + resources.freePort() + "?interface=nosuch0");
        assertThat(missing.awaitExit()).isNotZero();
        assertThat(missing.output()).contains("nosuch0");
    }

    @Test
    void anAuthPluginAndAnHttpSourceAreAskedOverHttpAndSkipauthLetsItsClientsIn() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        com.sun.net.httpserver.HttpServer authService = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        List<String> logins = java.util.Collections.synchronizedList(new ArrayList<>());
        authService.createContext("/auth", exchange -> {
            String login = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            logins.add(login);
            boolean ok = login.contains("\"username\":\"dave\"") && login.contains("\"password\":\"d4ve\"");
            byte[] answer = ("{\"ok\":" + ok + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        authService.createContext("/users", exchange -> {
            byte[] users = "erin 3r1n\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, users.length);
            exchange.getResponseBody().write(users);
            exchange.close();
        });
        authService.start();
        resources.add(() -> authService.stop(0));
        String base = "http://127.0.0.1:" + authService.getAddress().getPort();
        int port = resources.freePort();
        int open = resources.freePort();
        Path config = resources.write("gost.yaml", """
                services:
                - name: proxy
                  addr: 127.0.0.1:%d
                  handler:
                    type: http
                    authers: [remote, listed]
                  listener:
                    type: tcp
                - name: trusted
                  addr: 127.0.0.1:%d
                  handler:
                    type: http
                    auth: {username: frank, password: fr4nk}
                    metadata:
                      skipauth: [127.0.0.0/8]
                  listener:
                    type: tcp
                authers:
                - name: remote
                  plugin:
                    type: http
                    addr: %s/auth
                    timeout: 5s
                - name: listed
                  http:
                    url: %s/users
                """.formatted(port, open, base, base));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port).awaitPort(open);

        assertThat(viaProxy(port, "dave:d4ve", origin).status()).as(gost::describe).isEqualTo(200);
        assertThat(viaProxy(port, "dave:wrong", origin).status()).isEqualTo(407);
        assertThat(viaProxy(port, "erin:3r1n", origin).status()).as("from the http source").isEqualTo(200);
        assertThat(logins).anySatisfy(login -> assertThat(login).contains("\"service\":\"proxy\"")
                .contains("\"client\":\"127.0.0.1:"));
        Curl.Result skipped = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + open, origin.url("/hello"));
        assertThat(skipped.status()).as("skipauth: no credentials asked of 127.0.0.0/8").isEqualTo(200);
    }

    @Test
    void gostCheckShowsEachServicesControls() {
        Path config = resources.write("gost.yaml", """
                services:
                - name: proxy
                  addr: 127.0.0.1:18080
                  admission: admission-0
                  limiter: limiter-0
                  climiter: climiter-0
                  hosts: hosts-0
                  handler: {type: http}
                  listener: {type: tcp}
                admissions:
                - name: admission-0
                  whitelist: true
                  matchers: [127.0.0.1]
                limiters:
                - name: limiter-0
                  limits: ['$ 10MB 20MB', '$$ 1MB']
                climiters:
                - name: climiter-0
                  limits: ['$ 100']
                hosts:
                - name: hosts-0
                  mappings: [{ip: 127.0.0.1, hostname: example.test}]
                """);
        ManagedProcess check = resources.process("gost-check",
                List.of(GostProcess.launcher().toString(), "check", config.toString()));

        assertThat(check.awaitExit()).as(check::describe).isZero();
        assertThat(check.stdout()).contains("admission-0", "limiter-0", "climiter-0", "hosts-0", "10MB", "1MB");
    }

    @Test
    void aRelayServerAnswersItsRequestRateLimitWithStatus5() {
        OriginServer origin = resources.add(new OriginServer());
        int relayPort = resources.freePort();
        int port = resources.freePort();
        GostProcess server = resources.gost("-L", "relay://127.0.0.1:" + relayPort + "?rlimiter=1")
                .awaitPort(relayPort);
        resources.gost("-L", "http://127.0.0.1:" + port, "-F", "relay://127.0.0.1:" + relayPort).awaitPort(port);

        List<Curl.Result> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port, origin.url("/hello")));
        }

        assertThat(results.get(0).status()).as(results.toString()).isEqualTo(200);
        assertThat(results).as("refused by the relay server: the client's proxy cannot reach the target")
                .anySatisfy(result -> assertThat(result.status()).isEqualTo(502));
        awaitLog(server, "answering relay status 5");
        assertThat(server.output()).contains("over the request rate of rlimiter");
    }

    private Curl.Result viaProxy(int port, String credentials, OriginServer origin) {
        return Curl.run(resources.dir(), "-x", "http://" + credentials + "@127.0.0.1:" + port, origin.url("/hello"));
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            head.append((char) next);
        }
        return head.toString();
    }

    private static void awaitLog(GostProcess gost, String text) {
        Waits.until("gost to log '" + text + "'", ManagedProcess.START_TIMEOUT, () -> gost.output().contains(text),
                () -> !gost.isAlive() && !gost.output().contains(text), gost::describe);
    }
}
