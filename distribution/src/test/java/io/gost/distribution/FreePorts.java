package io.gost.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports that are free now, for processes that must be told their port before they start.
 *
 * <p>Ports come from below the kernel's ephemeral range, so that the outgoing connections of the very
 * processes under test (which take ephemeral ports) cannot grab a port between the check and the bind.
 * A port is never handed out twice by one instance.
 */
final class FreePorts {

    private static final int LOWEST = 20_000;
    private static final int ATTEMPTS = 1_000;

    private final Set<Integer> handedOut = new HashSet<>();
    private final int ephemeralLow = ephemeralLow();

    /** A port on 127.0.0.1 that nothing listens on. */
    int next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ephemeralLow > LOWEST + 1_000 ? random.nextInt(LOWEST, ephemeralLow) : anyEphemeral();
            if (!handedOut.contains(port) && bindable(port)) {
                handedOut.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found in " + ATTEMPTS + " attempts");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int anyEphemeral() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first port of net.ipv4.ip_local_port_range (Linux), or 0 where that cannot be read. */
    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return 0;
        }
    }
}
