package io.gost.runtime.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.runtime.testing.EchoServer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 7, idle and lifetime limits: {@code idleTimeout} on relayed tunnels and {@code maxConnections}. */
class LimitsTest {

    private static final byte[] PING = "ping\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aForwardedTunnelWithoutTrafficIsClosedAfterTheIdleTimeout() throws IOException {
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start("tcp://127.0.0.1:0/" + echo.address() + "?idleTimeout=1s");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(10))) {
            assertEchoes(client);
            long idleSince = System.nanoTime();

            assertThat(client.readByteOrEnd()).as("the tunnel is closed").isEqualTo(-1);

            assertThat(Duration.ofNanos(System.nanoTime() - idleSince))
                    .isBetween(Duration.ofMillis(900), Duration.ofMillis(2500));
        }
    }

    @Test
    void aConnectTunnelWithoutTrafficIsClosedAfterTheHandlersIdleTimeout() throws IOException {
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start("http://127.0.0.1:0?handler.idleTimeout=1s");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(10))) {
            client.send("CONNECT " + echo.address() + " HTTP/1.1\r\nHost: " + echo.address() + "\r\n\r\n");
            assertThat(client.readStatus()).isEqualTo(200);
            assertEchoes(client);
            long idleSince = System.nanoTime();

            assertThat(client.readByteOrEnd()).as("the tunnel is closed").isEqualTo(-1);

            assertThat(Duration.ofNanos(System.nanoTime() - idleSince))
                    .isBetween(Duration.ofMillis(900), Duration.ofMillis(2500));
        }
    }

    @Test
    void aTunnelThatKeepsCarryingDataOutlivesTheIdleTimeout() throws IOException, InterruptedException {
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start("tcp://127.0.0.1:0/" + echo.address() + "?idleTimeout=1s");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(10))) {
            long end = System.nanoTime() + Duration.ofMillis(2500).toNanos();
            while (System.nanoTime() < end) {
                assertEchoes(client);
                // Paces the traffic (a ping every 300 ms, well inside the 1 s idle timeout); waits for nothing.
                Thread.sleep(300);
            }
            assertEchoes(client);
        }
    }

    @Test
    void withoutIdleTimeoutAQuietTunnelStaysOpen() throws IOException {
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start("tcp://127.0.0.1:0/" + echo.address());
             RawClient client = new RawClient(gost.address(0), Duration.ofMillis(1500))) {
            assertEchoes(client);

            assertThatThrownBy(client::readByteOrEnd).isInstanceOf(SocketTimeoutException.class);
            assertEchoes(client);
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtAcceptAndAcceptedAgainOnceOthersEnd() throws Exception {
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start("tcp://127.0.0.1:0/" + echo.address() + "?maxConnections=2")) {
            RawClient first = new RawClient(gost.address(0), Duration.ofSeconds(5));
            try (RawClient second = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
                assertEchoes(first);
                assertEchoes(second);

                try (RawClient third = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
                    assertThat(third.readByteOrEnd()).as("the third connection is closed").isEqualTo(-1);
                }
                assertThat(gost.service(0).refusedConnections()).isEqualTo(1);

                first.close();
                awaitOpenConnections(gost, 1);
                try (RawClient fourth = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
                    assertEchoes(fourth);
                }
            }
        }
    }

    @Test
    void aFloodBeyondMaxConnectionsIsRefusedWithoutHarmToTheService() throws Exception {
        int flood = 300;
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start("tcp://127.0.0.1:0/" + echo.address() + "?maxConnections=1");
             RawClient kept = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
            assertEchoes(kept);
            List<RawClient> refused = new ArrayList<>();
            try {
                for (int i = 0; i < flood; i++) {
                    refused.add(new RawClient(gost.address(0), Duration.ofSeconds(5)));
                }
                for (RawClient client : refused) {
                    assertThat(client.readByteOrEnd()).isEqualTo(-1);
                }
            } finally {
                for (RawClient client : refused) {
                    client.close();
                }
            }

            assertThat(gost.service(0).refusedConnections()).isEqualTo(flood);
            assertEchoes(kept);
        }
    }

    private static void assertEchoes(RawClient client) throws IOException {
        client.send(PING);
        assertThat(client.readExactly(PING.length)).isEqualTo(PING);
    }

    private static void awaitOpenConnections(RunningGost gost, long expected) {
        // The service counts on its event loop; there is no future to wait on from here.
        await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(gost.service(0).currentConnections()).isEqualTo(expected));
    }
}
