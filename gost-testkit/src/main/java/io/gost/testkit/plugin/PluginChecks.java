package io.gost.testkit.plugin;

import io.gost.api.ConnectorFactory;
import io.gost.api.DialerFactory;
import io.gost.api.HandlerFactory;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.PluginFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The checks every plugin jar must pass, for a plugin's own tests to call. Each fails with an
 * {@link AssertionError} saying what is wrong, so they work under any test framework:
 *
 * <pre>{@code
 * @ParameterizedTest
 * @ValueSource(strings = {"socks4", "socks4a"})
 * void handlerIsFoundByNameAndCloses(String name) throws Exception {
 *     PluginChecks.assertFoundByNameAndCloses(HandlerFactory.class, name);
 * }
 *
 * @Test
 * void moduleInfoAndMetaInfServicesAgree() throws IOException {
 *     PluginChecks.assertModuleInfoMatchesMetaInfServices(PluginChecks.moduleDirectory());
 * }
 * }</pre>
 *
 * <p>The factories are looked up the way gost does it, with {@link ServiceLoader}, from this class: run with
 * the plugin on the module path (surefire's default for a modular project), that exercises the module
 * descriptor's {@code provides}; on the class path, its {@code META-INF/services} files. This class is on the
 * class path in both runs, and an unnamed module may use any service, so the plugin's module need not
 * declare {@code uses}.
 */
public final class PluginChecks {

    private static final Pattern PROVIDES = Pattern.compile("provides\\s+([\\w.]+)\\s+with\\s+([\\w.,\\s]+);");
    private static final List<Class<? extends PluginFactory>> SPIS =
            List.of(ListenerFactory.class, DialerFactory.class, HandlerFactory.class, ConnectorFactory.class);

    private PluginChecks() {
    }

    /**
     * Exactly one {@code spi} factory answers to {@code name} (as its type or an alias), it has a
     * description, and it creates a plugin from empty metadata that closes.
     */
    public static void assertFoundByNameAndCloses(Class<? extends PluginFactory> spi, String name) throws Exception {
        List<? extends PluginFactory> found = load(spi).stream()
                .filter(factory -> factory.type().equals(name) || factory.aliases().contains(name))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " " + spi.getSimpleName() + " factories answer to '" + name
                    + "' (expected exactly one): " + found);
        }
        PluginFactory factory = found.get(0);
        if (factory.description() == null || factory.description().isBlank()) {
            throw new AssertionError(factory.getClass().getName() + " has no description (gost plugins shows it)");
        }
        try (AutoCloseable plugin = create(factory)) {
            if (plugin == null) {
                throw new AssertionError(factory.getClass().getName() + " created null from empty metadata");
            }
        }
    }

    /** No two factories of one kind answer to the same name (type or alias). */
    public static void assertNoNameProvidedTwice() {
        for (Class<? extends PluginFactory> spi : SPIS) {
            Set<String> seen = new HashSet<>();
            List<String> twice = load(spi).stream()
                    .flatMap(factory -> Stream.concat(Stream.of(factory.type()), factory.aliases().stream()))
                    .filter(name -> !seen.add(name))
                    .toList();
            if (!twice.isEmpty()) {
                throw new AssertionError(spi.getSimpleName() + " names provided more than once: " + twice);
            }
        }
    }

    /**
     * The module descriptor's {@code provides} ({@code src/main/java/module-info.java}) and the
     * {@code META-INF/services} files ({@code src/main/resources}) of the project in {@code moduleDirectory}
     * name the same providers, and each provider is a loadable implementation of its service with a public
     * no-argument constructor; otherwise the plugin would behave differently on the module path and on the
     * class path.
     */
    public static void assertModuleInfoMatchesMetaInfServices(Path moduleDirectory) throws IOException {
        Map<String, Set<String>> provided = providedByModuleInfo(moduleDirectory);
        Map<String, Set<String>> listed = listedInMetaInfServices(moduleDirectory);
        if (provided.isEmpty()) {
            throw new AssertionError(moduleDirectory.resolve("src/main/java/module-info.java") + " provides nothing");
        }
        if (!listed.equals(provided)) {
            throw new AssertionError("module-info provides " + provided + " but META-INF/services lists " + listed);
        }
        List<String> problems = new ArrayList<>();
        provided.forEach((serviceName, providers) -> {
            for (String provider : providers) {
                try {
                    Class<?> service = Class.forName(serviceName);
                    Class<?> implementation = Class.forName(provider);
                    if (!service.isAssignableFrom(implementation)) {
                        problems.add(provider + " does not implement " + serviceName);
                    }
                    implementation.getConstructor();
                } catch (ClassNotFoundException e) {
                    problems.add("cannot load " + e.getMessage());
                } catch (NoSuchMethodException e) {
                    problems.add(provider + " has no public no-argument constructor");
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("; ", problems));
        }
    }

    /** The directory of the project under test: surefire runs tests there and passes it as {@code basedir}. */
    public static Path moduleDirectory() {
        return Path.of(System.getProperty("basedir", "."));
    }

    private static <F extends PluginFactory> List<F> load(Class<F> spi) {
        return ServiceLoader.load(spi).stream().map(ServiceLoader.Provider::get).toList();
    }

    private static AutoCloseable create(PluginFactory factory) {
        PluginContext context = PluginContext.named("smoke");
        if (factory instanceof ListenerFactory listeners) {
            return listeners.create(Metadata.empty(), context);
        }
        if (factory instanceof DialerFactory dialers) {
            return dialers.create(Metadata.empty(), context);
        }
        if (factory instanceof HandlerFactory handlers) {
            return handlers.create(Metadata.empty(), context);
        }
        if (factory instanceof ConnectorFactory connectors) {
            return connectors.create(Metadata.empty(), context);
        }
        throw new IllegalArgumentException("unexpected factory " + factory);
    }

    private static Map<String, Set<String>> providedByModuleInfo(Path moduleDirectory) throws IOException {
        String source = Files.readString(moduleDirectory.resolve("src/main/java/module-info.java"));
        String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
        Map<String, Set<String>> provided = new TreeMap<>();
        Matcher matcher = PROVIDES.matcher(code);
        while (matcher.find()) {
            Set<String> providers = Arrays.stream(matcher.group(2).split(","))
                    .map(String::strip)
                    .collect(Collectors.toCollection(TreeSet::new));
            provided.computeIfAbsent(matcher.group(1), service -> new TreeSet<>()).addAll(providers);
        }
        return provided;
    }

    private static Map<String, Set<String>> listedInMetaInfServices(Path moduleDirectory) throws IOException {
        Path directory = moduleDirectory.resolve("src/main/resources/META-INF/services");
        Map<String, Set<String>> listed = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return listed;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Set<String> providers = Files.readAllLines(file).stream()
                        .map(line -> line.replaceAll("#.*", "").strip())
                        .filter(line -> !line.isEmpty())
                        .collect(Collectors.toCollection(TreeSet::new));
                listed.put(file.getFileName().toString(), providers);
            }
        }
        return listed;
    }
}
