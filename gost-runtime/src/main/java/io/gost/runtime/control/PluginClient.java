package io.gost.runtime.control;

import com.typesafe.config.Config;
import io.gost.runtime.config.ControlPlugin;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * One control object's plugin (GOST's {@code plugin} block), whatever protocol it speaks: the question is a JSON
 * object with GOST's HTTP plugin field names, the answer a JSON object with GOST's HTTP plugin answer fields. The
 * {@code http} type posts it as it is; other types (GOST's {@code grpc}) translate it to their own messages and
 * back, so the control objects (authers, admissions, bypasses, hosts, resolvers, limiters) do not care which.
 */
public interface PluginClient extends AutoCloseable {

    /** What a plugin is asked about; each has its own request and answer (GOST's plugin protocols). */
    enum Kind { AUTHER, ADMISSION, BYPASS, HOSTS, RESOLVER, LIMITER }

    /**
     * Asks the plugin and completes with its answer; fails (and logs why, once per kind of failure until the
     * plugin answers again) when it cannot be asked. Completes on the client's own threads: callers hop back to
     * their event loop.
     *
     * @param json        the question, a JSON object (see {@link HttpPluginClient#object})
     * @param consequence what a failure means, for the log line: {@code "refusing the client"}
     */
    CompletableFuture<Config> post(String json, String consequence);

    /** Where the plugin is, as configured ({@code addr}), for messages. */
    String address();

    /**
     * Lets go of what the client holds (a gRPC channel and its connection); questions asked afterwards fail.
     * Called when its control object is replaced or removed (a reload, the web API) and at stop.
     */
    @Override
    default void close() {
    }

    /**
     * The client for {@code plugin}, by its type: {@code http} is the runtime's own; any other is asked of the
     * {@link PluginClientProvider}s on the module path or in the distribution's {@code lib/grpc/} ({@code grpc}:
     * gost-plugin-grpc-control).
     *
     * @param kind  what it is asked about
     * @param owner the control object, for messages: {@code "admission admission-0"}
     * @throws IllegalArgumentException for a type gost-java does not speak (the planner refuses those first)
     */
    static PluginClient of(Kind kind, String owner, ControlPlugin plugin) {
        if (plugin.type().equals("http")) {
            return new HttpPluginClient(owner, plugin);
        }
        for (PluginClientProvider provider : Providers.ALL) {
            if (provider.type().equals(plugin.type())) {
                return provider.create(kind, owner, plugin);
            }
        }
        throw new IllegalArgumentException(owner + ": plugin type '" + plugin.type() + "' is not supported"
                + (plugin.type().equals("grpc") ? ": its module, gost-plugin-grpc-control (lib/ of the distribution),"
                + " is neither on the module path nor in lib/grpc/" : ""));
    }

    /** The types a provider on the module path speaks besides {@code http}, lower case. */
    static List<String> providedTypes() {
        return Providers.ALL.stream().map(PluginClientProvider::type).toList();
    }

    /**
     * The providers, looked up once, at the first plugin of another type than http (so lazily): those on the module
     * path, else those in the distribution's {@code lib/grpc/}. gRPC's two dozen jars live there, off the module
     * path, because resolving them at every start cost about 0.13 s of gost's start-up even when no plugin used
     * them; they become a module layer above gost's own only when a plugin asks for them.
     */
    final class Providers {
        static final List<PluginClientProvider> ALL = load();

        private Providers() {
        }

        private static List<PluginClientProvider> load() {
            List<PluginClientProvider> onModulePath = ServiceLoader.load(PluginClientProvider.class).stream()
                    .map(ServiceLoader.Provider::get).toList();
            if (!onModulePath.isEmpty()) {
                return onModulePath;
            }
            String home = System.getProperty("gost.home");
            Path directory = home == null || home.isBlank() ? null : Path.of(home, "lib", "grpc");
            if (directory == null || !Files.isDirectory(directory)) {
                return List.of();
            }
            Module runtime = PluginClient.class.getModule();
            ModuleLayer parent = runtime.getLayer() == null ? ModuleLayer.boot() : runtime.getLayer();
            ModuleFinder finder = ModuleFinder.of(directory);
            Set<String> roots = finder.findAll().stream().map(reference -> reference.descriptor().name())
                    .collect(Collectors.toSet());
            Configuration configuration = parent.configuration().resolve(finder, ModuleFinder.of(), roots);
            ModuleLayer layer = parent.defineModulesWithOneLoader(configuration,
                    ClassLoader.getSystemClassLoader());
            // This package is exported to the gRPC module by name, which a layer made after the boot layer does
            // not get by itself: only this module can add the export, so it does, for each module of the layer.
            if (runtime.isNamed()) {
                layer.modules().forEach(module -> runtime.addExports(PluginClient.class.getPackageName(), module));
            }
            return ServiceLoader.load(layer, PluginClientProvider.class).stream()
                    .map(ServiceLoader.Provider::get).toList();
        }
    }
}
