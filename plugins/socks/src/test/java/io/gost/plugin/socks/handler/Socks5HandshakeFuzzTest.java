package io.gost.plugin.socks.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.RouteException;
import io.gost.plugin.socks.LeakDetection;
import io.gost.plugin.socks.testing.Embedded;
import io.gost.plugin.socks.testing.ScriptedRouter;
import io.gost.testkit.TestHandlerContext;
import io.gost.testkit.TestPluginContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 7, fuzzing: the SOCKS5 handshake (RFC 1928 greeting, RFC 1929 username/password, the command
 * request and its address) under seeded random input: valid handshakes with one field mangled, truncated
 * or cut into random pieces, random bytes, and byte-level mutations, with dials that succeed or fail.
 *
 * <p>Properties: each decoder on its own never lets an exception out of the pipeline and only produces
 * requests (successful or marked failed) or pass-through bytes; the whole handler never dials a target it
 * could not have decoded, ends every handshake with the relay or a closed connection once the handshake
 * timeout has passed, and leaks no buffer (paranoid detector, checked after the class).
 *
 * <p>About 4 s per property ({@code -Dgost.fuzz.seconds}); a failure names its seed
 * ({@code -Dgost.fuzz.seed=SEED -Dgost.fuzz.cases=1} replays it).
 */
@ExtendWith(LeakDetection.class)
class Socks5HandshakeFuzzTest {

