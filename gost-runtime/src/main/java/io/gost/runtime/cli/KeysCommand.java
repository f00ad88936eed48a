package io.gost.runtime.cli;

import io.gost.runtime.config.GostKeys;
import io.gost.runtime.plan.KeyTable;
import java.io.PrintWriter;

/** {@code gost keys}: every key of GOST's configuration and what this gost, with its plugins, does with it. */
final class KeysCommand extends GostCommand.Command {

    KeysCommand() {
        super("keys", "Print every key of GOST's configuration with its status here (Markdown):"
                + " supported, not yet (refused), or no such plugin.");
        spec.addOption(GostCommand.help()).addOption(GostCommand.plugins());
    }

    @Override
    public Integer call() {
        PluginOptions.Loaded loaded = pluginOptions().load();
        PrintWriter out = out();
        out.print(KeyTable.markdown(GostKeys.shipped(), loaded.registry()));
        out.flush();
        return GostCommand.OK;
    }
}
