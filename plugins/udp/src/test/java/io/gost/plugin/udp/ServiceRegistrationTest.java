package io.gost.plugin.udp;

import io.gost.testkit.plugin.PluginChecks;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** This plugin's {@code provides} and {@code META-INF/services} name the same providers. */
class ServiceRegistrationTest {

    @Test
    void moduleInfoProvidesExactlyWhatMetaInfServicesLists() throws IOException {
        PluginChecks.assertModuleInfoMatchesMetaInfServices(PluginChecks.moduleDirectory());
    }
}
