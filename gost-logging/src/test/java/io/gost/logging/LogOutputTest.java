package io.gost.logging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.gost.runtime.config.LogConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GOST's {@code log.output} and {@code log.rotation}: where lines go, how a file is rotated and pruned, and
 * that a reopen (SIGUSR1, after logrotate moved the file) writes to a new file at the configured path.
 */
class LogOutputTest {

    @TempDir
    Path directory;

    @Test
    void aFileOutputCreatesItsDirectoriesAndAppends() throws IOException {
        Path file = directory.resolve("logs/sub/gost.log");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "an earlier line\n");

        log(settings(file.toString(), null), context -> context.getLogger("io.gost.runtime.GostRuntime").info("to the file"));

        assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("an earlier line");
        assertThat(Files.readAllLines(file).get(1)).endsWith("i.g.r.GostRuntime to the file");
    }

    @Test
    void connectionLinesGoToTheSameFile() throws IOException {
        Path file = directory.resolve("gost.log");

        log(settings(file.toString(), null), context -> {
            context.getLogger("io.gost.runtime.GostRuntime").info("service line");
            context.getLogger("gost.connection").info("service=web sid=1-web");
        });

        assertThat(Files.readAllLines(file)).satisfiesExactly(
                line -> assertThat(line).endsWith("service line"),
                line -> assertThat(line).endsWith("service=web sid=1-web"));
    }

    @Test
    void stdoutAndNoneAreStreamsNotFiles() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, UTF_8));
        try {
            log(settings("stdout", null), context -> context.getLogger("x").info("on stdout"));
            log(settings("none", null), context -> context.getLogger("x").info("nowhere"));
        } finally {
            System.setOut(stdout);
        }
        assertThat(captured.toString(UTF_8)).contains("on stdout").doesNotContain("nowhere");
        assertThat(directory.resolve("none")).doesNotExist();
        assertThat(Path.of("none")).doesNotExist();
    }

    @Test
    void aFileIsRotatedAtMaxSizeIntoGostsBackupNamesAndPrunedToMaxBackups() throws IOException {
        Path file = directory.resolve("gost.log");
        String line = "x".repeat(1000);

        // 1 MB each; about 3.5 MB written: three rotations, of which maxBackups 2 are kept.
        log(settings(file.toString(), new LogSettings.Rotation(1, 0, 2, false, false)), context -> {
            for (int i = 0; i < 3_500; i++) {
                context.getLogger("x").info(line);
            }
        });

        List<Path> backups = backups("gost-*.log");
        assertThat(backups).hasSize(2).allSatisfy(backup -> assertThat(backup.getFileName().toString())
                .matches("gost-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3}\\.log"));
        assertThat(Files.size(file)).isLessThan(1024 * 1024);
    }

    @Test
    void compressGzipsRotatedFiles() throws IOException {
        Path file = directory.resolve("gost.log");

        log(settings(file.toString(), new LogSettings.Rotation(1, 0, 0, true, true)), context -> {
            for (int i = 0; i < 1_200; i++) {
                context.getLogger("x").info("y".repeat(1000));
            }
        });

        List<Path> backups = backups("gost-*.log.gz");
        assertThat(backups).hasSize(1);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(backups.get(0)))) {
            assertThat(new String(in.readAllBytes(), UTF_8)).contains("yyyy");
        }
    }

    @Test
    void aReopenWritesToANewFileAfterTheOldOneWasMovedAway() throws IOException {
        Path file = directory.resolve("gost.log");
        Path moved = directory.resolve("gost.log.1");
        LoggerContext context = new LoggerContext("reopen");
        try {
            context.start(new GostLogConfiguration(context, settings(file.toString(), null)));
            context.getLogger("x").info("before the move");
            Files.move(file, moved);
            GostLogConfiguration current = (GostLogConfiguration) context.getConfiguration();
            context.setConfiguration(new GostLogConfiguration(context, current.settings(), current.generation() + 1));
            context.getLogger("x").info("after the reopen");
        } finally {
            context.stop();
        }
        assertThat(Files.readString(moved)).contains("before the move").doesNotContain("after the reopen");
        assertThat(Files.readString(file)).contains("after the reopen");
    }

    @Test
    void theRuntimesLogSectionBecomesTheseSettings() {
        LogSettings settings = GostLogBackend.settings(new LogConfig("debug", "json", "/var/log/gost.log",
                new LogConfig.Rotation(10, 7, 3, true, true)), Level.INFO);

        assertThat(settings).isEqualTo(new LogSettings(Level.DEBUG, LogSettings.Format.JSON, Level.INFO,
                "/var/log/gost.log", new LogSettings.Rotation(10, 7, 3, true, true)));
    }

    private static LogSettings settings(String output, LogSettings.Rotation rotation) {
        return new LogSettings(Level.INFO, LogSettings.Format.TEXT, Level.INFO, output, rotation);
    }

    private List<Path> backups(String glob) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            java.nio.file.PathMatcher matcher = directory.getFileSystem().getPathMatcher("glob:" + glob);
            return files.filter(path -> matcher.matches(path.getFileName())).sorted().toList();
        }
    }

    private static void log(LogSettings settings, java.util.function.Consumer<LoggerContext> events) {
        LoggerContext context = new LoggerContext("log-output-test");
        try {
            context.start(new GostLogConfiguration(context, settings));
            events.accept(context);
        } finally {
            context.stop();
        }
    }
}
