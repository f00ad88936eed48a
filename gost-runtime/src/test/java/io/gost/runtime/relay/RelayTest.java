package io.gost.runtime.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gost.api.RelayResult;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The relay between real sockets on 127.0.0.1, over both transports. */
class RelayTest {

    private static final int MB = 1024 * 1024;

    private ExecutorService threads;

    @BeforeEach
    void startThreads() {
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).as("test threads stopped").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void relaysTenMegabytesEachWayByteForByte(String transport) throws Exception {
        byte[] upload = StreamCheck.offsets(10 * MB, StreamCheck.UPLOAD_TAG);
        byte[] download = StreamCheck.offsets(10 * MB, StreamCheck.DOWNLOAD_TAG);
        try (RelayHarness harness = new RelayHarness(transport);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            CompletableFuture<Void> clientWrites = writeThenShutdown(client, upload);
            CompletableFuture<Void> farWrites = writeThenShutdown(far, download);
            CompletableFuture<byte[]> farReads = CompletableFuture.supplyAsync(
                    () -> StreamCheck.readAll(far, "far side reading the upload"), threads);
            CompletableFuture<byte[]> clientReads = CompletableFuture.supplyAsync(
                    () -> StreamCheck.readAll(client, "client reading the download"), threads);

            try {
                StreamCheck.assertSame("upload at the far side",
                        farReads.get(RelayHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS), upload);
                StreamCheck.assertSame("download at the client",
                        clientReads.get(RelayHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS), download);
            } catch (Throwable failure) {
                failure.addSuppressed(new AssertionError("relay ended with " + harness.resultIfDone()));
                throw failure;
            }
            clientWrites.get(RelayHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            farWrites.get(RelayHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS);

            RelayResult result = harness.awaitResult();
            assertThat(result.fromClient()).isEqualTo(upload.length);
            assertThat(result.toClient()).isEqualTo(download.length);
            assertThat(result.error()).isNull();
            assertThat(result.duration()).isPositive();
            harness.assertNoLeaks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void clientKeepsUploadingAfterTheFarSideHasEndedItsAnswer(String transport) throws Exception {
        byte[] answer = "done\n".getBytes(StandardCharsets.US_ASCII);
        // Far more than the loopback socket buffers hold, so the relay's writes to the far side must wait
        // for the socket to become writable again, long after that socket's input has ended.
        byte[] upload = StreamCheck.offsets(32 * MB, StreamCheck.UPLOAD_TAG);
        try (RelayHarness harness = new RelayHarness(transport);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            far.getOutputStream().write(answer);
            far.shutdownOutput();
            // The client sees end-of-stream only once the relay has seen the far side's end of stream.
            assertThat(RelayHarness.readAll(client)).isEqualTo(answer);

            CompletableFuture<Void> clientWrites = writeThenShutdown(client, upload);
            try {
                StreamCheck.assertSame("upload at the far side",
                        StreamCheck.readAll(far, "far side reading the upload"), upload);
            } catch (Throwable failure) {
                failure.addSuppressed(new AssertionError("relay ended with " + harness.resultIfDone()));
                throw failure;
            }
            clientWrites.get(RelayHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS);

            RelayResult result = harness.awaitResult();
            assertThat(result.error()).isNull();
            assertThat(result.fromClient()).isEqualTo(upload.length);
            assertThat(result.toClient()).isEqualTo(answer.length);
            harness.assertNoLeaks();
        }
    }

    /**
     * The client's end of stream reaches the relay while the far side, which has already sent its answer and
     * its FIN, is not reading: everything the client sent before its FIN still gets there.
     */
    /**
     * Not on io_uring: with Netty 4.2.18 the dialed side stalls here for good. Its writev meets a full socket
     * buffer (EAGAIN), Netty waits with a POLLOUT poll, and io_uring answers every poll at once with POLLRDHUP
     * while the peer's FIN is pending; Netty takes that answer for its read-side poll and never polls for
     * POLLOUT again. This is why io_uring is not the default (docs/performance.md, session 8).
     */
    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void clientUploadEndingWhileTheFarSideIsNotReadingArrivesWhole(String transport) throws Exception {
        byte[] answer = "done\n".getBytes(StandardCharsets.US_ASCII);
        // Fits in the relay's receive buffer, so the client's FIN arrives while most of it waits there;
        // the far side's small buffers keep the relay's writes waiting.
        byte[] upload = StreamCheck.offsets(768 * 1024, StreamCheck.UPLOAD_TAG);
        try (RelayHarness harness = new RelayHarness(transport, CompletableFuture.completedFuture(null),
                2 * MB, 16 * 1024);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            far.getOutputStream().write(answer);
            far.shutdownOutput();
            assertThat(RelayHarness.readAll(client)).isEqualTo(answer);

            writeThenShutdown(client, upload).get(RelayHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            // The FIN must reach the relay before the far side starts to read: the relay has read it (and so
            // shut or closed its client side), or it waits in the relay's socket behind unread bytes.
            Channel relayClientSide = harness.client();
            await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(RelayHarness.TIMEOUT_SECONDS))
                    .until(() -> !relayClientSide.isActive() || ((DuplexChannel) relayClientSide).isInputShutdown()
                            || kernelHasFin(client));

            StreamCheck.assertSame("upload at the far side",
                    StreamCheck.readAll(far, "far side reading the upload"), upload);
            RelayResult result = harness.awaitResult();
            assertThat(result.error()).isNull();
            assertThat(result.fromClient()).isEqualTo(upload.length);
            harness.assertNoLeaks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void clientThatShutsDownOutputStillReceivesTheWholeAnswer(String transport) throws Exception {
        byte[] request = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] answer = randomBytes(MB, 3);
        try (RelayHarness harness = new RelayHarness(transport);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            client.getOutputStream().write(request);
            client.shutdownOutput();

            // The far side sees end-of-stream only if the half-close went through.
            assertThat(RelayHarness.readAll(far)).isEqualTo(request);
            far.getOutputStream().write(answer);
            far.shutdownOutput();

            assertThat(RelayHarness.readAll(client)).isEqualTo(answer);
            RelayResult result = harness.awaitResult();
            assertThat(result.fromClient()).isEqualTo(request.length);
            assertThat(result.toClient()).isEqualTo(answer.length);
            assertThat(result.error()).isNull();
            harness.assertNoLeaks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void bytesAndEndOfStreamThatArriveBeforeTheRelayStartsAreRelayed(String transport) throws Exception {
        byte[] request = "early request".getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        try (RelayHarness harness = new RelayHarness(transport, gate);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            client.getOutputStream().write(request);
            client.shutdownOutput();
            if (!transport.equals("nio")) {
                // epoll and io_uring read on the peer's FIN even with auto-read off: wait until it has, so
                // the bytes really sit in the hold when the relay starts.
                DuplexChannel channel = (DuplexChannel) harness.client();
                await(transport + " reads the FIN early").pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(5))
                        .until(channel::isInputShutdown);
            }
            gate.complete(null);

            assertThat(RelayHarness.readAll(far)).isEqualTo(request);
            far.close();
            assertThat(harness.awaitResult().fromClient()).isEqualTo(request.length);
            harness.assertNoLeaks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void bytesAndEndOfStreamAConnectorKeptAfterTheHopsAnswerReachTheClient(String transport) throws Exception {
        byte[] tail = "glued to the hop's answer".getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        try (RelayHarness harness = new RelayHarness(transport, gate);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            Channel upstream = harness.upstream();
            // What a connector leaves behind: the bytes that came with the hop's answer ...
            upstream.eventLoop().submit(() -> upstream.pipeline().addLast(new io.gost.api.handshake.HeldInbound(
                    List.of(io.netty.buffer.Unpooled.wrappedBuffer(tail)), false))).get();
            // ... and the hop's FIN right behind them, which epoll and io_uring read even with auto-read off.
            far.shutdownOutput();
            if (!transport.equals("nio")) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!((DuplexChannel) upstream).isInputShutdown()) {
                    assertThat(System.nanoTime()).as("%s read the FIN", transport).isLessThan(deadline);
                    Thread.onSpinWait();
                }
            }
            gate.complete(null);

            assertThat(RelayHarness.readAll(client)).isEqualTo(tail);
            client.close();
            assertThat(harness.awaitResult().toClient()).isEqualTo(tail.length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void slowReaderStopsTheSenderInsteadOfFillingMemory(String transport) throws Exception {
        long total = 64L * MB;
        try (RelayHarness harness = new RelayHarness(transport);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    OutputStream out = client.getOutputStream();
                    while (sent.get() < total) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, threads);
            Channel upstream = harness.upstream();
            // The relay keeps at most one chunk in flight; Netty's queue may add up to its high water mark.
            long bound = upstream.config().getWriteBufferHighWaterMark() + 64 * 1024;

            // The far side does not read yet: wait until the sender is stuck, watching the relay's queue.
            AtomicLong maxPendingSeen = new AtomicLong();
            AtomicLong lastSent = new AtomicLong(-1);
            AtomicLong stalledSince = new AtomicLong(System.nanoTime());
            await("the sender stalls").pollInSameThread().pollInterval(Duration.ofMillis(10))
                    .atMost(Duration.ofSeconds(RelayHarness.TIMEOUT_SECONDS))
                    .until(() -> {
                        maxPendingSeen.accumulateAndGet(pendingWriteBytes(upstream), Math::max);
                        long now = sent.get();
                        if (lastSent.getAndSet(now) != now) {
                            stalledSince.set(System.nanoTime());
                        }
                        return System.nanoTime() - stalledSince.get() >= TimeUnit.MILLISECONDS.toNanos(500);
                    });
            long maxPending = maxPendingSeen.get();
            assertThat(sent.get()).as("bytes the sender got out before it was blocked").isLessThan(total);
            assertThat(maxPending).as("bytes queued in the relay while the reader waits").isLessThanOrEqualTo(bound);

            // Now read slowly, a small piece at a time, and keep watching the queue.
            InputStream in = far.getInputStream();
            byte[] piece = new byte[16 * 1024];
            long received = 0;
            int reads = 0;
            while (received < total) {
                int n = in.read(piece);
                assertThat(n).as("bytes before the end of stream").isPositive();
                received += n;
                if (++reads % 64 == 0) {
                    maxPending = Math.max(maxPending, pendingWriteBytes(upstream));
                }
            }
            sender.get(RelayHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(maxPending).as("bytes queued in the relay while reading slowly").isLessThanOrEqualTo(bound);

            client.shutdownOutput();
            assertThat(in.read()).as("end of stream after exactly the bytes sent").isEqualTo(-1);
            far.close();
            assertThat(harness.awaitResult().fromClient()).isEqualTo(total);
            harness.assertNoLeaks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void abruptCloseOfTheClientClosesTheFarSide(String transport) throws Exception {
        try (RelayHarness harness = new RelayHarness(transport);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            exchangeOneLine(client, far);
            resetAndClose(client);

            assertThat(far.getInputStream().read()).as("far side sees the connection end").isEqualTo(-1);
            assertThat(harness.awaitResult().error()).as("the reset is reported").isNotNull();
            harness.assertNoLeaks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void clientResetWhileTheUpstreamIsDialedIsTheReasonTheRelayEnds(String transport) throws Exception {
        // epoll and io_uring notice a reset even with auto-read off (NIO only once the relay reads).
        CompletableFuture<Void> gate = new CompletableFuture<>();
        try (RelayHarness harness = new RelayHarness(transport, gate);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            harness.client();
            resetAndClose(client);

            Throwable kept = harness.clientErrorBeforeRelay.get(RelayHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(kept).as("the hold keeps the reset rather than leave it to the pipeline's tail")
                    .isInstanceOf(IOException.class).hasMessageContaining("reset");
            assertThat(harness.client().closeFuture().await(RelayHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            gate.complete(null);

            assertThat(far.getInputStream().read()).as("far side sees the connection end").isEqualTo(-1);
            assertThat(harness.awaitResult().error()).as("the relay ends with the reset").isSameAs(kept);
            harness.assertNoLeaks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void abruptCloseOfTheFarSideClosesTheClient(String transport) throws Exception {
        try (RelayHarness harness = new RelayHarness(transport);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            exchangeOneLine(client, far);
            resetAndClose(far);

            assertThat(client.getInputStream().read()).as("client sees the connection end").isEqualTo(-1);
            assertThat(harness.awaitResult().error()).as("the reset is reported").isNotNull();
            harness.assertNoLeaks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void closingBothSidesEndsTheRelayWithoutError(String transport) throws Exception {
        try (RelayHarness harness = new RelayHarness(transport);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            exchangeOneLine(client, far);
            client.close();
            assertThat(far.getInputStream().read()).isEqualTo(-1);
            far.close();

            RelayResult result = harness.awaitResult();
            assertThat(result.error()).isNull();
            assertThat(result.fromClient()).isEqualTo(6);
            assertThat(result.toClient()).isEqualTo(6);
            harness.assertNoLeaks();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void closingTheRelayedChannelLocallyClosesTheOtherSide(String transport) throws Exception {
        try (RelayHarness harness = new RelayHarness(transport);
             Socket client = harness.connectClient();
             Socket far = harness.acceptFar()) {
            exchangeOneLine(client, far);
            harness.client().close();

            assertThat(far.getInputStream().read()).isEqualTo(-1);
            assertThat(harness.awaitResult()).isNotNull();
            harness.assertNoLeaks();
        }
    }

    /** "hello\n" from the client to the far side and back, proving the relay runs. */
    private static void exchangeOneLine(Socket client, Socket far) throws IOException {
        byte[] line = "hello\n".getBytes(StandardCharsets.US_ASCII);
        client.getOutputStream().write(line);
        assertThat(far.getInputStream().readNBytes(line.length)).isEqualTo(line);
        far.getOutputStream().write(line);
        assertThat(client.getInputStream().readNBytes(line.length)).isEqualTo(line);
    }

    /** Closes with SO_LINGER 0, so the peer gets a reset instead of an orderly end of stream. */
    private static void resetAndClose(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private static long pendingWriteBytes(Channel channel) throws Exception {
        return channel.eventLoop().submit(() -> {
            ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
            return buffer == null ? 0L : buffer.totalPendingWriteBytes();
        }).get(RelayHarness.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private CompletableFuture<Void> writeThenShutdown(Socket socket, byte[] data) {
        return CompletableFuture.runAsync(() -> {
            try {
                socket.getOutputStream().write(data);
                socket.shutdownOutput();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, threads);
    }

    private static byte[] readAll(Socket socket) {
        try {
            return RelayHarness.readAll(socket);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * True when the kernel has the client's FIN on the relay's end of the connection before the relay has read
     * up to it, which the relay's channel cannot tell: /proc/net/tcp (or tcp6) shows that end in a state only
     * a received FIN leads to, CLOSE_WAIT, or TIME_WAIT, CLOSING or LAST_ACK when the relay had half-closed it.
     */
    private static final Set<String> FIN_RECEIVED_STATES = Set.of("06", "08", "09", "0B");

    private static boolean kernelHasFin(Socket client) throws IOException {
        String relayPort = String.format(":%04X", client.getPort());
        String clientPort = String.format(":%04X", client.getLocalPort());
        // Java and Netty make IPv6 sockets where they can, so a 127.0.0.1 connection may be listed in either file.
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.strip().split("\\s+");
                if (fields[1].endsWith(relayPort) && fields[2].endsWith(clientPort)
                        && FIN_RECEIVED_STATES.contains(fields[3])) {
                    return true;
                }
            }
        }
        return false;
    }
}
