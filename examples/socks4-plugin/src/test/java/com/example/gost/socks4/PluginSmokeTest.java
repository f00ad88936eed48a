package com.example.gost.socks4;

import io.gost.api.ConnectorFactory;
import io.gost.api.HandlerFactory;
import io.gost.api.PluginFactory;
import io.gost.testkit.plugin.PluginChecks;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gost-testkit's checks that every type the plugin names is found the way gost finds it (ServiceLoader, by
 * type name or alias) and creates a plugin from empty metadata that closes, and that no name is taken twice.
 * Runs twice: on the module path (module-info's {@code provides}) and on the class path
 * ({@code META-INF/services}; see the pom).
 */
class PluginSmokeTest {

    static Stream<Arguments> providedNames() {
        return Stream.of(
                Arguments.of(HandlerFactory.class, "socks4"),
                Arguments.of(HandlerFactory.class, "socks4a"),
                Arguments.of(ConnectorFactory.class, "socks4"),
                Arguments.of(ConnectorFactory.class, "socks4a"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providedNames")
    void isFoundByNameAndCreatesAPluginThatCloses(Class<? extends PluginFactory> spi, String name) throws Exception {
        PluginChecks.assertFoundByNameAndCloses(spi, name);
    }

    @Test
    void providesNoNameTwice() {
        PluginChecks.assertNoNameProvidedTwice();
    }
}
