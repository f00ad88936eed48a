package io.gost.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A client program for inside a network namespace: {@code ip netns exec NS java -cp TEST_CLASSES
 * io.gost.distribution.EchoClientProgram HOST PORT SIZE SEED} connects to {@code HOST:PORT}, sends
 * {@link Payloads#random(int, long) Payloads.random(SIZE, SEED)} while reading the echo back, and prints
 * one line: {@value #RESULT} followed by the number of bytes that came back and their SHA-256, and the
 * first difference, if any. Exits 0 only when every byte came back unchanged.
 *
 * <p>A test JVM cannot open a socket inside another namespace by itself, hence a process of its own.
 */
final class EchoClientProgram {

    /** Start of the result line. */
    static final String RESULT = "echoed ";

    private EchoClientProgram() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: EchoClientProgram HOST PORT SIZE SEED");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        byte[] payload = Payloads.random(Integer.parseInt(args[2]), Long.parseLong(args[3]));
        byte[] received;
        try (Socket socket = connect(target)) {
            socket.setSoTimeout(Payloads.READ_TIMEOUT_MILLIS);
            Thread writer = writer(socket.getOutputStream(), payload);
            received = readUpTo(socket.getInputStream(), payload.length);
            writer.join(Payloads.READ_TIMEOUT_MILLIS);
        }
        int mismatch = Arrays.mismatch(payload, received);
        System.out.println(RESULT + received.length + " of " + payload.length + " bytes, sha256 " + sha256(received)
                + (mismatch < 0 ? ", identical" : ", first difference at byte " + mismatch));
        System.out.flush();
        System.exit(mismatch < 0 ? 0 : 1);
    }

    /** SHA-256 of {@code data} in lower-case hex, as the result line prints it. */
    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The test starts this client only once the service accepts (NamespaceProcesses.awaitAccepting). */
    private static Socket connect(InetSocketAddress target) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(target, 5_000);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to " + target, e);
        }
    }

    private static Thread writer(OutputStream out, byte[] payload) {
        Thread thread = new Thread(() -> {
            try {
                for (int offset = 0; offset < payload.length; offset += 64 * 1024) {
                    out.write(payload, offset, Math.min(64 * 1024, payload.length - offset));
                }
                out.flush();
            } catch (IOException e) {
                // The read side sees the connection end early and reports the short count.
                System.err.println("writing the payload failed: " + e);
            }
        }, "payload-writer");
        thread.setDaemon(true);
        thread.start();
        return thread;
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
}
