package io.gost.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.YamlConfigLoader;
import io.gost.runtime.registry.PluginRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example of GOST's documentation (transcribed in {@code src/test/resources/gost-docs/}, each with the
 * page it comes from) either plans cleanly, with no key left unread, or is refused with an error that names
 * what is not supported. None is accepted with anything dropped silently: a metadata key that no part of a
 * service reads (the docs' own {@code foo=bar}) is accepted with a warning naming it, as for any user.
 *
 * <p>{@code EXPECTED.tsv} records each example's outcome, reviewed by hand; a change of outcome fails here so
 * that it is looked at. Run with {@code -Dgost.corpus.record=true} to rewrite it after a deliberate change.
 */
class GostDocsCorpusTest {

    private static final Path CORPUS = Path.of("src/test/resources/gost-docs");
    private static final Path EXPECTED = CORPUS.resolve("EXPECTED.tsv");
    private static final PluginRegistry REGISTRY = PluginRegistry.load();

    /**
     * The host the examples are planned on, so that their outcome does not depend on the machine: the
     * interfaces and addresses the docs' multi-homed examples name ({@code eth0}, {@code eth1},
     * {@code 192.168.0.1}, {@code 192.168.0.123}, {@code fd::1}).
     */
    static final HostInterfaces DOCS_HOST = new HostInterfaces() {
        @Override
        public boolean hasInterface(String name) {
            return List.of("lo", "eth0", "eth1").contains(name);
        }

        @Override
        public boolean hasAddress(byte[] ip) {
            String text = io.gost.runtime.match.IpAddress.format(ip);
            return List.of("127.0.0.1", "192.168.0.1", "192.168.0.123", "fd::1").contains(text);
        }
    };

    /** What happened to one example. */
    record Outcome(String kind, String detail) {

        /** Messages about relative file names say which directory they are relative to: not the same everywhere. */
        Outcome {
            detail = detail.replace(Path.of("").toAbsolutePath().toString(), "<working directory>");
        }

        static Outcome ok() {
            return new Outcome("ok", "");
        }

        @Override
        public String toString() {
            return detail.isEmpty() ? kind : kind + ": " + detail;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentedExampleRunsOrIsRefusedNamingWhatIsMissing() throws IOException {
        Map<String, String> expected = readExpected();
        return examples().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Outcome outcome = outcome(file);
            assertThat(outcome.toString()).as("%s (from %s)", file.getFileName(), page(file))
                    .isEqualTo(expected.get(file.getFileName().toString()));
        }));
    }

    @Test
    void theExpectationsCoverEveryExampleAndNothingElse() throws IOException {
        if (Boolean.getBoolean("gost.corpus.record")) {
            record();
        }
        List<String> files = examples().map(file -> file.getFileName().toString()).toList();
        assertThat(readExpected().keySet()).containsExactlyInAnyOrderElementsOf(files);
    }

    private static void record() throws IOException {
        StringBuilder text = new StringBuilder("# example\toutcome (written by GostDocsCorpusTest with"
                + " -Dgost.corpus.record=true, then reviewed)\n");
        for (Path file : examples().toList()) {
            text.append(file.getFileName()).append('\t').append(outcome(file)).append('\n');
        }
        Files.writeString(EXPECTED, text.toString(), StandardCharsets.UTF_8);
    }

    private static Map<String, String> readExpected() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        if (!Files.exists(EXPECTED)) {
            return expected;
        }
        for (String line : Files.readAllLines(EXPECTED, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            expected.put(line.substring(0, tab), line.substring(tab + 1));
        }
        return expected;
    }

    private static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(file -> file.toString().endsWith(".cmd") || file.toString().endsWith(".yaml"))
                    .sorted().toList().stream();
        }
    }

    private static String page(Path file) throws IOException {
        return Files.readAllLines(file).get(0).replaceFirst("^# page: ", "");
    }

    /** Plans the example as {@code gost} would, or says why it cannot be. */
    static Outcome outcome(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.lines().anyMatch(line -> line.startsWith("# fragment:"))) {
            return new Outcome("skip", "a fragment of a configuration, not a whole one");
        }
        try {
            GostConfig config = file.toString().endsWith(".yaml")
                    ? new YamlConfigLoader().parse(text, file.getFileName().toString())
                    : commandLine(text);
            if (config == null) {
                return new Outcome("skip", "reads a configuration file the page does not show");
            }
            Planner.Result result = Planner.plan(config, REGISTRY, DOCS_HOST);
            if (!result.problems().isEmpty()) {
                return new Outcome("error", result.problems().get(0));
            }
            if (!result.warnings().isEmpty()) {
                // Accepted, but a metadata key no part of the service reads is named (the docs' own foo=bar).
                return new Outcome("warning", result.warnings().get(0));
            }
            return Outcome.ok();
        } catch (ConfigException e) {
            return new Outcome("error", e.problems().get(0));
        } catch (UnsupportedFlag e) {
            return new Outcome("error", e.getMessage());
        }
    }

    /** A flag of GOST's command line that gost-java's {@code gost} refuses. */
    static final class UnsupportedFlag extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedFlag(String message) {
            super(message);
        }
    }

    /** The configuration of a {@code gost ...} line, or {@code null} when it reads a file not in the corpus. */
    private static GostConfig commandLine(String text) {
        // A command may go on over several lines ending in a backslash.
        String line = String.join(" ", text.lines().filter(candidate -> !candidate.startsWith("#")).toList())
                .replace("\\ ", " ").strip();
        List<String> words = new ArrayList<>();
        for (String word : ShellWords.split(line)) {
            // Go's flag package also takes -L=URL.
            if (word.matches("-[A-Za-z]+=.*")) {
                words.add(word.substring(0, word.indexOf('=')));
                words.add(word.substring(word.indexOf('=') + 1));
            } else {
                words.add(word);
            }
        }
        assertThat(words.get(0)).as(line).isEqualTo("gost");
        List<CommandLineParser.Group> groups = new ArrayList<>();
        List<String> services = new ArrayList<>();
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            switch (word) {
                case "-L" -> services.add(words.get(++i));
                case "-F" -> nodes.add(words.get(++i));
                case "-D", "-DD", "-V" -> {
                }
                case "-O" -> i++;
                case "-C" -> {
                    String value = words.get(++i);
                    if (!value.startsWith("{")) {
                        return null;
                    }
                    return io.gost.runtime.config.ConfigLoader.load(Path.of(value));
                }
                case "--" -> {
                    groups.add(new CommandLineParser.Group(services, nodes));
                    services = new ArrayList<>();
                    nodes = new ArrayList<>();
                }
                case "<" -> i++;
                // As bin/gost refuses them (GostCommand).
                case "-api", "-metrics", "-R" -> throw new UnsupportedFlag(word + " '" + words.get(++i) + "': "
                        + io.gost.runtime.config.Unsupported.message("the flag " + word, "ops"));
                default -> throw new UnsupportedFlag("Unmatched argument at index " + i + ": '" + word + "'");
            }
        }
        groups.add(new CommandLineParser.Group(services, nodes));
        return new CommandLineParser().parse(groups);
    }
}
