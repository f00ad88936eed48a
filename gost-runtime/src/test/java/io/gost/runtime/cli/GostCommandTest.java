package io.gost.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line as a shell user meets it: exit codes, and messages on stdout/stderr. */
class GostCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    /** The log levels the command line asked for, in order. */
    private final List<String> logLevels = new ArrayList<>();

    /** Runs the line as bin/gost does: with the model {@link GostCommand#commandLine(java.util.function.Consumer, String...)} picks. */
    private int run(String... args) {
        return run(GostCommand.commandLine(logLevels::add, args), args);
    }

    private int run(CommandLine commandLine, String... args) {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-L tcp://127.0.0.1:8000/127.0.0.1:9 -O yaml",
        "-L tcp://127.0.0.1:8000/127.0.0.1:9 -F http://127.0.0.1:3128 -O json -D",
        "-L",
        "-L tcp://:8000/127.0.0.1:9 extra",
        "-L tcp://:8000/127.0.0.1:9 rn",
        "-L tcp://:8000/127.0.0.1:9 -D -D",
        "-L tcp://:8000/127.0.0.1:9 --frobnicate",
        "-L tcp://:8000/127.0.0.1:9 -O xml",
        "-L notascheme -O yaml",
        "-C /nonexistent/gost.yaml -O yaml",
        "-L tcp://:8000/127.0.0.1:9 -V",
    })
    void aServingLineReadWithoutTheSubcommandsGivesWhatTheWholeModelGives(String line) {
        String[] args = line.split(" ");
        assertThat(GostCommand.needsSubcommands(args)).isFalse();
        int lean = run(args);
        String leanOut = out.toString();
        String leanErr = err.toString();
        List<String> leanLevels = List.copyOf(logLevels);
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        logLevels.clear();

        int whole = run(GostCommand.commandLine(logLevels::add), args);

        assertThat(lean).isEqualTo(whole);
        assertThat(leanOut).isEqualTo(out.toString());
        assertThat(leanErr).isEqualTo(err.toString());
        assertThat(leanLevels).isEqualTo(logLevels);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "run app.yaml",
        "-D run app.yaml",
        "check -L tcp://:8000/127.0.0.1:9",
        "-L tcp://:8000/127.0.0.1:9 --help",
        "-L tcp://:8000/127.0.0.1:9 -h",
        "@gost.args",
        "plugins",
        "keys",
        "-V",
        "-O yaml",
        "''",
    })
    void everyOtherLineIsReadWithTheWholeModel(String line) {
        assertThat(GostCommand.needsSubcommands(line.isEmpty() ? new String[0] : line.split(" "))).isTrue();
    }

    @Test
    void versionPrintsTheProjectVersion() {
        assertThat(run("-V")).isZero();
        assertThat(out.toString()).startsWith("gost ").doesNotContain("unknown").contains("gost-java");
    }

    @Test
    void helpListsGostsFlagsAndTheSubcommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("-L=URL", "-F=URL", "-C=FILE", "-O=FORMAT", "run", "check", "plugins");
    }

    @Test
    void anUnknownFlagIsAUsageError() {
        assertThat(run("--frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("gost: Unknown option: '--frobnicate'").contains("Try 'gost --help'.");
    }

    @Test
    void noServicesPrintsUsageAndFails() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("Usage: gost");
    }

    @Test
    void checkPrintsThePlanOfACommandLine() {
        assertThat(run("check", "-L", "tcp://:8000/127.0.0.1:9000,127.0.0.1:9001", "-F", "http://127.0.0.1:3128"))
                .isZero();
        assertThat(out.toString())
                .contains("service service-0 (-L 'tcp://:8000/127.0.0.1:9000,127.0.0.1:9001')")
                .contains("listener tcp from io.gost.plugin.tcp")
                .contains("backlog=4096 (default); keepalive=true (default)")
                .contains("forward  to target-0 127.0.0.1:9000\n           target-1 127.0.0.1:9001")
                .contains("dial     through chain chain-0; timeout 15s (default); retries 0")
                .contains("hop hop-0: selector round, maxFails 1, failTimeout 10s")
                .contains("configuration OK: 1 service(s), 1 chain(s)");
    }

    @Test
    void checkWarnsAboutAMetadataKeyNoPluginReadsWithTheNearestOne() {
        assertThat(run("check", "-L", "tcp://:8000/127.0.0.1:9000?backlogg=64")).isZero();
        assertThat(err.toString()).contains("gost: warning: -L 'tcp://:8000/127.0.0.1:9000?backlogg=64': ?backlogg:"
                + " metadata 'backlogg' is not an option of any part of service service-0; did you mean 'backlog'?");
    }

    @Test
    void checkReportsEveryProblemWithWhereItIs(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, """
                services:
                - name: web
                  addr: :8080
                  handler:
                    type: htp
                    chain: missing
                - name: fwd
                  addr: :8000
                  handler:
                    type: tcp
                  forwarder:
                    nodes:
                    - name: target-0
                      addr: 127.0.0.1:9000
                  metadata:
                    netns: a/b
                """);

        assertThat(run("check", file.toString())).isEqualTo(2);

        assertThat(err.toString())
                .contains("gost: the configuration has 3 problems:")
                .contains("app.yaml:4: services[0].handler.type: unknown handler type 'htp'; handler types here:")
                .contains("app.yaml:4: services[0].handler.chain: no chain named 'missing' in chains")
                .contains("app.yaml:16: services[1].metadata.netns: network namespace 'a/b' is neither a name");
    }

    @Test
    void aConfigSyntaxErrorNamesTheFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.conf");
        Files.writeString(file, "services = [\n  { name = a, addr = \":1\" \n");

        assertThat(run("check", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("broken.conf:");
    }

    @Test
    void outputFormatPrintsTheConfigurationACommandLineMakes() {
        assertThat(run("-L", "http://user:pass@:8080", "-O", "yaml")).isZero();
        assertThat(out.toString()).contains("services:", "type: http", "username: user");
    }

    @Test
    void servicesAndChainHopsAreTakenInOrder() {
        assertThat(run("-L", "tcp://:8000/127.0.0.1:9000", "-F", "http://127.0.0.1:3128", "-L", "http://:8080", "-O", "json")).isZero();

        assertThat(out.toString()).containsSubsequence("\"addr\": \":8000\"", "\"addr\": \":8080\"")
                .contains("127.0.0.1:3128");
    }

    /** GOST's -D and -DD; -DD wins when both are given, as in GOST. */
    @ParameterizedTest
    @CsvSource({
        "'-D -L http://:1 -O yaml', debug",
        "'--debug -L http://:1 -O yaml', debug",
        "'-DD -L http://:1 -O yaml', trace",
        "'-L http://:1 -DD -O yaml', trace",
        "'--trace -L http://:1 -O yaml', trace",
        "'-D -DD -L http://:1 -O yaml', trace",
        "'-L http://:1 -O yaml', ''"})
    void debugAndTraceFlagsSetTheLogLevel(String commandLine, String level) {
        assertThat(run(commandLine.split(" "))).as(err::toString).isZero();

        assertThat(logLevels).isEqualTo(level.isEmpty() ? List.of() : List.of(level));
    }

    /** The level is set before the command runs, so before a configuration file is even read. */
    @ParameterizedTest
    @CsvSource({
        "'-DD run FILE', trace",
        "'run -DD FILE', trace",
        "'run FILE -DD', trace",
        "'-D run FILE', debug",
        "'run --debug FILE', debug",
        "'-D run -DD FILE', trace",
        "'check -DD FILE', trace",
        "'-DD check FILE', trace",
        "'-DD -C FILE', trace"})
    void debugAndTraceFlagsWorkBeforeAndAfterTheCommand(String commandLine, String level, @TempDir Path dir) {
        String missing = dir.resolve("missing.yaml").toString();

        assertThat(run(commandLine.replace("FILE", missing).split(" "))).isEqualTo(2);

        assertThat(logLevels).containsExactly(level);
        assertThat(err.toString()).contains("missing.yaml").contains("\tat "); // -D and -DD: the stack trace too
    }

    @Test
    void aRepeatedDebugFlagIsAUsageError() {
        assertThat(run("-D", "-D", "-L", "http://:1")).isEqualTo(2);
        assertThat(err.toString()).startsWith("gost: option '--debug' should be specified only once")
                .contains("Try 'gost --help'.");
        assertThat(logLevels).isEmpty();
    }

    @Test
    void runWithoutAFileIsAUsageError() {
        assertThat(run("run")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("gost: Missing required parameter: 'FILE'" + System.lineSeparator()
                + "Try 'gost --help'." + System.lineSeparator());
    }

    @Test
    void pluginsListsEveryKindWithItsModule() {
        assertThat(run("plugins")).isZero();
        assertThat(out.toString())
                .containsPattern("listener\\s+tcp\\s+io.gost.plugin.tcp")
                .containsPattern("handler\\s+http\\s+io.gost.plugin.http")
                .containsPattern("connector\\s+http\\s+io.gost.plugin.http")
                .containsPattern("dialer\\s+tcp\\s+io.gost.plugin.tcp");
    }
}
