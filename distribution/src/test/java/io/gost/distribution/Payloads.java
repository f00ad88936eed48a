package io.gost.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Payloads sent through a forwarding proxy to an {@link EchoServer}, and checks of what came back. */
final class Payloads {

    /** A read that waits longer than this means the relay stalled. */
    static final int READ_TIMEOUT_MILLIS = 30_000;

    private static final int CHUNK = 64 * 1024;

    private Payloads() {
    }

    /** {@code size} pseudo-random bytes, the same for the same seed, so a failure can be replayed. */
    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /**
     * Connects to 127.0.0.1:{@code port}, writes {@code payload} while reading back as many bytes, and
     * returns what came back: fewer bytes if the connection ended early. The connection is not
     * half-closed first, so this also works through peers (tinyproxy) that close both ways on a half-close.
     */
    static byte[] echoThrough(int port, byte[] payload) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> writeAll(out, payload),
                    Payloads::startWriterThread);
            byte[] received = readUpTo(socket.getInputStream(), payload.length);
            awaitWriter(writing, received.length == payload.length);
            return received;
        } catch (IOException e) {
            throw new UncheckedIOException("echo through 127.0.0.1:" + port + " failed", e);
        }
    }

    /**
     * Asserts that a connection to 127.0.0.1:{@code port} does not echo: the proxy closes or resets it
     * instead, as it must when the next hop is gone. Fails if the bytes come back, or if nothing happens
     * within {@link #READ_TIMEOUT_MILLIS}.
     */
    static void assertNoEchoThrough(int port) {
        byte[] probe = random(1024, 7);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            try {
                socket.getOutputStream().write(probe);
                byte[] received = readUpTo(socket.getInputStream(), probe.length);
                if (received.length == probe.length) {
                    throw new AssertionError("expected the connection through port " + port
                            + " to fail, but the bytes were echoed");
                }
            } catch (java.net.SocketTimeoutException stalled) {
                throw new AssertionError("expected the connection through port " + port
                        + " to be closed, but it stayed open without data for " + READ_TIMEOUT_MILLIS + " ms");
            } catch (IOException reset) {
                // A reset is as good as a close: the relay refused to carry the bytes.
            }
        } catch (IOException e) {
            // The proxy refused the connection outright: no echo either.
        }
    }

    /** Fails with the position of the first difference instead of dumping megabytes. */
    static void assertSameBytes(byte[] expected, byte[] actual) {
        int mismatch = Arrays.mismatch(expected, actual);
        if (mismatch >= 0) {
            throw new AssertionError("expected " + expected.length + " bytes back, got " + actual.length
                    + "; first difference at byte " + mismatch);
        }
    }

    /** A thread of its own per writer: a shared pool could queue one connection's writer behind another's. */
    private static void startWriterThread(Runnable writer) {
        Thread thread = new Thread(writer, "payload-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private static void writeAll(OutputStream out, byte[] payload) {
        try {
            for (int offset = 0; offset < payload.length; offset += CHUNK) {
                out.write(payload, offset, Math.min(CHUNK, payload.length - offset));
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readUpTo(InputStream in, int length) throws IOException {
        byte[] received = new byte[length];
        int total = 0;
        while (total < length) {
            int read = in.read(received, total, length - total);
            if (read < 0) {
                return Arrays.copyOf(received, total);
            }
            total += read;
        }
        return received;
    }

    private static void awaitWriter(CompletableFuture<Void> writing, boolean readCompleted) {
        try {
            writing.get(READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (readCompleted) {
                throw new AssertionError("writing the payload failed", e.getCause());
            }
            // The connection ended early; the short read tells the test what it needs to know.
        } catch (TimeoutException | InterruptedException e) {
            throw new AssertionError("writing the payload did not finish", e);
        }
    }
}
