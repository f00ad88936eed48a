package io.gost.plugin.http.handler;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.RouteException;
import io.gost.plugin.http.testing.NettyLeakDetection;
import io.gost.testkit.TestHandlerContext;
import io.gost.testkit.TestPluginContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 7, fuzzing: the HTTP handler's request path (decoder, validation, authentication, CONNECT and
 * forwarding) fed with seeded random requests: mangled request lines and headers, conflicting framing,
 * bad chunking, pipelined requests, random bytes and mutations of valid requests, cut into random pieces,
 * with dials that succeed, fail or never finish and upstreams that answer garbage.
 *
 * <p>Properties, for every input: no exception other than a connection failure escapes the handler (one
 * that does reaches the end of the pipeline, where {@link EmbeddedChannel} records it); every input ends in
 * an answer or a close once the header timeout has passed; and no buffer leaks (Netty's detector runs
 * paranoid, checked after the class).
 *
 * <p>Bounded by time (8 s, {@code -Dgost.fuzz.seconds}) and by count; each case has its own seed, printed on
 * failure. Re-run one with {@code -Dgost.fuzz.seed=SEED -Dgost.fuzz.cases=1}; explore further with another
 * {@code gost.fuzz.seed} and more seconds.
 */
@ExtendWith(NettyLeakDetection.class)
class HttpRequestFuzzTest {

