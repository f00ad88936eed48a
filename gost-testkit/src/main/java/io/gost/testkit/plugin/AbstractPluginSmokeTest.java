package io.gost.testkit.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.ConnectorFactory;
import io.gost.api.DialerFactory;
import io.gost.api.HandlerFactory;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.PluginFactory;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finds each factory a plugin provides the way the runtime does (ServiceLoader, by type name or alias),
 * creates a plugin from empty metadata and closes it. A plugin runs it by subclassing it in its tests and
 * naming what it provides ({@link #providedNames()}); the check itself is the same for every plugin.
 *
 * <p>Run with the plugin on the module path, this exercises the module descriptor's {@code provides}; on
 * the class path, its {@code META-INF/services} files. The lookup runs in this class, which is on the
 * class path in both runs: an unnamed module may use any service, so the plugin's own module need not
 * declare {@code uses}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractPluginSmokeTest {

    /**
     * Every name the plugin answers to, as arguments (service interface, name), for example
     * {@code Arguments.of(HandlerFactory.class, "socks5")}; aliases count as names.
     */
    protected abstract Stream<Arguments> providedNames();

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providedNames")
    void isFoundByNameAndCreatesAPluginThatCloses(Class<? extends PluginFactory> spi, String name) throws Exception {
        List<? extends PluginFactory> found = load(spi).stream()
                .filter(factory -> factory.type().equals(name) || factory.aliases().contains(name))
                .toList();

        assertThat(found).as("%s factories named %s", spi.getSimpleName(), name).hasSize(1);
        PluginFactory factory = found.get(0);
        assertThat(factory.description()).isNotBlank();
        try (AutoCloseable plugin = create(factory)) {
            assertThat(plugin).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spis")
    void providesNoNameTwice(Class<? extends PluginFactory> spi) {
        List<String> names = load(spi).stream()
                .flatMap(factory -> Stream.concat(Stream.of(factory.type()), factory.aliases().stream()))
                .toList();

        assertThat(names).doesNotHaveDuplicates();
    }

    Stream<Class<? extends PluginFactory>> spis() {
        return Stream.of(ListenerFactory.class, DialerFactory.class, HandlerFactory.class, ConnectorFactory.class);
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
}
