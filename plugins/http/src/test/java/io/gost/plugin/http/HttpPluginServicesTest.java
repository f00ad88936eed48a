package io.gost.plugin.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.Connector;
import io.gost.api.ConnectorFactory;
import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.PluginContext;
import io.gost.api.PluginFactory;
import io.gost.plugin.http.connector.HttpConnectorFactory;
import io.gost.plugin.http.handler.HttpHandlerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The plugin as the runtime finds it: through ServiceLoader, on the module path and the class path. */
class HttpPluginServicesTest {

    private static final Module PLUGIN = HttpHandlerFactory.class.getModule();

    @Test
    void serviceLoaderFindsHandlerHttpWhichCreatesAndCloses() {
        HandlerFactory factory = find(HandlerFactory.class, "http");

        assertThat(factory).isInstanceOf(HttpHandlerFactory.class);
        assertThat(factory.description()).isNotBlank();
        try (Handler handler = factory.create(Metadata.empty(), PluginContext.named("service-0"))) {
            assertThat(handler).isNotNull();
        }
    }

    @Test
    void serviceLoaderFindsConnectorHttpWhichCreatesAndCloses() {
        ConnectorFactory factory = find(ConnectorFactory.class, "http");

        assertThat(factory).isInstanceOf(HttpConnectorFactory.class);
        assertThat(factory.description()).isNotBlank();
        try (Connector connector = factory.create(Metadata.empty(), PluginContext.named("node-0"))) {
            assertThat(connector).isNotNull();
        }
    }

    @Test
    void handlerHttpLetsClientsChooseTargets() {
        assertThat(find(HandlerFactory.class, "http").letsClientsChooseTargets()).isTrue();
    }

    @Test
    void everyDeclaredKeyIsReadUnderEachOfItsSpellings() {
        PluginFactory handler = find(HandlerFactory.class, "http");
        PluginFactory connector = find(ConnectorFactory.class, "http");
        assertThat(names(handler)).containsExactly("readTimeout", "authBasicRealm", "proxyAgent", "header");
        assertThat(names(connector)).containsExactly("timeout", "header");

        for (PluginFactory factory : List.of(handler, connector)) {
            for (MetadataKey key : factory.metadataSchema().keys()) {
                for (String spelling : key.spellings()) {
                    Object bad = switch (key.type()) {
                        case DURATION -> "soon";
                        case MAP -> "not a map";
                        default -> "control\u0001character";
                    };
                    assertThatThrownBy(() -> create(factory, Metadata.of(Map.of(spelling, bad))))
                            .as("%s %s", factory.type(), spelling)
                            .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'" + spelling + "'");
                }
            }
        }
    }

    private static List<String> names(PluginFactory factory) {
        assertThat(factory.metadataSchema().declared()).isTrue();
        return factory.metadataSchema().keys().stream().map(MetadataKey::name).toList();
    }

    private static AutoCloseable create(PluginFactory factory, Metadata metadata) {
        return factory instanceof HandlerFactory handlers
                ? handlers.create(metadata, PluginContext.named("service-0"))
                : ((ConnectorFactory) factory).create(metadata, PluginContext.named("node-0"));
    }

    @Test
    void moduleDescriptorAndServiceFilesNameTheSameProviders() throws IOException {
        Map<String, Set<String>> provided = new TreeMap<>();
        for (ModuleDescriptor.Provides provides : descriptor().provides()) {
            provided.put(provides.service(), new TreeSet<>(provides.providers()));
        }
        Map<String, Set<String>> listed = new TreeMap<>();
        for (String service : List.of(HandlerFactory.class.getName(), ConnectorFactory.class.getName(),
                "io.gost.api.ListenerFactory", "io.gost.api.DialerFactory", "io.gost.api.NetnsProvider")) {
            Set<String> providers = serviceFile(service);
            if (!providers.isEmpty()) {
                listed.put(service, providers);
            }
        }

        assertThat(listed).isEqualTo(provided).containsOnlyKeys(HandlerFactory.class.getName(),
                ConnectorFactory.class.getName());
    }

    @Test
    void pluginExportsNothing() throws IOException {
        assertThat(descriptor().exports()).isEmpty();
    }

    private static <F extends PluginFactory> F find(Class<F> spi, String type) {
        if (PLUGIN.isNamed()) {
            // These tests run inside the plugin's module, which itself uses no service.
            PLUGIN.addUses(spi);
        }
        List<F> found = ServiceLoader.load(spi).stream().map(ServiceLoader.Provider::get)
                .filter(factory -> factory.type().equals(type)).collect(Collectors.toList());
        assertThat(found).as("%s providers of type %s", spi.getSimpleName(), type).hasSize(1);
        return found.get(0);
    }

    private static ModuleDescriptor descriptor() throws IOException {
        if (PLUGIN.isNamed()) {
            return PLUGIN.getDescriptor();
        }
        try (InputStream in = Files.newInputStream(Path.of("target", "classes", "module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    private static Set<String> serviceFile(String service) throws IOException {
        String name = "META-INF/services/" + service;
        InputStream in = PLUGIN.isNamed() ? PLUGIN.getResourceAsStream(name)
                : HttpHandlerFactory.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            return Set.of();
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().map(line -> line.replaceAll("#.*", "").trim()).filter(line -> !line.isEmpty())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
