package io.gost.plugin.socks;

import io.gost.api.ConnectorFactory;
import io.gost.api.HandlerFactory;
import io.gost.testkit.plugin.AbstractPluginSmokeTest;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.provider.Arguments;

/**
 * This plugin's factories, found the way the runtime finds them (by type name or alias), create plugins
 * that close. Runs twice: on the module path ({@code provides}) and on the class path
 * ({@code META-INF/services}; see the pom).
 */
@ExtendWith(LeakDetection.class)
class PluginSmokeTest extends AbstractPluginSmokeTest {

    @Override
    protected Stream<Arguments> providedNames() {
        return Stream.of(
                Arguments.of(HandlerFactory.class, "socks5"),
                Arguments.of(HandlerFactory.class, "socks"),
                Arguments.of(HandlerFactory.class, "auto"),
                Arguments.of(ConnectorFactory.class, "socks5"),
                Arguments.of(ConnectorFactory.class, "socks"));
    }
}
