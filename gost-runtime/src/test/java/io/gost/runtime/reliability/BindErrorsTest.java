package io.gost.runtime.reliability;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.runtime.service.ServiceStartException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A listener that cannot bind says why in words a user can act on. */
class BindErrorsTest {

    @Test
    void anAddressThatIsNotOnThisHostIsNotReportedAsInUse() {
        // 198.18.0.0/15 is reserved for benchmarks; no interface of this host carries 198.18.255.254.
        assertThatThrownBy(() -> RunningGost.start("http://198.18.255.254:8080"))
                .isInstanceOf(ServiceStartException.class)
                .hasMessageStartingWith("service 'service-0' (198.18.255.254:8080): cannot listen: address not"
                        + " available on this host")
                .hasMessageNotContaining("in use");
    }

    @Test
    void aPortInUseIsReportedAsInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> RunningGost.start("http://127.0.0.1:" + taken.getLocalPort()))
                    .isInstanceOf(ServiceStartException.class)
                    .hasMessageContaining("cannot listen: address already in use");
        }
    }
}
