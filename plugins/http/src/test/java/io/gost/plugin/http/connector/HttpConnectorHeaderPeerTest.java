package io.gost.plugin.http.connector;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.plugin.http.testing.NettyLeakDetection;
import io.gost.plugin.http.testing.TunnelProbe;
import io.gost.plugin.http.testing.Socat;
import io.gost.testkit.TestTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connector's {@code header} map reaches the wire as real header fields, whether the configuration gave a
 * map or a loader flattened {@code header: {X-Foo: bar}} into {@code header.X-Foo}. The hop is a real socat
 * running a shell script that records the request head, answers 200 and echoes the tunnel.
 */
@ExtendWith(NettyLeakDetection.class)
class HttpConnectorHeaderPeerTest {

    private static final String RECORDING_HOP = """
            #!/bin/sh
            # Records one CONNECT request head in $1, answers 200 and echoes the tunnel.
            while IFS= read -r line; do
              printf '%s\\n' "$line" >> "$1"
              [ "$line" = "$(printf '\\r')" ] && break
            done
            printf 'HTTP/1.1 200 Connection established\\r\\n\\r\\n'
            exec cat
            """;

    private static TestTransport transport;

    @TempDir
    Path directory;

    @BeforeAll
    static void startTransport() {
        assumeTrue(Files.isExecutable(Socat.EXECUTABLE), "socat is not installed (apt-get install -y socat)");
        transport = new TestTransport();
    }

    @AfterAll
    static void stopTransport() {
        if (transport != null) {
            transport.close();
        }
    }

    @ParameterizedTest(name = "header given {0}")
    @ValueSource(strings = {"as a map", "as flattened entries"})
    void headerFieldsAreSentWithTheConnectRequest(String form) throws Exception {
        Path script = Files.writeString(directory.resolve("hop.sh"), RECORDING_HOP);
        Path head = directory.resolve("head.txt");
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (form.equals("as a map")) {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("User-Agent", "gost/3.0");
            header.put("X-Foo", "bar");
            metadata.put("header", header);
        } else {
            metadata.put("header.User-Agent", "gost/3.0");
            metadata.put("header.X-Foo", "bar");
        }
        try (Socat hop = new Socat("/bin/sh " + script + " " + head)) {
            Channel channel = connectTo(hop.port());
            try {
                Channel tunnel = new HttpConnectorFactory().create(Metadata.of(metadata), PluginContext.named("node-0"))
                        .connect(channel, "tcp", InetSocketAddress.createUnresolved("example.com", 443),
                                Duration.ofSeconds(5))
                        .get(5, TimeUnit.SECONDS);

                assertThat(TunnelProbe.echo(tunnel, "ping")).isEqualTo("ping");
            } finally {
                channel.close().syncUninterruptibly();
            }
        }
        assertThat(Files.readString(head, US_ASCII)).isEqualTo("CONNECT example.com:443 HTTP/1.1\r\n"
                + "Host: example.com:443\r\n"
                + "User-Agent: gost/3.0\r\n"
                + "X-Foo: bar\r\n"
                + "\r\n");
    }

    private static Channel connectTo(int port) {
        return new Bootstrap()
                .group(transport.ioGroup())
                .channelFactory(transport.socketChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new InetSocketAddress("127.0.0.1", port))
                .syncUninterruptibly()
                .channel();
    }

}
