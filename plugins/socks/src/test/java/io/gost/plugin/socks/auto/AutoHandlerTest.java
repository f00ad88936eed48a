package io.gost.plugin.socks.auto;

import static io.gost.plugin.socks.testing.Embedded.bytes;
import static io.gost.plugin.socks.testing.Embedded.join;
import static io.gost.plugin.socks.testing.Embedded.outbound;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.plugin.socks.LeakDetection;
import io.gost.plugin.socks.testing.Embedded;
import io.gost.plugin.socks.testing.ScriptedRouter;
import io.gost.testkit.TestHandlerContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The auto handler picks the delegate by the first byte and the delegate sees every byte. */
@ExtendWith(LeakDetection.class)
class AutoHandlerTest {

    private final ScriptedRouter router = new ScriptedRouter();
    private final RecordingHandlerFactory http = new RecordingHandlerFactory("http");
    private final RecordingHandlerFactory socks4 = new RecordingHandlerFactory("socks4");
    private EmbeddedChannel client;

    @AfterEach
    void releaseEverything() {
        if (client != null) {
            client.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel start(Map<String, HandlerFactory> delegates) {
        Handler auto = new AutoHandlerFactory().create(Metadata.empty(), new PluginContext() {
            @Override
            public String ownerName() {
                return "service-0";
            }

            @Override
            public Optional<HandlerFactory> handlerFactory(String type) {
                return Optional.ofNullable(delegates.get(type));
            }
        });
        client = Embedded.client();
        auto.handle(client, TestHandlerContext.builder().client(client).router(router).build());
        return client;
    }

    @Test
    void aSocks5ClientIsServedBySocks5WhichSeesTheWholeGreeting() {
        start(Map.of("http", http));

        client.writeInbound(bytes(0x05, 0x01, 0x00));
        client.runPendingTasks();

        assertThat(outbound(client)).containsExactly(0x05, 0x00);
        client.writeInbound(bytes(0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x00, 0x50));
        assertThat(router.targets()).containsExactly(new InetSocketAddress("127.0.0.1", 80));
        assertThat(http.created).isEqualTo(1);
        assertThat(http.served).isEmpty();
    }

    @Test
    void aSocks5GreetingSplitAfterItsFirstByteIsStillAnswered() {
        start(Map.of());

        client.writeInbound(bytes(0x05));
        client.runPendingTasks();
        assertThat(outbound(client)).isEmpty();
        client.writeInbound(bytes(0x01, 0x00));

        assertThat(outbound(client)).containsExactly(0x05, 0x00);
    }

    @Test
    void anHttpClientIsServedByTheHttpHandlerWhichSeesTheWholeRequest() {
        start(Map.of("http", http));
        String request = "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n";

        client.writeInbound(join(request.getBytes(StandardCharsets.US_ASCII)));
        client.runPendingTasks();

        assertThat(http.served).hasSize(1);
        assertThat(http.served.get(0).received()).isEqualTo(request);
        assertThat(client.pipeline().names()).noneMatch(name -> name.startsWith("socks"));
    }

    @Test
    void aRequestSplitAcrossReadsReachesTheDelegateWhole() {
        start(Map.of("http", http));

        client.writeInbound(join("CONNECT exa".getBytes(StandardCharsets.US_ASCII)));
        client.writeInbound(join("mple.com:443 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        client.runPendingTasks();

        assertThat(http.served.get(0).received()).isEqualTo("CONNECT example.com:443 HTTP/1.1\r\n\r\n");
    }

    @Test
    void aSocks4ClientIsServedBySocks4WhenAPluginProvidesIt() {
        start(Map.of("http", http, "socks4", socks4));

        client.writeInbound(bytes(0x04, 0x01, 0x00, 0x50, 127, 0, 0, 1, 0x00));
        client.runPendingTasks();

        assertThat(socks4.served).hasSize(1);
        assertThat(socks4.served.get(0).receivedBytes()).containsExactly(0x04, 0x01, 0x00, 0x50, 127, 0, 0, 1, 0x00);
        assertThat(http.served).isEmpty();
    }

    @Test
    void aSocks4ClientIsAnsweredRequestRejectedAndClosedWhenNoPluginProvidesSocks4() {
        start(Map.of("http", http));

        client.writeInbound(bytes(0x04, 0x01, 0x00, 0x50, 127, 0, 0, 1, 0x00));

        assertThat(outbound(client)).containsExactly(0x00, 0x5B, 0, 0, 0, 0, 0, 0);
        assertThat(client.isOpen()).isFalse();
        assertThat(router.targets()).isEmpty();
        assertThat(http.served).isEmpty();
    }

    @Test
    void aSocks4ClientIsAnsweredEvenWhenItsRequestArrivesInPieces() {
        start(Map.of());

        client.writeInbound(bytes(0x04));

        assertThat(outbound(client)).containsExactly(0x00, 0x5B, 0, 0, 0, 0, 0, 0);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void anHttpClientIsClosedWhenNoPluginProvidesHttp() {
        start(Map.of());

        client.writeInbound(join("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(outbound(client)).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aClientThatSendsNothingIsClosedAfterTheHandshakeTimeout() {
        start(Map.of("http", http));

        client.advanceTimeBy(14, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertThat(client.isOpen()).isTrue();
        client.advanceTimeBy(1, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();

        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aClientThatEndsItsSideBeforeSendingIsClosed() {
        start(Map.of("http", http));

        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void delegatesAreCreatedOnceWithTheAutoHandler() {
        start(Map.of("http", http, "socks4", socks4));
        client.writeInbound(join("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        client.runPendingTasks();

        assertThat(http.created).isEqualTo(1);
        assertThat(socks4.created).isEqualTo(1);
    }

    /** A stand-in for another plugin's handler: keeps every byte it is given. */
    private static final class RecordingHandlerFactory implements HandlerFactory {

        private final String type;
        final List<Recorder> served = new CopyOnWriteArrayList<>();
        int created;

        RecordingHandlerFactory(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public Handler create(Metadata metadata, PluginContext context) {
            created++;
            return (Channel client, HandlerContext handlerContext) -> {
                Recorder recorder = new Recorder();
                served.add(recorder);
                client.pipeline().addLast(recorder);
                client.read();
            };
        }
    }

    private static final class Recorder extends ChannelInboundHandlerAdapter {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ByteBuf buffer = (ByteBuf) message;
            try {
                bytes.writeBytes(ByteBufUtil.getBytes(buffer));
            } finally {
                buffer.release();
            }
            ctx.read();
        }

        String received() {
            return bytes.toString(StandardCharsets.US_ASCII);
        }

        byte[] receivedBytes() {
            return bytes.toByteArray();
        }
    }
}
