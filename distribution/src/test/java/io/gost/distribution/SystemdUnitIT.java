package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit the distribution ships (systemd/gost.service, and the drop-in for network namespaces),
 * checked by systemd itself: {@code systemd-analyze verify} reports no problem with it (it only warns, so
 * any output fails), and {@code systemd-analyze security} rates its sandbox about as tight as it is now. The
 * unit's ExecStart is pointed at this distribution's bin/gost, which verify requires to exist.
 */
class SystemdUnitIT {

    /**
     * The unit's exposure in tenths as {@code systemd-analyze security} rates it today (3.3), with a little room:
     * removing one protection such as ProtectSystem (3.5) fails the test.
     */
    private static final int EXPOSURE_THRESHOLD = 34;

    @TempDir
    Path units;

    private Path unit;

    @BeforeEach
    void installTheUnitPointingAtThisDistribution() throws IOException {
        Path systemd = GostProcess.home().resolve("systemd");
        String text = Files.readString(systemd.resolve("gost.service"));
        assertThat(text).contains("ExecStart=/opt/gost/bin/gost ");
        unit = units.resolve("gost.service");
        Files.writeString(unit, text.replace("/opt/gost/bin/gost", GostProcess.home().resolve("bin/gost").toString()));
    }

    @Test
    void systemdFindsNothingWrongWithTheUnit() throws Exception {
        Result verify = run("systemd-analyze", "verify", unit.toString());

        assertThat(verify.output()).as(verify::describe).isEmpty();
        assertThat(verify.exitCode()).as(verify::describe).isZero();
    }

    @Test
    void systemdFindsNothingWrongWithTheUnitAndTheNamespaceDropIn() throws Exception {
        // A unit may repeat its [Service] section: appended, the drop-in's lines are checked like the unit's.
        Files.writeString(unit, "\n" + Files.readString(GostProcess.home().resolve("systemd/gost.service.d/netns.conf")),
                StandardOpenOption.APPEND);

        Result verify = run("systemd-analyze", "verify", unit.toString());

        assertThat(verify.output()).as(verify::describe).isEmpty();
        assertThat(verify.exitCode()).as(verify::describe).isZero();
    }

    @Test
    void theSandboxStaysAsTightAsItIs() throws Exception {
        Result security = run("systemd-analyze", "security", "--offline=yes", "--threshold=" + EXPOSURE_THRESHOLD,
                unit.toString());

        assertThat(security.exitCode()).as(security::describe).isZero();
    }

    private record Result(List<String> command, int exitCode, String output) {
        String describe() {
            return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
        }
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new Result(List.of(command), process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    }
}
