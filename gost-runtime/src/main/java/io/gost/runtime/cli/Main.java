package io.gost.runtime.cli;

/**
 * The {@code gost} command: reads the command line, sets the log level it asks for ({@code -D},
 * {@code -DD}) before anything logs, and runs the command. Netty's machine id is chosen first, before any
 * Netty class reads it ({@link NettyMachineId}).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int exitCode = run(args);
        if (exitCode != GostCommand.KEEP_RUNNING) {
            System.exit(exitCode);
        }
    }

    /** Runs the command and returns its exit code, or {@link GostCommand#KEEP_RUNNING} when serving. */
    public static int run(String... args) {
        NettyMachineId.chooseUnlessSet();
        return GostCommand.commandLine(level -> System.setProperty("gost.log.level", level)).execute(args);
    }
}
