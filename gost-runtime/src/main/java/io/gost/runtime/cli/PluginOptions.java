package io.gost.runtime.cli;

import io.gost.api.NetnsProvider;
import io.gost.runtime.netns.NetnsProviders;
import io.gost.runtime.registry.PluginLayers;
import io.gost.runtime.registry.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Where third-party plugin jars come from: {@code $GOST_HOME/plugins}, each directory in
 * {@code GOST_PLUGINS} (colon-separated) and each {@code --plugins DIR}, loaded as one module layer above
 * the boot layer.
 */
final class PluginOptions {

    private static final Logger LOGGER = LoggerFactory.getLogger(PluginOptions.class);

    @Option(names = "--plugins", paramLabel = "DIR", description = "also load plugin jars from DIR (repeatable)")
    List<Path> directories = new ArrayList<>();

    /** Directories given before the subcommand ({@code gost --plugins DIR plugins}) count too. */
    PluginOptions with(PluginOptions parent) {
        PluginOptions merged = new PluginOptions();
        merged.directories.addAll(parent.directories);
        merged.directories.addAll(directories);
        return merged;
    }

    /** The loaded plugins: their layer, the registry over it, and every jar that was refused. */
    record Loaded(PluginLayers.Result layers, PluginRegistry registry, List<String> problems) {

        NetnsProvider netnsProvider(String configured) {
            return NetnsProviders.select(configured, layers.layer(), ClassLoader.getSystemClassLoader());
        }
    }

    Loaded load() {
        List<Path> searched = new ArrayList<>();
        String home = System.getProperty("gost.home");
        if (home != null && !home.isBlank()) {
            searched.add(Path.of(home, "plugins"));
        }
        String fromEnvironment = System.getenv("GOST_PLUGINS");
        if (fromEnvironment != null) {
            for (String directory : fromEnvironment.split(":")) {
                if (!directory.isBlank()) {
                    searched.add(Path.of(directory));
                }
            }
        }
        for (Path directory : directories) {
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException("--plugins " + directory + ": no such directory");
            }
            searched.add(directory);
        }
        PluginLayers.Result layers = PluginLayers.load(searched, ModuleLayer.boot());
        PluginRegistry registry = PluginRegistry.load(layers, ClassLoader.getSystemClassLoader());
        return new Loaded(layers, registry, registry.problems());
    }

    /**
     * Loads the plugins, warning about each one that could not be loaded. The others work: only a service
     * that needs a type nobody else provides fails, and its error names the plugins that were not loaded.
     */
    Loaded loadAll() {
        Loaded loaded = load();
        loaded.problems().forEach(problem -> LOGGER.warn("plugin not loaded (the others are): {}", problem));
        return loaded;
    }
}
