package io.gost.runtime.bypass;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.runtime.match.AddressPatterns;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several bypasses on one service, hop or node, combined as GOST's bypassGroup combines them. */
class BypassGroupTest {

    @Test
    void whitelistsAreAndedATargetAnyOfThemNamesIsAllowed() {
        BypassCheck group = BypassGroup.of(List.of(Bypass.of("w1", true, List.of("10.0.0.0/8")),
                Bypass.of("w2", true, List.of("192.168.0.0/16"))));

        assertThat(group.forbids("tcp", "10.1.2.3", 80)).isFalse();
        assertThat(group.forbids("tcp", "192.168.1.1", 80)).isFalse();
        assertThat(group.forbids("tcp", "8.8.8.8", 53)).as("in no whitelist").isTrue();
    }

    @Test
    void blacklistsAreOredAndForbidEvenWhatAWhitelistNames() {
        BypassCheck group = BypassGroup.of(List.of(Bypass.of("b1", false, List.of("1.1.1.1")),
                Bypass.of("b2", false, List.of("*.example.org")), Bypass.of("w", true, List.of("1.1.1.0/24"))));

        assertThat(group.forbids("tcp", "1.1.1.1", 443)).isTrue();
        assertThat(group.forbids("tcp", "www.example.org", 443)).isTrue();
        assertThat(group.forbids("tcp", "1.1.1.2", 443)).as("whitelisted, in no blacklist").isFalse();
    }

    @Test
    void aBypassForOneNetworkLeavesTheOtherAlone() {
        Bypass udpOnly = new Bypass("udp", new Bypass.Rules(false, "udp", AddressPatterns.compile(List.of("8.8.8.8"))));

        assertThat(udpOnly.forbids("udp", "8.8.8.8", 53)).isTrue();
        assertThat(udpOnly.forbids("tcp", "8.8.8.8", 53)).isFalse();
        assertThat(udpOnly.forbids("udp", "9.9.9.9", 53)).isFalse();
    }
}
