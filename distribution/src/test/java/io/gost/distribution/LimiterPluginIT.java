package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, GOST's limiter plugin as a user runs it: bin/gost with a YAML file whose limiters ask an HTTP plugin
 * served by the test, curl moving real bytes through the proxy, the rates measured.
 */
class LimiterPluginIT {

    private static final int KB = 1024;

    @RegisterExtension
    final TestResources resources = new TestResources();

    private final Queue<String> asked = new ConcurrentLinkedQueue<>();
    /** When the plugin last answered: a connection moves nothing before its answer, so its pacing starts there. */
    private volatile long lastAnswerNanos;
    private OriginServer origin;
    private String plugins;

    @BeforeEach
    void startPeers() throws IOException {
        origin = resources.add(new OriginServer());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        // A connection's own question gets 256 KB/s in and 512 KB/s out; the whole service's gets 0 (no limit).
        server.createContext("/limiter", exchange -> {
            String question = read(exchange);
            asked.add(question);
            respond(exchange, question.contains("\"scope\":\"conn\"") ? "{\"in\":" + 256 * KB + ",\"out\":" + 512 * KB
                    + "}" : "{\"in\":0,\"out\":0}");
            lastAnswerNanos = System.nanoTime();
        });
        server.createContext("/unlimited", exchange -> {
            asked.add("unlimited " + read(exchange));
            respond(exchange, "{\"in\":0,\"out\":-1}");
        });
        // An auth plugin: each user's password is USER-secret; alice's client id is user-alice, the others' their name.
        server.createContext("/auth", exchange -> {
            String login = read(exchange);
            String user = login.replaceAll(".*\"username\":\"([^\"]*)\".*", "$1");
            boolean ok = login.contains("\"password\":\"" + user + "-secret\"");
            respond(exchange, "{\"ok\":" + ok + (user.equals("alice") ? ",\"id\":\"user-alice\"}" : "}"));
        });
        // A handler's own limiter: each user's rate out (to the client), nothing in.
        server.createContext("/users", exchange -> {
            String question = read(exchange);
            asked.add("users " + question);
            respond(exchange, question.contains("\"client\":\"user-alice\"") ? "{\"in\":0,\"out\":" + 256 * KB + "}"
                    : question.contains("\"client\":\"bob\"") ? "{\"in\":0,\"out\":" + 512 * KB + "}"
                    : "{\"in\":0,\"out\":0}");
        });
        server.start();
        resources.add(() -> server.stop(0));
        plugins = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void eachConnectionIsPacedAtTheRatesThePluginAnswersForItAndTheQuestionsAreGosts() throws Exception {
        int port = resources.freePort();
        Path config = resources.write("gost.yaml", """
                services:
                - name: paced
                  addr: 127.0.0.1:%d
                  limiter: limiter-0
                  handler: {type: http}
                  listener: {type: tcp}
                limiters:
                - name: limiter-0
                  plugin: {type: http, addr: '%s/limiter'}
                """.formatted(port, plugins));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port);
        byte[] upload = new byte[512 * KB];
        new Random(17).nextBytes(upload);
        Path file = resources.write("upload.bin", upload);
        String proxy = "http://127.0.0.1:" + port;

        Curl.Result posted = Curl.run(resources.dir(), "-x", proxy, "--data-binary", "@" + file,
                origin.url("/sha256"));
        double uploadSeconds = (System.nanoTime() - lastAnswerNanos) / 1e9;
        Curl.Result fetched = Curl.run(resources.dir(), "-x", proxy, origin.url("/bytes/" + 1024 * KB));
        double downloadSeconds = (System.nanoTime() - lastAnswerNanos) / 1e9;

        assertThat(posted.body()).as(gost.describe()).isEqualTo(OriginServer.sha256(upload) + " " + upload.length);
        assertThat(fetched.status()).isEqualTo(200);
        // 512 KB in at 256 KB/s, 1 MB out at 512 KB/s: 2 s each from the connection's answer, within 10%.
        assertThat(uploadSeconds).as("upload seconds").isBetween(1.8, 2.25);
        assertThat(downloadSeconds).as("download seconds").isBetween(1.8, 2.25);
        assertThat(asked).as("the whole service's question, once: its answer is kept for the refresh interval")
                .containsOnlyOnce("{\"service\":\"paced\",\"scope\":\"service\",\"network\":\"tcp\",\"addr\":\"\","
                        + "\"client\":\"\",\"src\":\"\"}");
        assertThat(asked.stream().filter(question -> question.matches("\\{\"service\":\"paced\",\"scope\":\"conn\","
                + "\"network\":\"tcp\",\"addr\":\"\",\"client\":\"\",\"src\":\"127\\.0\\.0\\.1:\\d+\"}")))
                .as("one question per connection (the port probe's and curl's), naming its source")
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void anAnswerOfZeroAndAPluginThatIsDownLimitNothing() throws Exception {
        int unlimited = resources.freePort();
        int down = resources.freePort();
        int nobody = resources.freePort(); // nothing listens there: a plugin that is down
        Path config = resources.write("gost.yaml", """
                services:
                - name: unlimited
                  addr: 127.0.0.1:%d
                  limiter: limiter-unlimited
                  handler: {type: http}
                  listener: {type: tcp}
                - name: down
                  addr: 127.0.0.1:%d
                  limiter: limiter-down
                  handler: {type: http}
                  listener: {type: tcp}
                limiters:
                - name: limiter-unlimited
                  plugin: {type: http, addr: '%s/unlimited'}
                - name: limiter-down
                  plugin: {type: http, addr: 'http://127.0.0.1:%d/limiter', timeout: 2s}
                """.formatted(unlimited, down, plugins, nobody));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(unlimited).awaitPort(down);

        for (int port : new int[] {unlimited, down}) {
            long start = System.nanoTime();
            Curl.Result fetched = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port,
                    origin.url("/bytes/" + 4096 * KB));
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(fetched.status()).as(gost.describe()).isEqualTo(200);
            // Unlimited: 4 MB in well under the 16 s of even a 256 KB/s limit (generous: CI machines are busy).
            assertThat(seconds).as("4 MB through service on port " + port + " unlimited").isLessThan(2.5);
        }
        assertThat(asked).anySatisfy(question -> assertThat(question).startsWith("unlimited {\"service\":"
                + "\"unlimited\",\"scope\":\"conn\""));
        Waits.until("gost to log the plugin that is down", ManagedProcess.START_TIMEOUT,
                () -> gost.output().contains("limiter limiter-down: cannot reach http://127.0.0.1:" + nobody
                        + "/limiter"), () -> !gost.isAlive(), gost::describe);
    }

