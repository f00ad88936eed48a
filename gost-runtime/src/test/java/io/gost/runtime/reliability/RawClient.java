package io.gost.runtime.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain socket client that writes exact bytes and reads what comes back, for status lines and echoes. */
final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(InetSocketAddress address, Duration readTimeout) throws IOException {
        socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads up to and including the next CRLF; the line without it. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int b; (b = in.read()) >= 0; previous = b) {
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        throw new IOException("the connection ended before a line was complete; got '"
                + line.toString(StandardCharsets.ISO_8859_1) + "'");
    }

    /** Reads a response head and returns its status code. */
    int readStatus() throws IOException {
        String statusLine = readLine();
        while (!readLine().isEmpty()) {
            // headers are not needed
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not a status line: '" + statusLine + "'");
        }
        return Integer.parseInt(parts[1]);
    }

    /** Exactly {@code length} bytes, or fewer when the stream ends first. */
    byte[] readExactly(int length) throws IOException {
        return in.readNBytes(length);
    }

    /** Everything until the far side closes. */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** -1 when the far side has closed (or reset) the connection, else the next byte. */
    int readByteOrEnd() throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
