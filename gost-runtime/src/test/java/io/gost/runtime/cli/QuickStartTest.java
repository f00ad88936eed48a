package io.gost.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The serving command lines that start without picocli: which ones, and that a failing one tells the user
 * exactly what picocli's path tells them.
 */
class QuickStartTest {

    @Test
    void servicesAndChainHopsAreTakenInOrder() {
        QuickStart start = QuickStart.recognise("-L", "tcp://:8000/a:1", "-F", "http://p:3128", "-L", "http://:8080").orElseThrow();

        assertThat(start.services()).containsExactly("tcp://:8000/a:1", "http://:8080");
        assertThat(start.nodes()).containsExactly("http://p:3128");
        assertThat(start.configFile()).isEmpty();
        assertThat(start.debug()).isFalse();
    }

    @Test
    void runTakesItsFileWithTheDebugFlagOnEitherSide() {
        for (String[] args : new String[][] {{"-D", "run", "app.yaml"}, {"run", "--debug", "app.yaml"}, {"run", "app.yaml", "-D"}}) {
            QuickStart start = QuickStart.recognise(args).orElseThrow();
            assertThat(start.configFile()).contains(Path.of("app.yaml"));
            assertThat(start.debug()).isTrue();
            assertThat(start.services()).isEmpty();
        }
    }

    @Test
    void configFileFlagIsTakenAlone() {
        assertThat(QuickStart.recognise("-C", "gost.conf").orElseThrow().configFile()).contains(Path.of("gost.conf"));
    }

    /** Each of these is picocli's to read: help, other commands and options, other spellings, mistakes. */
    @ParameterizedTest
    @ValueSource(strings = {
        "", "-h", "--help", "-V", "--version", "-D", "-F http://p:3128", "-L", "-L=http://:8080", "-Lhttp://:8080",
        "-L http://:8080 -O yaml", "-L http://:8080 --grace-period 1s", "-L http://:8080 --plugins /tmp",
        "-L http://:8080 -C gost.conf", "-C a.conf -C b.conf", "-C -", "-L -F", "-L @args.txt", "-L run",
        "-D -D -L http://:8080", "-L http://:8080 --", "-L http://:8080 extra", "-LD http://:8080",
        "run", "run a.yaml b.yaml", "run a.yaml -L http://:8080", "run -h", "-L http://:8080 run a.yaml",
        "check -L http://:8080", "plugins", "run run", "-C gost.conf run a.yaml"})
    void leavesEverythingElseToPicocli(String commandLine) {
        String[] args = commandLine.isEmpty() ? new String[0] : commandLine.split(" ");

        assertThat(QuickStart.recognise(args)).isEmpty();
    }

    @Test
    void anEmptyValueIsLeftToPicocli() {
        assertThat(QuickStart.recognise("-L", "")).isEmpty();
    }

    @Test
    void badServiceUrlIsReportedAsPicocliReportsIt() {
        assertSameFailureAsPicocli("-L", "tcp://127.0.0.1:notaport/127.0.0.1:9");
    }

    @Test
    void missingConfigFileIsReportedAsPicocliReportsIt(@TempDir Path dir) {
        assertSameFailureAsPicocli("run", dir.resolve("missing.yaml").toString());
    }

    @Test
    void configSyntaxErrorIsReportedAsPicocliReportsIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.conf");
        Files.writeString(file, "services = [\n  { name = a, addr = \":1\" \n");

        assertSameFailureAsPicocli("-C", file.toString());
    }

    private static void assertSameFailureAsPicocli(String... args) {
        StringWriter picocliErr = new StringWriter();
        CommandLine commandLine = GostCommand.commandLine();
        commandLine.setErr(new PrintWriter(picocliErr, true));
        int picocliExit = commandLine.execute(args);

        StringWriter quickErr = new StringWriter();
        Optional<QuickStart> start = QuickStart.recognise(args);
        assertThat(start).isPresent();
        int quickExit = start.orElseThrow().start(new PrintWriter(quickErr, true));

        assertThat(picocliExit).isEqualTo(2);
        assertThat(quickExit).isEqualTo(picocliExit);
        assertThat(quickErr.toString()).startsWith("gost: ").isEqualTo(picocliErr.toString());
    }
}
