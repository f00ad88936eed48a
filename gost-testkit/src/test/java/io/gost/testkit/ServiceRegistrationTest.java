package io.gost.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.testkit.plugin.PluginChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording provider is registered the same way in module-info and in META-INF/services. */
class ServiceRegistrationTest {

    @Test
    void moduleInfoProvidesExactlyWhatMetaInfServicesLists() throws IOException {
        PluginChecks.assertModuleInfoMatchesMetaInfServices(PluginChecks.moduleDirectory());
    }

    @Test
    void aServicesFileThatDisagreesWithModuleInfoFailsTheCheckNamingBoth(@TempDir Path project) throws IOException {
        Files.createDirectories(project.resolve("src/main/java"));
        Files.writeString(project.resolve("src/main/java/module-info.java"), "module m {\n"
                + "    provides io.gost.api.NetnsProvider with io.gost.testkit.netns.RecordingNetnsProvider;\n}\n");
        Path services = Files.createDirectories(project.resolve("src/main/resources/META-INF/services"));
        Files.writeString(services.resolve("io.gost.api.NetnsProvider"), "# none\n");

        assertThatThrownBy(() -> PluginChecks.assertModuleInfoMatchesMetaInfServices(project))
                .isInstanceOf(AssertionError.class)
                .hasMessage("module-info provides {io.gost.api.NetnsProvider=[io.gost.testkit.netns.RecordingNetnsProvider]}"
                        + " but META-INF/services lists {io.gost.api.NetnsProvider=[]}");
    }
}
