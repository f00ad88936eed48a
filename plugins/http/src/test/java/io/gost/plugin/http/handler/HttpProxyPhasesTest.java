package io.gost.plugin.http.handler;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.plugin.http.testing.ErrorRecordingContext;
import io.gost.plugin.http.testing.NettyLeakDetection;
import io.gost.testkit.TestHandlerContext;
import io.gost.testkit.TestPluginContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The phases of the http handler one at a time, each on an {@link EmbeddedChannel} of its own. */
@ExtendWith(NettyLeakDetection.class)
class HttpProxyPhasesTest {

    private final List<Throwable> errors = ErrorRecordingContext.errorList();
    private final AtomicInteger socketReads = new AtomicInteger();
    private final List<Object> passedOn = new ArrayList<>();
    private final EmbeddedChannel client = new EmbeddedChannel();

    @AfterEach
    void releaseEverything() {
        passedOn.forEach(io.netty.util.ReferenceCountUtil::release);
        client.finishAndReleaseAll();
    }

    // ---------------------------------------------------------------- RequestQueue

    @Test
    void theQueueHandsOnOneMessagePerReadAndKeepsTheRest() {
        ClientConnection connection = connection(Metadata.empty(), PluginContext.named("service-0"));
        pipeline(new RequestQueue(connection));

        client.writeInbound(text("first"), text("second"));
        assertThat(passedOn).isEmpty();
        client.read();
        assertThat(texts()).containsExactly("first");
        client.read();

        assertThat(texts()).containsExactly("first", "second");
        assertThat(socketReads).as("both were queued already").hasValue(0);
        client.read();
        assertThat(socketReads).as("nothing queued: the socket is read").hasValue(1);
    }

    @Test
    void theQueuePassesTheEndOfInputOnAfterWhatCameBeforeIt() {
        ClientConnection connection = connection(Metadata.empty(), PluginContext.named("service-0"));
        pipeline(new RequestQueue(connection));
        client.writeInbound(text("last"));

        client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        client.read();
        client.read();

        assertThat(passedOn).hasSize(2).last().isSameAs(RequestQueue.END_OF_INPUT);
        assertThat(connection.inputEnded()).isTrue();
    }

    // ---------------------------------------------------------------- RequestValidator

    @Test
    void theValidatorPassesAnAcceptedHeadOnWithItsTargetThenItsBody() {
        ClientConnection connection = connection(Metadata.empty(), PluginContext.named("service-0"));
        pipeline(new RequestValidator(connection));

        client.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://example.com:8080/a"),
                LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(passedOn).hasSize(2);
        assertThat(((ProxyRequest) passedOn.get(0)).target().hostAndPort()).isEqualTo("example.com:8080");
        assertThat(passedOn.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    @Test
    void theValidatorRefusesAnOriginFormRequestWith400AndRecordsWhy() {
        ClientConnection connection = connection(Metadata.empty(), PluginContext.named("service-0"));
        pipeline(new HttpServerCodec(), new RequestValidator(connection));

        client.writeInbound(text("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"));

        assertThat(outbound()).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(passedOn).isEmpty();
        assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
                .startsWith("GET /index.html refused with 400 Bad Request: this is a proxy");
        assertThat(client.isOpen()).isFalse();
    }

    // ---------------------------------------------------------------- ProxyAuthenticator

    @Test
    void theAuthenticatorAnswers407DropsTheRestOfTheRequestAndAsksForTheNextHead() throws Exception {
        PluginContext withUser = TestPluginContext.acceptingUser("service-0", "alice", "secret");
        ClientConnection connection = connection(Metadata.empty(), withUser);
        pipeline(new HttpServerCodec(), new ProxyAuthenticator(connection, withUser.authenticator().orElseThrow()));
        DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://example.com/");

        client.writeInbound(new ProxyRequest(request, RequestTarget.parseAbsoluteForm("http://example.com/")));
        int readsAfterRefusal = socketReads.get();
        client.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(outbound()).startsWith("HTTP/1.1 407 Proxy Authentication Required\r\n")
                .contains("proxy-authenticate: Basic realm=\"gost\"");
        assertThat(passedOn).as("neither the head nor the rest of the refused request").isEmpty();
        assertThat(socketReads.get()).as("asks for the next head").isGreaterThan(readsAfterRefusal);
        assertThat(client.isOpen()).isTrue();
        assertThat(errors).as("the connection goes on: a retry with credentials may succeed").isEmpty();
    }

    // ---------------------------------------------------------------- header

    @Test
    void theHeaderMapIsAddedToTheAnswersTheProxyWritesItself() {
        ClientConnection connection = connection(Metadata.of("header.X-Proxy", "gost-java"),
                PluginContext.named("service-0"));
        pipeline(new HttpServerCodec(), new RequestValidator(connection));

        client.writeInbound(text("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"));

        assertThat(outbound()).startsWith("HTTP/1.1 400 ").contains("\r\nX-Proxy: gost-java\r\n");
    }

    // ---------------------------------------------------------------- helpers

    private ClientConnection connection(Metadata metadata, PluginContext pluginContext) {
        TestHandlerContext context = TestHandlerContext.builder().build();
        return new ClientConnection(client, HttpProxySettings.from(metadata, pluginContext),
                new ErrorRecordingContext(context, errors));
    }

    /** The handlers under test between a socket-read counter and a collector of what they pass on. */
    private void pipeline(io.netty.channel.ChannelHandler... handlers) {
        client.config().setAutoRead(false);
        client.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                socketReads.incrementAndGet();
                ctx.read();
            }
        });
        client.pipeline().addLast(handlers);
        client.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passedOn.add(msg);
            }
        });
    }

    private List<String> texts() {
        return passedOn.stream().map(msg -> ((ByteBuf) msg).toString(US_ASCII)).toList();
    }

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, US_ASCII);
    }

    private String outbound() {
        StringBuilder text = new StringBuilder();
        for (Object msg; (msg = client.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            text.append(buf.toString(US_ASCII));
            buf.release();
        }
        return text.toString();
    }
}
