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
 * A SOCKS5 service with a chain carries CONNECT, BIND and UDP ASSOCIATE through the chain, never around it: a
 * hop that does not allow BIND or UDP refuses them, and that refusal is what the client gets, not a port opened on
 * this host.
 */
class NothingAroundTheChainTest {

    @ParameterizedTest(name = "command 0x0{0}")
    @ValueSource(ints = {0x02, 0x03})
    void bindAndUdpAssociateOnAChainedServiceAreTheHopsToAllowOrRefuse(int command) throws IOException {
        try (RunningGost hop = RunningGost.start("socks5://127.0.0.1:0");
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

            assertThat(hop.service(0).totalConnections()).as("the command went to the hop").isEqualTo(1);
            assertThat(reply[1]).as("reply code: the hop's refusal passed on").isEqualTo((byte) 0x01);
            assertThat(endOfStream(client.getInputStream())).isTrue();
        }
    }

    private static boolean endOfStream(InputStream in) throws IOException {
        return in.read() == -1;
    }
}
