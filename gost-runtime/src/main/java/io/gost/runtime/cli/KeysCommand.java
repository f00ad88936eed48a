package io.gost.runtime.cli;

import io.gost.runtime.config.GostKeys;
import io.gost.runtime.plan.KeyTable;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gost keys}: every key of GOST's configuration and what this gost, with its plugins, does with it. */
@Command(name = "keys", description = "Print every key of GOST's configuration with its status here (Markdown):"
        + " supported, not yet (refused), or no such plugin.")
final class KeysCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @CommandLine.Mixin
    PluginOptions plugins = new PluginOptions();

    @CommandLine.ParentCommand
    GostCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PluginOptions.Loaded loaded = plugins.with(parent.plugins).load();
        PrintWriter out = spec.commandLine().getOut();
        out.print(KeyTable.markdown(GostKeys.shipped(), loaded.registry()));
        out.flush();
        return GostCommand.OK;
    }
}