    private static final long TIME_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("gost.fuzz.seconds", 4));
    private static final long FIRST_SEED = Long.getLong("gost.fuzz.seed", 1_928L);
    private static final int MAX_CASES = Integer.getInteger("gost.fuzz.cases", 1_000_000);

    @Test
    void eachHandshakeDecoderTurnsAnyInputIntoRequestsOrFailuresWithoutThrowing() {
        int cases = forEachSeed(seed -> {
            Random random = new Random(seed);
            byte[] input = random.nextInt(3) == 0 ? randomBytes(random, random.nextInt(600)) : handshake(random, true);
            Supplier<ChannelHandler> decoder = switch (random.nextInt(3)) {
                case 0 -> Socks5InitialRequestDecoder::new;
                case 1 -> Utf8PasswordAuthRequestDecoder::new;
                default -> () -> new Socks5CommandRequestDecoder(TargetAddressDecoder.INSTANCE);
            };
            EmbeddedChannel channel = new EmbeddedChannel(decoder.get());
            try {
                feed(random, channel, input);
                channel.checkException();
                for (Object message; (message = channel.readInbound()) != null; ) {
                    try {
                        assertThat(message).as("seed %d: decoded message", seed)
                                .isInstanceOfAny(DecoderResultProvider.class, ByteBuf.class);
                    } finally {
                        ReferenceCountUtil.release(message);
                    }
                }
            } finally {
                channel.finishAndReleaseAll();
            }
        });
        System.out.println("[fuzz] socks5 decoders: " + cases + " inputs");
    }

    @Test
    void everyHandshakeEndsInTheRelayOrACloseAndNeverDialsAnUndecodedTarget() {
        int cases = forEachSeed(seed -> {
            Random random = new Random(seed);
            boolean withAuth = random.nextInt(3) == 0;
            byte[] input = switch (random.nextInt(10)) {
                case 0 -> randomBytes(random, random.nextInt(300));
                case 1 -> mutate(random, handshake(random, withAuth));
                default -> handshake(random, withAuth);
            };
            ScriptedRouter router = new ScriptedRouter();
            EmbeddedChannel client = Embedded.client();
            EmbeddedChannel upstream = null;
            try {
                client.freezeTime();
                TestHandlerContext context = TestHandlerContext.builder().client(client).router(router).build();
                new Socks5HandlerFactory().create(Metadata.empty(), withAuth ? withUser() : PluginContext.named("test"))
                        .handle(client, context);
                feed(random, client, input);
                if (client.isOpen() && random.nextInt(3) == 0) {
                    client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                }
                client.runPendingTasks();
                for (InetSocketAddress target : router.targets()) {
                    assertThat(target.getPort()).as("seed %d: dialed port", seed).isBetween(0, 65535);
                    assertThat(target.getHostString()).as("seed %d: dialed host", seed).isNotNull();
                }
                if (!router.targets().isEmpty()) {
                    Promise<Channel> dial = router.lastDial();
                    if (random.nextBoolean()) {
                        upstream = Embedded.channel(new InetSocketAddress("127.0.0.1", 50_000),
                                new InetSocketAddress("127.0.0.1", 80));
                        dial.trySuccess(upstream);
                    } else {
                        RouteException.Reason[] reasons = RouteException.Reason.values();
                        dial.tryFailure(new RouteException(reasons[random.nextInt(reasons.length)], "fuzzed"));
                    }
                }
                runAllTasks(client, upstream);
                // Past the handshake timeout (readTimeout, 15 s by default).
                client.advanceTimeBy(16, TimeUnit.SECONDS);
                client.runScheduledPendingTasks();
                runAllTasks(client, upstream);
                client.checkException();

                boolean relayed = context.relayedUpstream().isDone();
                assertThat(relayed || !client.isOpen())
                        .as("seed %d: relayed or closed after %s", seed, hex(input)).isTrue();
                assertThat(context.contractBreaches()).as("seed %d", seed).isEmpty();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", input " + hex(input) + ": " + e, e);
            } finally {
                for (Promise<Channel> dial : router.targets().isEmpty() ? java.util.List.<Promise<Channel>>of()
                        : java.util.List.of(router.lastDial())) {
                    dial.tryFailure(new RouteException(RouteException.Reason.GENERAL, "test over"));
                }
                client.finishAndReleaseAll();
                if (upstream != null) {
                    upstream.finishAndReleaseAll();
                }
            }
        });
        System.out.println("[fuzz] socks5 handler: " + cases + " inputs");
    }

    /**
     * Runs what both channels' loops have queued until nothing is left. Each embedded channel has a loop of
     * its own, and Netty notifies deeply nested write listeners through the loop rather than inline.
     */
    private static void runAllTasks(EmbeddedChannel client, EmbeddedChannel upstream) {
        for (int round = 0; round < 100; round++) {
            client.runPendingTasks();
            if (upstream == null) {
                return;
            }
            upstream.runPendingTasks();
            if (!client.hasPendingTasks() && !upstream.hasPendingTasks()) {
                return;
            }
        }
    }

    /** Runs {@code body} for seeds from {@link #FIRST_SEED} until the time budget is spent; returns how many. */
    private static int forEachSeed(java.util.function.LongConsumer body) {
        long start = System.nanoTime();
        int cases = 0;
        while (cases < MAX_CASES && System.nanoTime() - start < TIME_BUDGET_NANOS) {
            body.accept(FIRST_SEED + cases);
            cases++;
        }
        assertThat(cases).as("inputs tried").isGreaterThanOrEqualTo(Math.min(50, MAX_CASES));
        return cases;
    }

    /** Writes {@code input} in one to eight pieces cut at random places, while the channel stays open. */
    private static void feed(Random random, EmbeddedChannel channel, byte[] input) {
        int fed = 0;
        int pieces = 1 + random.nextInt(8);
        while (fed < input.length && channel.isOpen()) {
            int piece = pieces-- <= 1 ? input.length - fed : 1 + random.nextInt(input.length - fed);
            ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(piece);
            buffer.writeBytes(input, fed, piece);
            channel.writeInbound(buffer);
            channel.runPendingTasks();
            fed += piece;
        }
    }

    // ---------------------------------------------------------------- inputs

    /** A handshake as a client would send it in one go, with the odd field wrong or cut short. */
    private static byte[] handshake(Random random, boolean withAuth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Greeting: VER NMETHODS METHODS...
        out.write(random.nextInt(12) == 0 ? random.nextInt(256) : 5);
        int methods = random.nextInt(12) == 0 ? random.nextInt(256) : 1 + random.nextInt(3);
        out.write(methods);
        int written = random.nextInt(10) == 0 ? random.nextInt(methods + 2) : methods;
        for (int i = 0; i < written; i++) {
            out.write(random.nextInt(4) == 0 ? random.nextInt(256) : withAuth && i == 0 ? 2 : random.nextInt(3));
        }
        if (withAuth && random.nextInt(6) != 0) {
            // RFC 1929: VER ULEN UNAME PLEN PASSWD
            out.write(random.nextInt(10) == 0 ? random.nextInt(256) : 1);
            byte[] user = random.nextBoolean() ? "user".getBytes(StandardCharsets.UTF_8) : randomBytes(random, random.nextInt(256));
            byte[] pass = random.nextBoolean() ? "pass".getBytes(StandardCharsets.UTF_8) : randomBytes(random, random.nextInt(256));
            out.write(random.nextInt(10) == 0 ? random.nextInt(256) : user.length);
            out.writeBytes(user);
            out.write(random.nextInt(10) == 0 ? random.nextInt(256) : pass.length);
            out.writeBytes(pass);
        }
        if (random.nextInt(8) != 0) {
            // Request: VER CMD RSV ATYP DST.ADDR DST.PORT
            out.write(random.nextInt(12) == 0 ? random.nextInt(256) : 5);
            out.write(random.nextInt(5) == 0 ? random.nextInt(256) : 1 + random.nextInt(3));
            out.write(random.nextInt(12) == 0 ? random.nextInt(256) : 0);
            int type = random.nextInt(10) == 0 ? random.nextInt(256) : new int[] {1, 3, 4}[random.nextInt(3)];
            out.write(type);
            switch (type) {
                case 1 -> out.writeBytes(randomBytes(random, 4));
                case 4 -> out.writeBytes(randomBytes(random, 16));
                case 3 -> {
                    byte[] name = random.nextBoolean() ? "example.com".getBytes(StandardCharsets.US_ASCII)
                            : randomBytes(random, random.nextInt(256));
                    out.write(random.nextInt(10) == 0 ? random.nextInt(256) : name.length);
                    out.writeBytes(name);
                }
                default -> out.writeBytes(randomBytes(random, random.nextInt(20)));
            }
            out.write(random.nextInt(256));
            out.write(random.nextInt(256));
        }
        if (random.nextInt(4) == 0) {
            // What a client pipelines behind its request: the first bytes of the tunnel.
            out.writeBytes(randomBytes(random, random.nextInt(100)));
        }
        byte[] bytes = out.toByteArray();
        return random.nextInt(5) == 0 && bytes.length > 0 ? java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length))
                : bytes;
    }

    private static byte[] mutate(Random random, byte[] bytes) {
        byte[] mutated = bytes.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips && mutated.length > 0; i++) {
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
        }
        return mutated;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static PluginContext withUser() {
        return TestPluginContext.acceptingUser("test", "user", "pass");
    }

    private static String hex(byte[] input) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(input.length, 200); i++) {
            text.append(String.format("%02x", input[i] & 0xff));
        }
        return text + (input.length > 200 ? "... (" + input.length + " bytes)" : "");
    }
}
