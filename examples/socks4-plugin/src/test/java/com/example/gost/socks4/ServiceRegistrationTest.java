package com.example.gost.socks4;

import io.gost.testkit.plugin.PluginChecks;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * gost-testkit's check that module-info's {@code provides} and the {@code META-INF/services} files name the
 * same factories, or the jar would offer different types on the module path (gost's plugins/) and on a
 * class path.
 */
class ServiceRegistrationTest {

    @Test
    void moduleInfoProvidesExactlyWhatMetaInfServicesLists() throws IOException {
        PluginChecks.assertModuleInfoMatchesMetaInfServices(PluginChecks.moduleDirectory());
    }
}