    private static final long TIME_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("gost.fuzz.seconds", 8));
    private static final long FIRST_SEED = Long.getLong("gost.fuzz.seed", 20_261_129L);
    private static final int MAX_CASES = Integer.getInteger("gost.fuzz.cases", 1_000_000);
    private static final String[] CRLF = {"\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r", ""};

    @Test
    void everyRequestEndsInAnAnswerOrACloseWithoutAnUnexpectedException() {
        long start = System.nanoTime();
        int cases = 0;
        while (cases < MAX_CASES && System.nanoTime() - start < TIME_BUDGET_NANOS) {
            long seed = FIRST_SEED + cases;
            runCase(seed);
            cases++;
        }
        System.out.println("[fuzz] http handler: " + cases + " inputs in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        assertThat(cases).as("inputs tried").isGreaterThan(100);
    }

    private void runCase(long seed) {
        Random random = new Random(seed);
        byte[] input = input(random);
        List<EmbeddedChannel> channels = new ArrayList<>();
        List<Promise<Channel>> pendingDials = new ArrayList<>();
        DialMode mode = DialMode.values()[random.nextInt(DialMode.values().length)];
        RouteException.Reason reason = RouteException.Reason.values()[random.nextInt(RouteException.Reason.values().length)];
        TestHandlerContext context = TestHandlerContext.builder()
                .router((network, target) -> dial(mode, reason, channels, pendingDials))
                .build();
        EmbeddedChannel client = new EmbeddedChannel();
        channels.add(client);
        try {
            client.freezeTime();
            client.config().setAutoRead(false);
            PluginContext plugin = random.nextInt(4) == 0 ? withUser() : PluginContext.named("service-0");
            new HttpHandlerFactory().create(Metadata.empty(), plugin).handle(client, context);

            int fed = 0;
            int pieces = 1 + random.nextInt(8);
            while (fed < input.length && client.isOpen()) {
                // A few pieces cut at random places: in the middle of a line, a header, a chunk size ...
                int piece = pieces-- <= 1 ? input.length - fed : 1 + random.nextInt(input.length - fed);
                client.writeInbound(Unpooled.wrappedBuffer(input, fed, piece));
                fed += piece;
                if (random.nextInt(8) == 0) {
                    client.advanceTimeBy(random.nextInt(3_000), TimeUnit.MILLISECONDS);
                    client.runScheduledPendingTasks();
                }
            }
            if (client.isOpen() && random.nextInt(3) == 0) {
                client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            }
            finishDials(random, pendingDials, channels);
            answerOrCloseUpstreams(random, channels);
            // Past the header timeout (10 s) and the linger after an error answer (1 s).
            client.advanceTimeBy(12, TimeUnit.SECONDS);
            client.runScheduledPendingTasks();
            client.runPendingTasks();
            client.checkException();

            boolean answered = drainOutbound(client) > 0;
            assertThat(answered || !client.isOpen())
                    .as("an answer or a close for seed %d, input %s", seed, printable(input)).isTrue();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " (mode " + mode + "), input " + printable(input) + ": " + e, e);
        } finally {
            for (Promise<Channel> dial : pendingDials) {
                dial.tryFailure(new RouteException(RouteException.Reason.GENERAL, "test over"));
            }
            for (EmbeddedChannel channel : channels) {
                channel.finishAndReleaseAll();
            }
        }
    }

    // ---------------------------------------------------------------- the world around the handler

    /** What the router does with a dial. */
    private enum DialMode { CONNECTED, FAILED, PENDING }

    private static Future<Channel> dial(DialMode mode, RouteException.Reason reason, List<EmbeddedChannel> channels,
                                        List<Promise<Channel>> pendingDials) {
        switch (mode) {
            case CONNECTED: {
                EmbeddedChannel upstream = new EmbeddedChannel();
                channels.add(upstream);
                return upstream.eventLoop().newSucceededFuture(upstream);
            }
            case FAILED:
                return ImmediateEventExecutor.INSTANCE.newFailedFuture(
                        new RouteException(reason, "target is " + reason));
            default: {
                Promise<Channel> pending = ImmediateEventExecutor.INSTANCE.newPromise();
                pendingDials.add(pending);
                return pending;
            }
        }
    }

    /** Dials still running end now: some connect, the others fail. */
    private static void finishDials(Random random, List<Promise<Channel>> pendingDials, List<EmbeddedChannel> channels) {
        for (Promise<Channel> dial : new ArrayList<>(pendingDials)) {
            if (random.nextBoolean()) {
                EmbeddedChannel upstream = new EmbeddedChannel();
                channels.add(upstream);
                if (!dial.trySuccess(upstream)) {
                    upstream.close();
                }
            } else {
                dial.tryFailure(new RouteException(RouteException.Reason.TIMEOUT, "no answer"));
            }
        }
    }

    /** Upstreams carrying a forwarded request answer something (maybe nonsense), then close. */
    private static void answerOrCloseUpstreams(Random random, List<EmbeddedChannel> channels) {
        for (EmbeddedChannel upstream : new ArrayList<>(channels.subList(1, channels.size()))) {
            if (upstream.isOpen() && upstream.pipeline().get(HttpProxyPipeline.UPSTREAM) != null) {
                upstream.writeInbound(Unpooled.copiedBuffer(upstreamAnswer(random), ISO_8859_1));
            }
            upstream.runPendingTasks();
            if (upstream.isOpen()) {
                upstream.close();
            }
            upstream.runPendingTasks();
        }
    }

    private static String upstreamAnswer(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
            case 1 -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
            case 2 -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
            case 3 -> "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n";
            case 4 -> new String(randomBytes(random, random.nextInt(200)), ISO_8859_1);
            default -> "";
        };
    }

    private static long drainOutbound(EmbeddedChannel channel) {
        long bytes = 0;
        for (Object message; (message = channel.readOutbound()) != null; ) {
            if (message instanceof ByteBuf buffer) {
                bytes += buffer.readableBytes();
            }
            io.netty.util.ReferenceCountUtil.release(message);
        }
        return bytes;
    }

    private static PluginContext withUser() {
        return TestPluginContext.acceptingUser("service-0", "user", "pass");
    }

    // ---------------------------------------------------------------- inputs

    private static byte[] input(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return randomBytes(random, random.nextInt(4096));
        }
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        int count = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
        for (int i = 0; i < count; i++) {
            requests.writeBytes(request(random).getBytes(ISO_8859_1));
        }
        byte[] bytes = requests.toByteArray();
        return kind == 1 ? mutate(random, bytes) : bytes;
    }

    private static String request(Random random) {
        String method = pick(random, "GET", "GET", "CONNECT", "CONNECT", "POST", "HEAD", "PUT", "OPTIONS", "DELETE",
                "TRACE", "get", "G\0T", "", token(random));
        String target = pick(random, "http://example.com/", "http://example.com:8080/p?q=1#f", "example.com:443",
                "[::1]:8443", "http://[::1]:80/x", "/", "*", "http://", "http://:80/", "http://exa mple.com/",
                "example.com", "example.com:99999", "example.com:-1", "http://user:pw@example.com/",
                "https://example.com/", "ftp://example.com/", "http://example.com:0/", "http://%00/",
                "http://example.com/" + "a".repeat(random.nextInt(10_000)), text(random, random.nextInt(64)));
        String version = pick(random, "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 x", "HTTP/1",
                "http/1.1", "", "HTTP/1.1\0");
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(' ').append(version)
                .append(pick(random, CRLF));
        int headers = random.nextInt(9);
        boolean chunked = false;
        int contentLength = -1;
        for (int i = 0; i < headers; i++) {
            String header = header(random);
            chunked |= header.toLowerCase().startsWith("transfer-encoding: chunked");
            if (header.startsWith("Content-Length: ") && header.substring(16).matches("\\d{1,4}")) {
                contentLength = Integer.parseInt(header.substring(16));
            }
            request.append(header).append(pick(random, CRLF));
        }
        if (random.nextInt(10) != 0) {
            request.append(pick(random, CRLF));
        }
        if (chunked) {
            request.append(chunkedBody(random));
        } else if (contentLength > 0 || random.nextInt(6) == 0) {
            int length = contentLength > 0 && random.nextBoolean() ? contentLength : random.nextInt(300);
            request.append(text(random, length));
        }
        return request.toString();
    }

    private static String header(Random random) {
        return switch (random.nextInt(16)) {
            case 0, 1 -> "Host: " + pick(random, "example.com", "example.com:443", "", "[::1]:80", "a b", "x:y:z");
            case 2 -> "Content-Length: " + pick(random, "0", "5", "17", "300", "-1", "abc", "99999999999999999999",
                    " 5", "5, 5", "0x10");
            case 3 -> "Transfer-Encoding: " + pick(random, "chunked", "chunked", "gzip", "chunked, identity",
                    "gzip, chunked", "xyz");
            case 4 -> "Connection: " + pick(random, "close", "keep-alive", "Upgrade, X-Foo", "Proxy-Authorization",
                    "Host", "");
            case 5 -> "Proxy-Authorization: " + pick(random, "Basic " + Base64.getEncoder().encodeToString(
                    "user:pass".getBytes(ISO_8859_1)), "Basic " + Base64.getEncoder().encodeToString(
                    "user:wrong".getBytes(ISO_8859_1)), "Basic !!!", "Basic ", "Bearer x", "Basic dXNlcg==", "");
            case 6 -> "Upgrade: websocket";
            case 7 -> "X-Long: " + "v".repeat(random.nextInt(random.nextBoolean() ? 100 : 70_000));
            case 8 -> " folded continuation";
            case 9 -> "No-Colon-Here";
            case 10 -> ": empty name";
            case 11 -> "Bad Name: value";
            case 12 -> "X-Ctl: a\0b\u0001c";
            case 13 -> "Expect: 100-continue";
            case 14 -> "Keep-Alive: timeout=5";
            default -> token(random) + ": " + text(random, random.nextInt(40));
        };
    }

    private static String chunkedBody(Random random) {
        StringBuilder body = new StringBuilder();
        int chunks = random.nextInt(4);
        for (int i = 0; i < chunks; i++) {
            int size = random.nextInt(40);
            String sizeLine = switch (random.nextInt(8)) {
                case 0 -> "zz";
                case 1 -> "ffffffffffffffff";
                case 2 -> Integer.toHexString(size) + ";ext=1";
                case 3 -> "-1";
                default -> Integer.toHexString(size);
            };
            body.append(sizeLine).append(pick(random, CRLF)).append(text(random, size)).append(pick(random, CRLF));
        }
        if (random.nextInt(5) != 0) {
            body.append("0\r\n");
            if (random.nextBoolean()) {
                body.append("Trailer-Field: x\r\n");
            }
            body.append("\r\n");
        }
        return body.toString();
    }

    private static byte[] mutate(Random random, byte[] bytes) {
        ByteArrayOutputStream mutated = new ByteArrayOutputStream();
        for (byte b : bytes) {
            int dice = random.nextInt(100);
            if (dice == 0) {
                continue;
            }
            mutated.write(dice == 1 ? random.nextInt(256) : b);
            if (dice == 2) {
                mutated.write(random.nextInt(256));
            }
        }
        return mutated.toByteArray();
    }

    private static String pick(Random random, String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String token(Random random) {
        return text(random, 1 + random.nextInt(12)).replaceAll("[\\s:]", "x");
    }

    /** Printable ASCII mostly, with the odd control or high byte. */
    private static String text(Random random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            int dice = random.nextInt(50);
            chars[i] = dice == 0 ? (char) random.nextInt(32) : dice == 1 ? (char) (128 + random.nextInt(128))
                    : (char) (32 + random.nextInt(95));
        }
        return new String(chars);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String printable(byte[] input) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = 0; i < Math.min(input.length, 400); i++) {
            int b = input[i] & 0xff;
            if (b == '\r') {
                text.append("\\r");
            } else if (b == '\n') {
                text.append("\\n");
            } else if (b < 32 || b > 126) {
                text.append(String.format("\\x%02x", b));
            } else {
                text.append((char) b);
            }
        }
        return text.append(input.length > 400 ? "\"... (" + input.length + " bytes)" : "\"").toString();
    }
}
