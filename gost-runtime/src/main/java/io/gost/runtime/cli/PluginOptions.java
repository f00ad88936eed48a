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

/**
 * Where third-party plugin jars come from: {@code $GOST_HOME/plugins}, each directory in
 * {@code GOST_PLUGINS} (colon-separated) and each {@code --plugins DIR}, loaded as one module layer above
 * the boot layer.
 */
final class PluginOptions {

    private final List<Path> directories;

    /** {@code directories}: those given with {@code --plugins}, in the order given. */
    PluginOptions(List<Path> directories) {
        this.directories = List.copyOf(directories);
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
        if (!loaded.problems().isEmpty()) {
            // Only here, not in a static field: this class is loaded before the configuration's log
            // section is applied, and the first logger starts the logging with whatever is set then.
            Logger logger = LoggerFactory.getLogger(PluginOptions.class);
            loaded.problems().forEach(problem -> logger.warn("plugin not loaded (the others are): {}", problem));
        }
        return loaded;
    }
}