    @Test
    void aHandlersOwnLimiterPacesEachUserAtTheRatesThePluginAnswersForTheirClientId() throws Exception {
        int port = resources.freePort();
        int socksPort = resources.freePort();
        Path config = resources.write("gost.yaml", """
                services:
                - name: users
                  addr: 127.0.0.1:%d
                  handler:
                    type: http
                    auther: users
                    limiter: limiter-users
                  listener: {type: tcp}
                - name: socks-users
                  addr: 127.0.0.1:%d
                  handler:
                    type: socks5
                    auther: users
                    limiter: limiter-users
                  listener: {type: tcp}
                authers:
                - name: users
                  plugin: {type: http, addr: '%s/auth'}
                limiters:
                - name: limiter-users
                  plugin: {type: http, addr: '%s/users'}
                """.formatted(port, socksPort, plugins, plugins));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port).awaitPort(socksPort);
        String proxy = "http://127.0.0.1:" + port;
        // The first question starts gost's HTTP client (slow on a cold, busy JVM): carol's, whose answer is 0.
        assertThat(Curl.run(resources.dir(), "-x", proxy, "--proxy-user", "carol:carol-secret",
                origin.url("/hello")).status()).as(gost.describe()).isEqualTo(200);

        // 512 KB out at alice's 256 KB/s, 1 MB at bob's 512 KB/s: 2 s each.
        double aliceSeconds = timedDownload(proxy, "alice", 512 * KB);
        double bobSeconds = timedDownload(proxy, "bob", 1024 * KB);
        // The SOCKS5 handler too (its own answer: the service is part of the question).
        double aliceSocksSeconds = timedDownload("socks5h://127.0.0.1:" + socksPort, "alice", 512 * KB);

        assertThat(aliceSeconds).as("alice's seconds").isBetween(1.8, 2.25);
        assertThat(bobSeconds).as("bob's seconds").isBetween(1.8, 2.25);
        assertThat(aliceSocksSeconds).as("alice's seconds through SOCKS5").isBetween(1.8, 2.25);
        assertThat(asked).anySatisfy(question -> assertThat(question).matches("users \\{\"service\":\"users\","
                + "\"scope\":\"client\",\"network\":\"tcp\",\"addr\":\"127\\.0\\.0\\.1:" + origin.port()
                + "\",\"client\":\"user-alice\",\"src\":\"127\\.0\\.0\\.1:\\d+\"}"));
        assertThat(asked.stream().filter(question -> question.contains("\"client\":\"user-alice\"")))
                .as("alice's answer is kept for the refresh interval: asked once per service for her connections")
                .hasSize(2);
        assertThat(asked).anySatisfy(question -> assertThat(question).startsWith("users {\"service\":\"socks-users\","
                + "\"scope\":\"client\",\"network\":\"tcp\",\"addr\":\"127.0.0.1:" + origin.port()
                + "\",\"client\":\"user-alice\""));
        assertThat(asked.stream().filter(question -> question.contains("\"client\":\"bob\""))).hasSize(1);
    }

    /**
     * Seconds to download {@code size} bytes as {@code user}, whose first connection (a small request just before)
     * asked the plugin: its answer is kept for the refresh interval, so the timed transfer asks nothing, and its
     * bucket, empty when made, saved up only what the small request left of that moment.
     */
    private double timedDownload(String proxy, String user, int size) {
        Curl.Result first = Curl.run(resources.dir(), "-x", proxy, "--proxy-user", user + ":" + user + "-secret",
                origin.url("/hello"));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        long start = System.nanoTime();
        Curl.Result fetched = Curl.run(resources.dir(), "-x", proxy, "--proxy-user", user + ":" + user + "-secret",
                origin.url("/bytes/" + size));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(fetched.status()).as(fetched.toString()).isEqualTo(200);
        return seconds;
    }

    private static String read(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
