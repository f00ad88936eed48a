package io.gost.runtime.cli;

import java.util.Optional;

/**
 * The {@code gost} command. Kept apart from {@link GostCommand} so that nothing touches logging before
 * the flags that configure it ({@code -D}) have been read, and so that a start that {@link QuickStart}
 * recognises does not load picocli at all.
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
        boolean debug = false;
        for (String arg : args) {
            if (arg.equals("-D") || arg.equals("--debug")) {
                debug = true;
            }
        }
        if (debug) {
            System.setProperty("gost.log.level", "debug");
        }
        Optional<QuickStart> quickStart = QuickStart.recognise(args);
        if (quickStart.isPresent()) {
            return quickStart.get().start();
        }
        return GostCommand.execute(args);
    }
}
