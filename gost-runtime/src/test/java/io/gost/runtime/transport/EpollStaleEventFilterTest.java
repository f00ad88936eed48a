package io.gost.runtime.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One batch of epoll events, in which handling the first closes the socket of the second and registers a
 * new socket that gets the same fd number: the way a relay ends and the next connection on the loop dials.
 */
class EpollStaleEventFilterTest {

    private static final int ATTEMPTS = 5;

    @Test
    void aSocketRegisteredWhileABatchIsHandledGetsNoneOfTheClosedSocketsEvents() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll");
        List<String> seen = reuseAnFdWithinOneBatch(EpollStaleEventFilter.filter(EpollIoHandler.newFactory()));

        assertThat(seen).as("what the new, unconnected socket was told").isEmpty();
    }

    /**
     * Runs the scenario until the kernel gives the new socket the closed one's number (it gives the lowest
     * free one, so nearly always at once), and returns what the new socket's pipeline heard.
     */
    private static List<String> reuseAnFdWithinOneBatch(IoHandlerFactory factory) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            EventLoop loop = group.next();
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Scenario scenario = new Scenario(loop, server);
                List<String> seen = scenario.run();
                if (scenario.reusedTheNumber()) {
                    return seen;
                }
            }
            throw new AssertionError("the new socket never got the closed socket's fd number in " + ATTEMPTS
                    + " attempts, so nothing was shown");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static final class Scenario {
        private final EventLoop loop;
        private final ServerSocket server;
        private final List<String> seenByNewSocket = new CopyOnWriteArrayList<>();
        private final CompletableFuture<EpollSocketChannel> newSocket = new CompletableFuture<>();
        private volatile int closedFd = -1;
        private volatile int newSocketFd = -2;

        Scenario(EventLoop loop, ServerSocket server) {
            this.loop = loop;
            this.server = server;
        }

        List<String> run() throws Exception {
            Channel second = connect(new Discard());
            Socket secondPeer = server.accept();
            // The first socket's handler closes the second and opens the new one when its data arrives.
            Channel first = connect(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object message) {
                    ReferenceCountUtil.release(message);
                    if (newSocket.isDone()) {
                        return;
                    }
                    closedFd = ((EpollSocketChannel) second).fd().intValue();
                    second.close();
                    EpollSocketChannel fresh = new EpollSocketChannel();
                    newSocketFd = fresh.fd().intValue();
                    fresh.pipeline().addLast(new Recorder(seenByNewSocket));
                    loop.register(fresh);
                    newSocket.complete(fresh);
                }
            });
            Socket firstPeer = server.accept();
            try (firstPeer; secondPeer) {
                // Hold the loop while both sockets become ready, first then second, so that one epoll_wait
                // returns both events in that order.
                CompletableFuture<Void> holding = new CompletableFuture<>();
                loop.execute(() -> {
                    holding.complete(null);
                    sleep(300);
                });
                holding.get(5, TimeUnit.SECONDS);
                firstPeer.getOutputStream().write(1);
                secondPeer.getOutputStream().write(1);
                secondPeer.shutdownOutput();

                EpollSocketChannel fresh = newSocket.get(5, TimeUnit.SECONDS);
                // Two more rounds of the loop: anything meant for the new socket has arrived by then.
                loop.submit(() -> sleep(100)).get(5, TimeUnit.SECONDS);
                loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
                if (!fresh.isOpen()) {
                    seenByNewSocket.add("closed before the test closed it");
                }
                fresh.close().sync();
                first.close().sync();
                return List.copyOf(seenByNewSocket);
            }
        }

        boolean reusedTheNumber() {
            return newSocketFd == closedFd;
        }

        private Channel connect(ChannelInboundHandlerAdapter handler) throws InterruptedException {
            return new Bootstrap().group(loop).channel(EpollSocketChannel.class).handler(handler)
                    .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()))
                    .sync().channel();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ReferenceCountUtil.release(message);
        }
    }

    /** Writes down every event that reaches the new socket's pipeline. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        private final List<String> seen;

        Recorder(List<String> seen) {
            this.seen = seen;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            seen.add("read " + message);
            ReferenceCountUtil.release(message);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            seen.add("event " + event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add("error " + cause);
        }
    }
}
