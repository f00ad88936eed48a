package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GOST 3.3's quotas as a user runs them: bin/gost with a quotas section, real curl downloads through an HTTP
 * proxy service until the quota is used up, the Web API's status and reset, the file store across a restart
 * and the Redis store against a real redis-server.
 */
class QuotasIT {

    private static final Pattern USED = Pattern.compile("\"used\": ?(\\d+)");

    @RegisterExtension
    final TestResources resources = new TestResources();

    private String config(int port, int apiPort, String quotas) {
        return """
                services:
                - name: service-0
                  addr: 127.0.0.1:%d
                  quotas: [quota-0]
                  handler:
                    type: http
                  listener:
                    type: tcp
                api:
                  addr: 127.0.0.1:%d
                quotas:
                %s
                """.formatted(port, apiPort, quotas);
    }

    @Test
    void aUsedUpQuotaCutsTheTransferParksNewClientsAndTheApiResetsIt() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        int apiPort = resources.freePort();
        Path store = resources.dir().resolve("quota.json");
        Path config = resources.write("gost.yaml", config(port, apiPort, """
                - name: quota-0
                  limit: 1MB
                  flush: 1s
                  store:
                    type: file
                    file: %s
                """.formatted(store)));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port).awaitPort(apiPort);

        Curl.Result first = viaProxy(port, origin.url("/bytes/" + 600 * 1024));
        Curl.Result cut = viaProxy(port, origin.url("/bytes/" + 800 * 1024));

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.body()).hasSize(600 * 1024);
        // GOST fails the connection's next read or write once the quota is used up: curl gets part of the body.
        assertThat(cut.exitCode()).as(cut + "\n" + gost.describe()).isIn(18, 56);
        assertThat(cut.body().length()).isLessThan(800 * 1024);
        String quota = api(apiPort, "/config/quotas/quota-0").body();
        assertThat(quota).contains("\"blocked\": true", "\"limit\": 1048576", "\"active\": true");
        assertThat(used(quota)).isGreaterThanOrEqualTo(1024 * 1024);
        assertThat(api(apiPort, "/config/services").body()).contains("\"stoppedByLimit\": true");
        awaitLog(gost, "service service-0: quota quota-0 is used up: not accepting new connections");

        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            // The connection is made (the kernel's backlog, as GOST's parked accept), but nothing answers ...
            client.getOutputStream().write(("GET " + origin.url("/hello") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            client.setSoTimeout(1500);
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            Curl.Result reset = Curl.run(resources.dir(), "-X", "POST", "http://127.0.0.1:" + apiPort
                    + "/config/quotas/quota-0/reset");
            assertThat(reset.body()).contains("\"msg\":\"OK\"");

            // ... until the reset: then the waiting client is served.
            client.setSoTimeout(10_000);
            String answer = readUntil(client.getInputStream(), OriginServer.HELLO);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith(OriginServer.HELLO);
        }
        assertThat(viaProxy(port, origin.url("/hello")).status()).isEqualTo(200);
        // The reset is written to the store at once.
        assertThat(used(Files.readString(store))).isLessThan(1024 * 1024);
        assertThat(api(apiPort, "/config/services").body()).contains("\"stoppedByLimit\": false");
    }

    @Test
    void theFileStoreKeepsTheCounterAcrossARestart() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        int apiPort = resources.freePort();
        Path store = resources.dir().resolve("quota.json");
        Path config = resources.write("gost.yaml", config(port, apiPort, """
                - name: quota-0
                  limit: 1MB
                  store:
                    file: %s
                """.formatted(store)));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port).awaitPort(apiPort);
        assertThat(viaProxy(port, origin.url("/bytes/" + 600 * 1024)).exitCode()).isZero();
        gost.close(); // SIGTERM: the counter is written before the process ends (flush is 10 s by default)

        assertThat(Files.readString(store)).contains("\"quota-0\": {\"used\":");
        long usedBefore = used(Files.readString(store));
        assertThat(usedBefore).isGreaterThanOrEqualTo(600 * 1024);

        resources.gost("-C", config.toString()).awaitPort(port).awaitPort(apiPort);
        assertThat(used(api(apiPort, "/config/quotas/quota-0").body())).isEqualTo(usedBefore);
        // A reload keeps the one counter (nothing was written since the start: the file says the same).
        assertThat(Curl.run(resources.dir(), "-X", "POST", "http://127.0.0.1:" + apiPort + "/config/reload").body())
                .contains("\"msg\":\"OK\"");
        assertThat(used(api(apiPort, "/config/quotas/quota-0").body())).isEqualTo(usedBefore);
        Curl.Result cut = viaProxy(port, origin.url("/bytes/" + 600 * 1024));
        assertThat(cut.exitCode()).as("600 KB more would exceed 1 MB: " + cut).isIn(18, 56);
    }

    @Test
    void theRedisStoreRestoresAUsedUpQuotaAndKeepsTheReset() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        int redisPort = resources.freePort();
        ManagedProcess redis = resources.process("redis", List.of("redis-server", "--port",
                Integer.toString(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
        redis.awaitPort(redisPort);
        assertThat(redisCli(redisPort, "HSET", "gost:quotas", "quota-0", "{\"used\":2000000,\"limit\":1048576,"
                + "\"startsAt\":0,\"expiresAt\":0,\"updatedAt\":1}")).isEqualTo("1");
        int port = resources.freePort();
        int apiPort = resources.freePort();
        Path config = resources.write("gost.yaml", config(port, apiPort, """
                - name: quota-0
                  limit: 1MB
                  flush: 1s
                  store:
                    type: redis
                    redis:
                      addr: 127.0.0.1:%d
                      key: gost:quotas
                """.formatted(redisPort)));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port).awaitPort(apiPort);

        String quota = api(apiPort, "/config/quotas/quota-0").body();
        assertThat(quota).contains("\"used\": 2000000", "\"blocked\": true");
        assertThat(viaProxy(port, "--max-time", "2", origin.url("/hello")).exitCode())
                .as("a used-up quota from the store stops the service from the start").isEqualTo(28);

        Curl.Result reset = Curl.run(resources.dir(), "-X", "POST", "-d", "{\"used\": 1000}",
                "http://127.0.0.1:" + apiPort + "/config/quotas/quota-0/reset");
        assertThat(reset.body()).contains("\"msg\":\"OK\"");
        assertThat(redisCli(redisPort, "HGET", "gost:quotas", "quota-0")).startsWith("{\"used\":1000,");

        assertThat(viaProxy(port, origin.url("/bytes/" + 100 * 1024)).exitCode()).isZero();
        Waits.until("the counter in redis to grow", Duration.ofSeconds(10),
                () -> used(redisCli(redisPort, "HGET", "gost:quotas", "quota-0")) > 100 * 1024,
                () -> !gost.isAlive(), gost::describe);
    }

    @Test
    void quotasOutsideTheirWindowLimitNothingAndAnUnknownNameIsAStartError() {
        OriginServer origin = resources.add(new OriginServer());
        int port = resources.freePort();
        int apiPort = resources.freePort();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        Path config = resources.write("gost.yaml", """
                services:
                - name: service-0
                  addr: 127.0.0.1:%d
                  quotas: [over, not-yet]
                  handler:
                    type: http
                  listener:
                    type: tcp
                api:
                  addr: 127.0.0.1:%d
                quotas:
                - name: over
                  limit: 1KB
                  startsAt: "%s"
                  expiresAt: "%s"
                  store: {file: %s}
                - name: not-yet
                  limit: 1KB
                  startsAt: "%s"
                  store: {file: %s}
                """.formatted(port, apiPort, now.minusDays(2), now.minusDays(1), resources.dir().resolve("q.json"),
                now.plusDays(1), resources.dir().resolve("q.json")));
        resources.gost("-C", config.toString()).awaitPort(port).awaitPort(apiPort);

        Curl.Result download = viaProxy(port, origin.url("/bytes/" + 100 * 1024));

        assertThat(download.exitCode()).as(download.toString()).isZero();
        assertThat(download.body()).hasSize(100 * 1024);
        String quotas = api(apiPort, "/config/quotas").body();
        assertThat(quotas).contains("\"used\": 0", "\"active\": false", "\"expired\": true")
                .doesNotContain("\"blocked\": true");

        GostProcess unknown = resources.gost("-L", "http://127.0.0.1:" + resources.freePort() + "?quotas=quota-0");
        assertThat(unknown.awaitExit()).as(unknown::describe).isNotZero();
        assertThat(unknown.output()).contains("no quota named 'quota-0' in quotas (define it in a -C file's quotas:"
                + " section; the command line makes none)");
    }

    private Curl.Result viaProxy(int port, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-x";
        all[1] = "http://127.0.0.1:" + port;
        System.arraycopy(args, 0, all, 2, args.length);
        return Curl.run(resources.dir(), all);
    }

    private Curl.Result api(int apiPort, String path) {
        Curl.Result result = Curl.run(resources.dir(), "http://127.0.0.1:" + apiPort + path);
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result;
    }

    private String redisCli(int redisPort, String... command) {
        List<String> words = new java.util.ArrayList<>(List.of("redis-cli", "-p", Integer.toString(redisPort)));
        words.addAll(List.of(command));
        ManagedProcess cli = resources.process("redis-cli", words);
        assertThat(cli.awaitExit()).as(cli::describe).isZero();
        return cli.output().strip();
    }

    private static long used(String json) {
        Matcher matcher = USED.matcher(json);
        assertThat(matcher.find()).as("a used counter in " + json).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    /** What {@code in} gives up to and including {@code end} (or until it ends). */
    private static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith(end)) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            text.append((char) next);
        }
        return text.toString();
    }

    private static void awaitLog(GostProcess gost, String text) {
        Waits.until("gost to log '" + text + "'", ManagedProcess.START_TIMEOUT, () -> gost.output().contains(text),
                () -> !gost.isAlive() && !gost.output().contains(text), gost::describe);
    }
}
