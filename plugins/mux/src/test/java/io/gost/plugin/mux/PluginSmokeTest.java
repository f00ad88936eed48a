package io.gost.plugin.mux;

import io.gost.api.DialerFactory;
import io.gost.api.ListenerFactory;
import io.gost.api.PluginFactory;
import io.gost.testkit.plugin.PluginChecks;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The factories are found by type name (module path and class path) and create plugins that close. */
@ExtendWith(LeakDetection.class)
class PluginSmokeTest {

    static Stream<Arguments> providedNames() {
        return Stream.of("mtcp", "mtls", "mws", "mwss").flatMap(name -> Stream.of(
                Arguments.of(ListenerFactory.class, name), Arguments.of(DialerFactory.class, name)));
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
