package io.gost.runtime.cli;

import io.gost.api.NetnsProvider;
import io.gost.runtime.netns.NetnsProviders;
import io.gost.runtime.registry.PluginLayers;
import io.gost.runtime.registry.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        PluginRegistry registry = PluginRegistry.load(layers.layer(), ClassLoader.getSystemClassLoader());
        List<String> problems = new ArrayList<>(layers.problems());
        problems.addAll(registry.problems());
        return new Loaded(layers, registry, List.copyOf(problems));
    }

    /** Loads the plugins and refuses to go on when a jar was refused: a service may need it. */
    Loaded loadAll() {
        Loaded loaded = load();
        if (!loaded.problems().isEmpty()) {
            throw new IllegalStateException("some plugins could not be loaded (`gost plugins` lists them):"
                    + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", loaded.problems()));
        }
        return loaded;
    }
}
