package io.gost.plugin.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.NetnsProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The provider is found both on the module path (module-info) and on the class path (META-INF/services). */
class ServiceDeclarationTest {

    @Test
    void providerIsNamedLinuxWithDefaultPriority() {
        LinuxNetnsProvider provider = new LinuxNetnsProvider();

        assertThat(provider.name()).isEqualTo("linux");
        assertThat(provider.priority()).isZero();
    }

    @Test
    void moduleDescriptorAndServicesFileDeclareTheSameProvider() throws IOException {
        ModuleDescriptor descriptor = LinuxNetnsProvider.class.getModule().getDescriptor();
        List<String> fromModuleInfo = descriptor.provides().stream()
                .filter(provides -> provides.service().equals(NetnsProvider.class.getName()))
                .flatMap(provides -> provides.providers().stream())
                .toList();

        assertThat(fromModuleInfo).containsExactly(LinuxNetnsProvider.class.getName());
        assertThat(servicesFile()).containsExactlyElementsOf(fromModuleInfo);
    }

    private static List<String> servicesFile() throws IOException {
        try (InputStream in = LinuxNetnsProvider.class.getModule()
                .getResourceAsStream("META-INF/services/" + NetnsProvider.class.getName())) {
            assertThat(in).as("META-INF/services file").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        }
    }
}
