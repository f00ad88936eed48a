package io.gost.plugin.tcp;

import io.gost.api.DialerFactory;
import io.gost.api.HandlerFactory;
import io.gost.api.ListenerFactory;
import io.gost.testkit.plugin.AbstractPluginSmokeTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * This plugin's factories, found the way the runtime finds them, create plugins that close. Runs twice: on
 * the module path ({@code provides}) and on the class path ({@code META-INF/services}; see the pom).
 */
class PluginSmokeTest extends AbstractPluginSmokeTest {

    @Override
    protected Stream<Arguments> providedNames() {
        return Stream.of(
                Arguments.of(ListenerFactory.class, "tcp"),
                Arguments.of(DialerFactory.class, "tcp"),
                Arguments.of(HandlerFactory.class, "tcp"),
                Arguments.of(HandlerFactory.class, "forward"));
    }
}
