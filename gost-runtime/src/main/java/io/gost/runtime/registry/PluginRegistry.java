package io.gost.runtime.registry;

import io.gost.api.ConnectorFactory;
import io.gost.api.DialerFactory;
import io.gost.api.HandlerFactory;
import io.gost.api.ListenerFactory;
import io.gost.api.PluginFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every listener, handler, dialer and connector type, found once with {@link ServiceLoader}.
 *
 * <p>A type claimed twice (by two plugins, or by a plugin's type and another's alias) is an error naming
 * both sources, as is asking for an unknown type, which lists the known ones.
 *
 * <p>A plugin that could not be loaded (a rejected jar, a factory that fails) does not stop the others: it is
 * reported in {@link #problems()}, and asking for a type that no loaded plugin has names every unloaded
 * plugin that provides (or may provide) that kind of type, with why it was not loaded.
 */
public final class PluginRegistry {

    private final Map<PluginKind, Map<String, PluginEntry>> entries;
    private final List<String> problems;
    private final Map<PluginKind, List<String>> unavailable;

    private PluginRegistry(Map<PluginKind, Map<String, PluginEntry>> entries, List<String> problems,
                           Map<PluginKind, List<String>> unavailable) {
        this.entries = entries;
        this.problems = List.copyOf(problems);
        this.unavailable = unavailable;
    }

    /** The plugins visible to this module: the boot layer (and the class path, when run from there). */
    public static PluginRegistry load() {
        return load(ModuleLayer.boot(), PluginRegistry.class.getClassLoader());
    }

    /**
     * The plugins in {@code layer} and its parents, plus those on the class path of {@code classLoader}
     * (for jars that are not modules, as in unit tests).
     */
    public static PluginRegistry load(ModuleLayer layer, ClassLoader classLoader) {
        return load(layer, classLoader, new Builder());
    }

    /**
     * The plugins {@link PluginLayers#load} loaded (with those of the layers below and the class path of
     * {@code classLoader}), knowing the jars it rejected: they are among {@link #problems()}, and an unknown
     * type of a kind a rejected jar provides names that jar and why it was not loaded.
     */
    public static PluginRegistry load(PluginLayers.Result plugins, ClassLoader classLoader) {
        Builder builder = new Builder();
        for (PluginLayers.RejectedJar rejected : plugins.rejected()) {
            builder.problems.add(rejected.problem());
            for (PluginKind kind : PluginKind.values()) {
                if (rejected.mayProvide(kind.factoryType())) {
                    builder.unavailable(kind, rejected.problem());
                }
            }
        }
        return load(plugins.layer(), classLoader, builder);
    }

    private static PluginRegistry load(ModuleLayer layer, ClassLoader classLoader, Builder builder) {
        for (PluginKind kind : PluginKind.values()) {
            List<ServiceLoader.Provider<? extends PluginFactory>> found = new ArrayList<>();
            ServiceLoader.load(layer, kind.factoryType()).stream().forEach(found::add);
            ServiceLoader.load(kind.factoryType(), classLoader).stream().forEach(provider -> {
                boolean seen = found.stream().anyMatch(known -> known.type() == provider.type());
                if (!seen) {
                    found.add(provider);
                }
            });
            for (ServiceLoader.Provider<? extends PluginFactory> provider : found) {
                String source = describeSource(provider.type());
                try {
                    builder.add(kind, provider.get(), source);
                } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                    // One broken plugin must not hide the others from `gost plugins`, nor stop their services.
                    String problem = source + ": " + kind.label() + " factory " + provider.type().getName()
                            + " is unusable (" + describeFailure(e) + "); fix or remove that jar";
                    builder.problems.add(problem);
                    builder.unavailable(kind, problem);
                }
            }
        }
        return builder.build();
    }

    private static String describeFailure(Throwable e) {
        Throwable root = e instanceof ServiceConfigurationError && e.getCause() != null ? e.getCause() : e;
        return root.getMessage() == null ? root.getClass().getName() : root.getClass().getSimpleName() + ": "
                + root.getMessage();
    }

    /**
     * Plugins that could not be used: jars that were not loaded (when loaded from a
     * {@link PluginLayers.Result}) and factories whose constructor or {@code type()} failed, one message each
     * naming the jar; empty when all were usable. The other plugins work regardless.
     */
    public List<String> problems() {
        return problems;
    }

    /** A registry of exactly these factories, for tests. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where a class came from, as {@code gost plugins} shows it: module name and jar. */
    public static String describeSource(Class<?> type) {
        Module module = type.getModule();
        String name = module.isNamed() ? module.getName() : "class path";
        String location = Optional.ofNullable(type.getProtectionDomain().getCodeSource())
                .map(source -> source.getLocation())
                .map(url -> {
                    try {
                        URI uri = url.toURI();
                        String path = uri.getPath();
                        return path == null ? url.toString() : path.substring(path.lastIndexOf('/', path.length() - 2) + 1);
                    } catch (Exception e) {
                        return url.toString();
                    }
                })
                .orElse("?");
        return name + " (" + location + ")";
    }

    /** The listener factory for {@code type}. */
    public ListenerFactory listener(String type) {
        return (ListenerFactory) require(PluginKind.LISTENER, type).factory();
    }

    /** The handler factory for {@code type}. */
    public HandlerFactory handler(String type) {
        return (HandlerFactory) require(PluginKind.HANDLER, type).factory();
    }

    /** The dialer factory for {@code type}. */
    public DialerFactory dialer(String type) {
        return (DialerFactory) require(PluginKind.DIALER, type).factory();
    }

    /** The connector factory for {@code type}. */
    public ConnectorFactory connector(String type) {
        return (ConnectorFactory) require(PluginKind.CONNECTOR, type).factory();
    }

    /** True when {@code type} is registered for {@code kind}. */
    public boolean has(PluginKind kind, String type) {
        return entries.get(kind).containsKey(normalize(type));
    }

    /** The entry for {@code type}, or an {@link UnknownPluginException} listing the known types. */
    public PluginEntry require(PluginKind kind, String type) {
        PluginEntry entry = entries.get(kind).get(normalize(type));
        if (entry == null) {
            throw new UnknownPluginException(kind, type, knownTypes(kind), unavailable.get(kind));
        }
        return entry;
    }

    /**
     * The message for an unknown {@code type}: what was asked, every known type of that kind, and the
     * plugins of that kind that could not be loaded, which may be the ones that have it.
     */
    public String knownTypesMessage(PluginKind kind, String type) {
        return new UnknownPluginException(kind, type, knownTypes(kind), unavailable.get(kind)).getMessage();
    }

    /**
     * For a message about a type of {@code kind} that no loaded plugin has: the plugins of that kind that could
     * not be loaded and why, as {@code "; a plugin with handler types could not be loaded and may be the one
     * that has it: plugins/foo.jar ..."}; empty when every plugin of that kind loaded.
     */
    public String unloadedPluginsNote(PluginKind kind) {
        return UnknownPluginException.unavailable(kind, unavailable.get(kind));
    }

    /** Known types of {@code kind}, sorted, aliases included. */
    public List<String> knownTypes(PluginKind kind) {
        return List.copyOf(entries.get(kind).keySet());
    }

    /** All entries of {@code kind}, sorted by type. */
    public List<PluginEntry> entries(PluginKind kind) {
        return List.copyOf(entries.get(kind).values());
    }

    private static String normalize(String type) {
        return type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
    }

    /** Collects factories and rejects duplicate type names. */
    public static final class Builder {
        private final Map<PluginKind, Map<String, PluginEntry>> entries = new EnumMap<>(PluginKind.class);
        private final List<String> conflicts = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private final Map<PluginKind, List<String>> unavailable = new EnumMap<>(PluginKind.class);

        private Builder() {
            for (PluginKind kind : PluginKind.values()) {
                entries.put(kind, new TreeMap<>());
                unavailable.put(kind, new ArrayList<>());
            }
        }

        /**
         * Records a plugin that provides (or may provide) types of {@code kind} but could not be loaded,
         * {@code problem} naming it and why; an unknown type of that kind mentions it.
         */
        public Builder unavailable(PluginKind kind, String problem) {
            unavailable.get(kind).add(problem);
            return this;
        }

        /** Adds a factory under its type and aliases. */
        public Builder add(PluginKind kind, PluginFactory factory, String source) {
            if (!kind.factoryType().isInstance(factory)) {
                throw new IllegalArgumentException(factory.getClass().getName() + " is not a " + kind.label() + " factory");
            }
            put(kind, factory.type(), factory, source, false);
            for (String alias : factory.aliases()) {
                put(kind, alias, factory, source, true);
            }
            return this;
        }

        private void put(PluginKind kind, String type, PluginFactory factory, String source, boolean alias) {
            String key = normalize(type);
            PluginEntry existing = entries.get(kind).get(key);
            if (existing != null) {
                if (existing.factory().getClass() != factory.getClass()) {
                    conflicts.add(kind.label() + " type '" + key + "' is provided twice: by " + existing.source()
                            + " and by " + source + "; remove one of the two plugins");
                }
                return;
            }
            entries.get(kind).put(key, new PluginEntry(kind, key, factory, source, alias));
        }

        /** The registry; fails when any type was claimed twice. */
        public PluginRegistry build() {
            if (!conflicts.isEmpty()) {
                throw new PluginConflictException(conflicts);
            }
            Map<PluginKind, Map<String, PluginEntry>> frozen = new EnumMap<>(PluginKind.class);
            entries.forEach((kind, map) -> frozen.put(kind, Collections.unmodifiableMap(new TreeMap<>(map))));
            Map<PluginKind, List<String>> frozenUnavailable = new EnumMap<>(PluginKind.class);
            unavailable.forEach((kind, list) -> frozenUnavailable.put(kind, List.copyOf(list)));
            return new PluginRegistry(frozen, problems, frozenUnavailable);
        }
    }

    /** Asking for a type nobody provides. */
    public static final class UnknownPluginException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnknownPluginException(PluginKind kind, String type, List<String> known, List<String> unavailable) {
            super("unknown " + kind.label() + " type '" + type + "'; known " + kind.label() + " types: "
                    + (known.isEmpty() ? "(none)" : String.join(", ", known))
                    + " (`gost plugins` shows where each comes from)" + unavailable(kind, unavailable));
        }

        static String unavailable(PluginKind kind, List<String> unavailable) {
            if (unavailable.isEmpty()) {
                return "";
            }
            return unavailable.size() == 1
                    ? "; a plugin with " + kind.label() + " types could not be loaded and may be the one that has it: "
                            + unavailable.get(0)
                    : "; plugins with " + kind.label() + " types could not be loaded and may have it: "
                            + String.join("; ", unavailable);
        }
    }

    /** Two plugins claiming one type. */
    public static final class PluginConflictException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PluginConflictException(List<String> conflicts) {
            super(conflicts.stream().collect(Collectors.joining(System.lineSeparator())));
        }
    }
}
