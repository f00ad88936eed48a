package io.gost.runtime.cli;

import java.util.ArrayList;
import java.util.List;

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
        java.util.function.Consumer<String> logLevel = level -> System.setProperty("gost.log.level", level);
        List<List<String>> groups = groups(args);
        if (groups.size() > 1) {
            return GostCommand.executeGroups(groups, logLevel);
        }
        return GostCommand.commandLine(logLevel, args).execute(args);
    }

    /** The arguments split at GOST's group separator {@code --}: one group when there is none. */
    static List<List<String>> groups(String... args) {
        List<List<String>> groups = new ArrayList<>();
        List<String> group = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--")) {
                groups.add(group);
                group = new ArrayList<>();
            } else {
                group.add(arg);
            }
        }
        groups.add(group);
        return groups;
    }
}
