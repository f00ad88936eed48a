package io.gost.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server on 127.0.0.1 that answers only after the client's end of stream: it reads everything, then
 * writes the SHA-256 (hex) and length of what it read, a line, then {@link #TRAILER_SIZE} more bytes, and
 * closes. Through a relay, the answer can only arrive if the relay passed the client's half-close on
 * while keeping the other direction open. Records when it closed each connection.
 */
final class AnswerAfterEndServer implements AutoCloseable {

    /** Bytes sent after the digest line, so that the answer is more than one small packet. */
    static final int TRAILER_SIZE = 256 * 1024;

    private final ServerSocket server;
    private final BlockingQueue<Long> closedAtNanos = new LinkedBlockingQueue<>();

    AnswerAfterEndServer() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "answer-after-end-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The answer expected for {@code request}: the digest line followed by the trailer. */
    static byte[] answerFor(byte[] request) {
        byte[] line = (sha256(request) + " " + request.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] answer = new byte[line.length + TRAILER_SIZE];
        System.arraycopy(line, 0, answer, 0, line.length);
        byte[] trailer = Payloads.random(TRAILER_SIZE, 99);
        System.arraycopy(trailer, 0, answer, line.length, TRAILER_SIZE);
        return answer;
    }

    /** When the server closed its next connection (System.nanoTime), waiting up to 30 s for it. */
    long awaitClose() throws InterruptedException {
        Long closed = closedAtNanos.poll(30, TimeUnit.SECONDS);
        if (closed == null) {
            throw new AssertionError("the server did not finish a connection within 30 s");
        }
        return closed;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                Thread worker = new Thread(() -> answer(connection), "answer-" + connection.getPort());
                worker.setDaemon(true);
                worker.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void answer(Socket connection) {
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            byte[] request = in.readAllBytes();
            out.write(answerFor(request));
            out.flush();
        } catch (IOException peerGone) {
            // The test sees a short answer.
        } finally {
            closedAtNanos.add(System.nanoTime());
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
