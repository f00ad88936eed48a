package io.gost.runtime.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.runtime.testing.EchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, dead upstreams: what a client of the composed runtime sees when the target refuses, never
 * answers, or is one of several forwarder targets of which one is gone.
 */
class DeadUpstreamTest {

    private static final Duration SHORT_DIAL_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void connectToARefusingTargetIsAnswered502WithinOneSecond() throws IOException {
        int refused = refusedPort();
        try (RunningGost gost = RunningGost.start("http://127.0.0.1:0");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
            warmUp(gost, refused);
            long start = System.nanoTime();

            client.send("CONNECT 127.0.0.1:" + refused + " HTTP/1.1\r\nHost: 127.0.0.1:" + refused + "\r\n\r\n");

            assertThat(client.readStatus()).isEqualTo(502);
            assertThat(elapsed(start)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void getToARefusingTargetIsAnswered502WithinOneSecond() throws IOException {
        int refused = refusedPort();
        try (RunningGost gost = RunningGost.start("http://127.0.0.1:0");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
            warmUp(gost, refused);
            long start = System.nanoTime();

            client.send("GET http://127.0.0.1:" + refused + "/ HTTP/1.1\r\nHost: 127.0.0.1:" + refused + "\r\n\r\n");

            assertThat(client.readStatus()).isEqualTo(502);
            assertThat(elapsed(start)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void connectToABlackHoledTargetIsAnswered504AfterTheServicesDialTimeout() throws IOException {
        try (BlackHole hole = new BlackHole();
             RunningGost gost = RunningGost.start("http://127.0.0.1:0?dialTimeout=1s");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(10))) {
            long start = System.nanoTime();

            client.send("CONNECT " + hole.hostAndPort() + " HTTP/1.1\r\nHost: " + hole.hostAndPort() + "\r\n\r\n");

            assertThat(client.readStatus()).isEqualTo(504);
            assertThat(elapsed(start)).isBetween(SHORT_DIAL_TIMEOUT, SHORT_DIAL_TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void getToABlackHoledTargetIsAnswered504AfterTheServicesDialTimeout() throws IOException {
        try (BlackHole hole = new BlackHole();
             RunningGost gost = RunningGost.start("http://127.0.0.1:0?dialTimeout=1s");
             RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(10))) {
            long start = System.nanoTime();

            client.send("GET http://" + hole.hostAndPort() + "/ HTTP/1.1\r\nHost: " + hole.hostAndPort() + "\r\n\r\n");

            assertThat(client.readStatus()).isEqualTo(504);
            assertThat(elapsed(start)).isBetween(SHORT_DIAL_TIMEOUT, SHORT_DIAL_TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void aForwarderWithOneRefusingTargetCarriesEveryConnection() throws IOException {
        int refused = refusedPort();
        byte[] payload = "every connection reaches the live target\n".getBytes(StandardCharsets.US_ASCII);
        try (EchoServer echo = new EchoServer();
             RunningGost gost = RunningGost.start(List.of("tcp://127.0.0.1:0/127.0.0.1:" + refused + ","
                     + echo.address()), List.of())) {
            for (int connection = 0; connection < 20; connection++) {
                assertThat(EchoServer.roundTrip(gost.address(0), payload))
                        .as("connection %d", connection).isEqualTo(payload);
            }
            assertThat(echo.accepted()).isEqualTo(20);
        }
    }

    @Test
    void aChainHopWithOneRefusingNodeCarriesEveryConnectionWhenRetriesAllowIt() throws IOException {
        int refused = refusedPort();
        byte[] payload = "through the live proxy\n".getBytes(StandardCharsets.US_ASCII);
        try (EchoServer echo = new EchoServer();
             RunningGost proxy = RunningGost.start("http://127.0.0.1:0");
             RunningGost gost = RunningGost.start(List.of("http://127.0.0.1:0?retries=1"),
                     List.of("http://127.0.0.1:" + refused + ",127.0.0.1:" + proxy.port(0)))) {
            for (int connection = 0; connection < 10; connection++) {
                try (RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(5))) {
                    client.send("CONNECT " + echo.address() + " HTTP/1.1\r\nHost: " + echo.address() + "\r\n\r\n");
                    assertThat(client.readStatus()).as("connection %d", connection).isEqualTo(200);
                    client.send(payload);
                    assertThat(client.readExactly(payload.length)).isEqualTo(payload);
                }
            }
        }
    }

    /**
     * One request before the measured one: the first request of a fresh JVM loads the HTTP codec and the
     * resolver's classes, which is start-up cost, not the time a refusal takes to be reported.
     */
    private static void warmUp(RunningGost gost, int refused) throws IOException {
        try (RawClient client = new RawClient(gost.address(0), Duration.ofSeconds(10))) {
            client.send("GET http://127.0.0.1:" + refused + "/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(client.readStatus()).isEqualTo(502);
        }
    }

    private static int refusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
