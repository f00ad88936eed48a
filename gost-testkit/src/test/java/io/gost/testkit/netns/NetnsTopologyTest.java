package io.gost.testkit.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology helper really makes and removes namespaces. Needs root; skips without it unless required. */
class NetnsTopologyTest {

    @BeforeEach
    void requireNamespaces() {
        NetnsTopology.unavailableReason().ifPresent(reason -> {
            if (NetnsTopology.requiredByEnvironment()) {
                fail(reason);
            } else {
                Assumptions.abort(reason);
            }
        });
    }

    @Test
    void namespaceAndVethExistUntilClosed() throws Exception {
        NetnsTopology.Namespace namespace;
        try (NetnsTopology topology = NetnsTopology.create()) {
            namespace = topology.addNamespace("gtopo");

            assertThat(namespace.name()).isEqualTo("gtopo-" + topology.suffix());
            assertThat(Files.exists(namespace.path())).isTrue();
            assertThat(ip("link", "show", "dev", namespace.outsideInterface())).contains("state UP");
            assertThat(ip("-n", namespace.name(), "-4", "addr", "show", "dev", namespace.insideInterface()))
                    .contains("inet " + namespace.insideAddress().getHostAddress() + "/24");
            assertThat(namespace.insideAddress().getHostAddress()).matches("198\\.1[89]\\.\\d+\\.1");
            assertThat(namespace.outsideAddress().getHostAddress()).matches("198\\.1[89]\\.\\d+\\.11");
        }

        assertThat(Files.exists(namespace.path())).isFalse();
        assertThat(ip("link", "show")).doesNotContain(namespace.outsideInterface());
    }

    @Test
    void namespacesOfOneTopologyGetDifferentSubnets() throws Exception {
        try (NetnsTopology topology = NetnsTopology.seed()) {
            assertThat(topology.namespaces()).hasSize(2);
            NetnsTopology.Namespace ns1 = topology.namespaces().get(0);
            NetnsTopology.Namespace ns2 = topology.namespaces().get(1);

            assertThat(ns1.name()).startsWith("ns1-");
            assertThat(ns2.name()).startsWith("ns2-");
            assertThat(subnet(ns1)).isNotEqualTo(subnet(ns2));
        }
    }

    @Test
    void processStartedInsideIsInTheNamespace() throws Exception {
        try (NetnsTopology topology = NetnsTopology.create()) {
            NetnsTopology.Namespace namespace = topology.addNamespace("gproc");
            Process sleeper = topology.startInside(namespace, "sleep", "30");

            String processNamespace = Files.readSymbolicLink(Path.of("/proc/" + sleeper.pid() + "/ns/net")).toString();

            assertThat(processNamespace).isEqualTo(namespace.id()).isNotEqualTo(NetnsTopology.threadNamespace());
            sleeper.destroyForcibly();
            assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void closeKillsProcessesItStarted() throws Exception {
        Process sleeper;
        try (NetnsTopology topology = NetnsTopology.create()) {
            sleeper = topology.startInside(topology.addNamespace("gkill"), "sleep", "30");
        }

        assertThat(sleeper.isAlive()).isFalse();
    }

    @Test
    void subnetOutsideTheTestRangeIsRefused() {
        try (NetnsTopology topology = NetnsTopology.create()) {
            assertThatThrownBy(() -> topology.addNamespace("gbad", "10.0.0"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("198.18.0.0/15");
        }
    }

    private static String subnet(NetnsTopology.Namespace namespace) {
        String address = namespace.insideAddress().getHostAddress();
        return address.substring(0, address.lastIndexOf('.'));
    }

    private static String ip(String... args) throws IOException, InterruptedException {
        String[] line = new String[args.length + 1];
        line[0] = "ip";
        System.arraycopy(args, 0, line, 1, args.length);
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(10, TimeUnit.SECONDS);
        return output;
    }
}
