package io.gost.runtime.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A SOCKS5 service with a chain carries CONNECT through the chain; UDP ASSOCIATE and BIND are not carried
 * through chains yet, so they are refused with 0x07 rather than served from this host, around the chain the
 * user asked for.
 */
class NothingAroundTheChainTest {

    @ParameterizedTest(name = "command 0x0{0}")
    @ValueSource(ints = {0x02, 0x03})
    void bindAndUdpAssociateOnAChainedServiceAreRefusedWith0x07(int command) throws IOException {
        try (RunningGost hop = RunningGost.start("socks5://127.0.0.1:0?udp=true&bind=true");
             RunningGost gost = RunningGost.start(List.of("socks5://127.0.0.1:0?udp=true&bind=true"),
                     List.of("socks5://127.0.0.1:" + hop.port(0)));
             Socket client = new Socket("127.0.0.1", gost.port(0))) {
            client.setSoTimeout(5_000);
            OutputStream out = client.getOutputStream();
            DataInputStream in = new DataInputStream(client.getInputStream());
            out.write(new byte[] {0x05, 0x01, 0x00});
            byte[] method = new byte[2];
            in.readFully(method);
            assertThat(method).containsExactly(0x05, 0x00);

            out.write(new byte[] {0x05, (byte) command, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x00});
            byte[] reply = new byte[10];
            in.readFully(reply);

            assertThat(reply[1]).as("reply code").isEqualTo((byte) 0x07);
            assertThat(endOfStream(client.getInputStream())).isTrue();
        }
    }

    private static boolean endOfStream(InputStream in) throws IOException {
        return in.read() == -1;
    }
}
