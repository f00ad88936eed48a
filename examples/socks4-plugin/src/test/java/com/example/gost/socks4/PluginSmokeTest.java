package com.example.gost.socks4;

import io.gost.api.ConnectorFactory;
import io.gost.api.HandlerFactory;
import io.gost.testkit.plugin.AbstractPluginSmokeTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * gost-testkit's check that every type the plugin names is found the way gost finds it (ServiceLoader, by
 * type name or alias) and creates a plugin from empty metadata that closes. Runs twice: on the module path
 * (module-info's {@code provides}) and on the class path ({@code META-INF/services}; see the pom).
 */
class PluginSmokeTest extends AbstractPluginSmokeTest {

    @Override
    protected Stream<Arguments> providedNames() {
        return Stream.of(
                Arguments.of(HandlerFactory.class, "socks4"),
                Arguments.of(HandlerFactory.class, "socks4a"),
                Arguments.of(ConnectorFactory.class, "socks4"),
                Arguments.of(ConnectorFactory.class, "socks4a"));
    }
}
