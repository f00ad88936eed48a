package io.gost.plugin.mux.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.DialContext;
import io.gost.api.Dialer;
import io.gost.api.DialerFactory;
import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.Transport;
import io.gost.plugin.mux.LeakDetection;
import io.gost.testkit.TestTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.gost.plugin.tls.stage.TlsStage;
import io.gost.plugin.ws.stage.WebSocketStage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mtls, mws and mwss on real loopback sockets: the TLS and WebSocket stages under one smux session, the
 * listener's generated certificate accepted by the dialer's default (GOST's: no verification).
 */
@ExtendWith(LeakDetection.class)
class StagedSessionSocketTest {

    private final TestTransport transport = new TestTransport();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final EventLoop clientLoop = transport.ioGroup().next();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        transport.close();
    }

    private static ListenerFactory listenerFactory(String type) {
        return switch (type) {
            case "mtcp" -> new MtcpListenerFactory();
            case "mtls" -> new MtlsListenerFactory();
            case "mws" -> new MwsListenerFactory();
            case "mwss" -> new MwssListenerFactory();
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static DialerFactory dialerFactory(String type) {
        return switch (type) {
            case "mtcp" -> new MtcpDialerFactory();
            case "mtls" -> new MtlsDialerFactory();
            case "mws" -> new MwsDialerFactory();
            case "mwss" -> new MwssDialerFactory();
            default -> throw new IllegalArgumentException(type);
        };
    }

    /** An echo service on {@code type}: every accepted stream echoes what it reads. */
    private InetSocketAddress echoService(String type, Metadata metadata) throws Exception {
        Listener listener = listenerFactory(type).create(metadata, PluginContext.named("echo"));
        toClose.add(listener);
        return (InetSocketAddress) listener.bind(new ListenContext() {
            @Override
            public InetSocketAddress address() {
                return new InetSocketAddress("127.0.0.1", 0);
            }

            @Override
            public Transport transport() {
                return transport;
            }

            @Override
            public Acceptor acceptor() {
                return stream -> {
                    stream.pipeline().addLast(new Echo());
                    stream.read();
                };
            }
        }).get(10, TimeUnit.SECONDS);
    }

    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ctx.writeAndFlush(message).addListener(written -> {
                if (written.isSuccess()) {
                    ctx.read();
                } else {
                    ctx.close();
                }
            });
        }
    }

    private Dialer dialer(String type, Metadata metadata) {
        Dialer dialer = dialerFactory(type).create(metadata, PluginContext.named("node"));
        toClose.add(dialer);
        return dialer;
    }

    private DialContext dialContext() {
        return new DialContext() {
            @Override
            public EventLoop eventLoop() {
                return clientLoop;
            }

            @Override
            public Transport transport() {
                return transport;
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(10);
            }
        };
    }

    private static CompletableFuture<Long> echoRoundTrip(Channel stream, int size) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        long[] received = {0};
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                received[0] += ((ByteBuf) message).readableBytes();
                ((ByteBuf) message).release();
                if (received[0] >= size) {
                    done.complete(received[0]);
                } else {
                    ctx.read();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                done.completeExceptionally(new AssertionError("stream closed after " + received[0] + " bytes"));
            }
        });
        stream.read();
        byte[] chunk = new byte[16 * 1024];
        for (int sent = 0; sent < size; sent += chunk.length) {
            stream.write(Unpooled.wrappedBuffer(chunk, 0, Math.min(chunk.length, size - sent)));
        }
        stream.flush();
        return done;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mtls", "mws", "mwss"})
    void concurrentStreamsShareOneStagedConnection(String type) throws Exception {
        InetSocketAddress server = echoService(type, Metadata.empty());
        Dialer dialer = dialer(type, Metadata.empty());
        List<Channel> streams = new ArrayList<>();
        List<CompletableFuture<Long>> transfers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Channel stream = dialer.dial(server, dialContext()).get(10, TimeUnit.SECONDS);
            streams.add(stream);
            transfers.add(echoRoundTrip(stream, 256 * 1024));
        }
        for (CompletableFuture<Long> transfer : transfers) {
            assertThat(transfer.get(30, TimeUnit.SECONDS)).isEqualTo(256 * 1024L);
        }
        Channel connection = streams.get(0).parent();
        assertThat(streams).extracting(Channel::parent).as("one session for one node").containsOnly(connection);
        assertThat(((MuxDialer) dialer).sessionCount()).isEqualTo(1);
        // The session really runs over the stage: TLS for mtls/mwss, WebSocket frames for mws/mwss.
        assertThat(connection.pipeline().get(TlsStage.HANDLER_NAME) != null).as("TLS under the session")
                .isEqualTo(type.equals("mtls") || type.equals("mwss"));
        assertThat(connection.pipeline().get(WebSocketStage.BYTES_NAME) != null).as("WebSocket under the session")
                .isEqualTo(type.startsWith("mws"));
        streams.forEach(Channel::close);
    }

    @Test
    void mwsDialerOnAnotherPathFailsWithTheServersAnswerAndKeepsNoSession() throws Exception {
        InetSocketAddress server = echoService("mws", Metadata.of("ws.path", "/tunnel"));
        Dialer dialer = dialer("mws", Metadata.of("path", "/other"));
        assertThatThrownBy(() -> dialer.dial(server, dialContext()).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().hasMessageContaining("404");
        assertThat(((MuxDialer) dialer).sessionCount()).isZero();

        Dialer right = dialer("mws", Metadata.of("path", "/tunnel"));
        Channel stream = right.dial(server, dialContext()).get(10, TimeUnit.SECONDS);
        assertThat(echoRoundTrip(stream, 1000).get(10, TimeUnit.SECONDS)).isEqualTo(1000L);
        stream.close();
    }

    @Test
    void mtlsDialerAgainstAPlainMtcpListenerFailsTheHandshakeWithAReason() throws Exception {
        InetSocketAddress server = echoService("mtcp", Metadata.of("mux.version", "1"));
        Dialer dialer = dialer("mtls", Metadata.of("handshakeTimeout", "3s"));
        assertThatThrownBy(() -> dialer.dial(server, dialContext()).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().hasMessageContaining("TLS handshake with 127.0.0.1");
        assertThat(((MuxDialer) dialer).sessionCount()).isZero();
    }

    @Test
    void plainMtcpDialerAgainstAnMtlsListenerGetsNoSessionAndTheListenerStaysUp() throws Exception {
        // handshakeTimeout: smux's first frame (SYN of stream 3) reads like the start of an SSLv2 record of 259
        // bytes, so the TLS server waits for the rest until its handshake time is up.
        InetSocketAddress server = echoService("mtls", Metadata.of("handshakeTimeout", "1s"));
        Dialer plain = dialer("mtcp", Metadata.of("mux.version", "1"));
        Channel refused = plain.dial(server, dialContext()).get(10, TimeUnit.SECONDS);
        // smux opens without waiting for the peer; the TLS server drops the connection, which ends the stream.
        refused.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        assertThat(refused.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();

        Channel stream = dialer("mtls", Metadata.empty()).dial(server, dialContext()).get(10, TimeUnit.SECONDS);
        assertThat(echoRoundTrip(stream, 1000).get(10, TimeUnit.SECONDS)).isEqualTo(1000L);
        stream.close();
    }
}
