package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code gost -L tcp://127.0.0.1:P/127.0.0.1:ECHO}: a port forward carrying real payloads. */
class TcpForwardIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    private EchoServer echo;
    private int forwardPort;

    @BeforeEach
    void startForward() {
        echo = resources.add(new EchoServer());
        forwardPort = resources.freePort();
        resources.gost("-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + echo.port())
                .awaitPort(forwardPort);
    }

    @Test
    void tenMegabytesComeBackByteForByte() {
        byte[] payload = Payloads.random(10 * 1024 * 1024, 1);

        byte[] received = Payloads.echoThrough(forwardPort, payload);

        Payloads.assertSameBytes(payload, received);
    }

    @Test
    void concurrentConnectionsEachGetTheirOwnBytesBack() throws Exception {
        int connections = 8;
        ExecutorService clients = Executors.newFixedThreadPool(connections);
        try {
            List<byte[]> payloads = new ArrayList<>();
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                byte[] payload = Payloads.random(1024 * 1024, 100 + i);
                payloads.add(payload);
                results.add(clients.submit(() -> Payloads.echoThrough(forwardPort, payload)));
            }
            for (int i = 0; i < connections; i++) {
                Payloads.assertSameBytes(payloads.get(i), await(results.get(i)));
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(clients.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private static byte[] await(Future<byte[]> result) throws InterruptedException, TimeoutException {
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("a connection through the forward failed", e.getCause());
        }
    }
}
