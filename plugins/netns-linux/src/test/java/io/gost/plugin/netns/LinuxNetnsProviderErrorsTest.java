package io.gost.plugin.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.NetnsException;
import io.gost.api.NetnsRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user reads when a namespace cannot be opened. */
class LinuxNetnsProviderErrorsTest {

    @Test
    void missingPathIsReportedAsNotFound(@TempDir Path directory) {
        Path missing = directory.resolve("missing");

        assertThatThrownBy(() -> new LinuxNetnsProvider().open(new NetnsRef(missing.toString())))
                .isInstanceOf(NetnsException.class)
                .hasMessage("network namespace '" + missing + "' does not exist: " + missing + " not found; check the"
                        + " path; it must be a namespace file such as /run/netns/NAME (made by `ip netns add NAME`) or"
                        + " /proc/PID/ns/net");
    }

    @Test
    void regularFileIsReportedAsNotANetworkNamespace(@TempDir Path directory) throws Exception {
        Path regular = Files.writeString(directory.resolve("regular"), "not a namespace");

        assertThatThrownBy(() -> new LinuxNetnsProvider().open(new NetnsRef(regular.toString())))
                .isInstanceOf(NetnsException.class)
                .hasMessage("cannot enter network namespace '" + regular + "': " + regular + " is not a network"
                        + " namespace; give a name created with `ip netns add NAME` or a path such as /run/netns/NAME"
                        + " or /proc/PID/ns/net");
    }

    @Test
    void namespaceOfAnotherKindIsReportedAsNotANetworkNamespace() {
        assertThatThrownBy(() -> new LinuxNetnsProvider().open(new NetnsRef("/proc/self/ns/uts")))
                .isInstanceOf(NetnsException.class)
                .hasMessageContaining("/proc/self/ns/uts is not a network namespace");
    }

    @Test
    void otherSystemsAreRefusedByName() {
        LinuxNetnsProvider provider = new LinuxNetnsProvider("Mac OS X", FakeSyscalls::succeeding);

        assertThatThrownBy(() -> provider.open(new NetnsRef("ns1")))
                .isInstanceOf(NetnsException.class)
                .hasMessage("network namespaces are only supported on Linux (this is Mac OS X)");
    }

    @Test
    void missingNamedNamespaceSuggestsIpNetnsAdd() {
        LinuxNetnsProvider provider = providerWith(FakeSyscalls.failingOpen(SyscallException.ENOENT));

        assertThatThrownBy(() -> provider.open(new NetnsRef("ns1")))
                .hasMessage("network namespace 'ns1' does not exist: /run/netns/ns1 not found; create it with"
                        + " `ip netns add ns1`");
    }

    @Test
    void missingNamespaceFileUnderRunNetnsSuggestsIpNetnsAdd() {
        LinuxNetnsProvider provider = providerWith(FakeSyscalls.failingOpen(SyscallException.ENOENT));

        assertThatThrownBy(() -> provider.open(new NetnsRef("/run/netns/ns2")))
                .hasMessage("network namespace '/run/netns/ns2' does not exist: /run/netns/ns2 not found; create it"
                        + " with `ip netns add ns2`");
    }

    @Test
    void missingProcessNamespaceAsksWhetherTheProcessRuns() {
        LinuxNetnsProvider provider = providerWith(FakeSyscalls.failingOpen(SyscallException.ENOENT));

        assertThatThrownBy(() -> provider.open(new NetnsRef("/proc/123/ns/net")))
                .hasMessage("network namespace '/proc/123/ns/net' does not exist: /proc/123/ns/net not found; is the"
                        + " process still running?");
    }

    @Test
    void setnsWithoutPermissionAsksForRootOrCapSysAdmin() {
        LinuxNetnsProvider provider = providerWith(FakeSyscalls.failingSetns(SyscallException.EPERM));

        assertThatThrownBy(() -> provider.open(new NetnsRef("ns1")))
                .hasMessage("no permission to enter network namespace 'ns1' (/run/netns/ns1): run gost as root or"
                        + " give it CAP_SYS_ADMIN");
    }

    @Test
    void unreadableNamespaceFileAsksForRootOrCapSysAdmin() {
        LinuxNetnsProvider provider = providerWith(FakeSyscalls.failingOpen(SyscallException.EACCES));

        assertThatThrownBy(() -> provider.open(new NetnsRef("ns1")))
                .hasMessage("no permission to enter network namespace 'ns1' (/run/netns/ns1): run gost as root or"
                        + " give it CAP_SYS_ADMIN");
    }

    @Test
    void unexpectedErrnoIsReportedWithTheSystemsText() {
        LinuxNetnsProvider provider = providerWith(FakeSyscalls.failingOpen(24));

        assertThatThrownBy(() -> provider.open(new NetnsRef("ns1")))
                .hasMessage("cannot enter network namespace 'ns1' (/run/netns/ns1): open failed: fake error 24 (errno 24)");
    }

    @Test
    void failedSetnsClosesTheNamespaceFile() {
        FakeSyscalls syscalls = FakeSyscalls.failingSetns(SyscallException.EPERM);

        assertThatThrownBy(() -> providerWith(syscalls).open(new NetnsRef("ns1"))).isInstanceOf(NetnsException.class);

        assertThat(syscalls.opened).containsExactly("/run/netns/ns1");
        assertThat(syscalls.closed).containsExactly(40);
    }

    @Test
    void errorIsThrownFromTheCallerOfOpenWithTheSystemCallAsCause() {
        LinuxNetnsProvider provider = providerWith(FakeSyscalls.failingOpen(SyscallException.ENOENT));

        assertThatThrownBy(() -> provider.open(new NetnsRef("ns1")))
                .satisfies(failure -> assertThat(failure.getStackTrace())
                        .anyMatch(frame -> frame.getMethodName().equals(
                                "errorIsThrownFromTheCallerOfOpenWithTheSystemCallAsCause")))
                .cause().isInstanceOf(SyscallException.class);
    }

    @Test
    void unloadableLibcIsReportedWithWhatToCheck() {
        LinuxNetnsProvider provider = new LinuxNetnsProvider("Linux", () -> {
            throw new UnsatisfiedLinkError("no jffi in java.library.path");
        });

        assertThatThrownBy(() -> provider.open(new NetnsRef("ns1")))
                .isInstanceOf(NetnsException.class)
                .hasMessageStartingWith("cannot open network namespace 'ns1': the C library could not be loaded"
                        + " through jnr-ffi (java.lang.UnsatisfiedLinkError: no jffi in java.library.path)");
    }

    @Test
    void constructingTheProviderLoadsNoLibraryUntilTheFirstOpen() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        LinuxNetnsProvider provider = new LinuxNetnsProvider("Linux", () -> {
            loads.incrementAndGet();
            return FakeSyscalls.succeeding();
        });
        provider.current();
        assertThat(loads).hasValue(0);

        provider.open(new NetnsRef("ns1")).close();
        provider.open(new NetnsRef("ns2")).close();

        assertThat(loads).hasValue(1);
    }

    private static LinuxNetnsProvider providerWith(FakeSyscalls syscalls) {
        return new LinuxNetnsProvider("Linux", () -> syscalls);
    }
}
