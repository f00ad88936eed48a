package io.gost.plugin.udp;

import io.gost.api.HandlerFactory;
import io.gost.api.ListenerFactory;
import io.gost.api.PluginFactory;
import io.gost.testkit.plugin.PluginChecks;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * This plugin's factories, found the way the runtime finds them, create plugins that close. Runs twice: on
 * the module path ({@code provides}) and on the class path ({@code META-INF/services}; see the pom).
 */
class PluginSmokeTest {

    static Stream<Arguments> providedNames() {
        return Stream.of(
                Arguments.of(ListenerFactory.class, "udp"),
                Arguments.of(ListenerFactory.class, "rtcp"),
                Arguments.of(ListenerFactory.class, "rudp"),
                Arguments.of(HandlerFactory.class, "udp"),
                Arguments.of(HandlerFactory.class, "rtcp"),
                Arguments.of(HandlerFactory.class, "rudp"));
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
