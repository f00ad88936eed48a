package io.gost.plugin.http.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.Credentials;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.testkit.TestPluginContext;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpConnectorSettingsTest {

    @Test
    void noMetadataMeansNoOverrides() {
        HttpConnectorSettings settings = HttpConnectorSettings.from(Metadata.empty(), PluginContext.named("node-0"));

        assertThat(settings.timeout()).isEmpty();
        assertThat(settings.extraHeaders()).isEmpty();
        assertThat(settings.credentials()).isEmpty();
    }

    @Test
    void timeoutIsAGostDuration() {
        assertThat(HttpConnectorSettings.from(Metadata.of("timeout", "2"), PluginContext.named("node-0")).timeout())
                .contains(Duration.ofSeconds(2));
    }

    @Test
    void headerIsReadFromAMapOrFromTheEntriesALoaderFlattenedItInto() {
        Map<String, Object> nested = new java.util.LinkedHashMap<>();
        nested.put("header", Map.of("X-Foo", "bar"));
        Map<String, Object> flattened = new java.util.LinkedHashMap<>();
        flattened.put("header.X-Foo", "bar");
        flattened.put("header.User-Agent", "gost/3.0");

        assertThat(HttpConnectorSettings.from(Metadata.of(nested), PluginContext.named("node-0")).extraHeaders())
                .containsExactly(Map.entry("X-Foo", "bar"));
        assertThat(HttpConnectorSettings.from(Metadata.of(flattened), PluginContext.named("node-0")).extraHeaders())
                .containsExactly(Map.entry("X-Foo", "bar"), Map.entry("User-Agent", "gost/3.0"));
    }

    @Test
    void headerMustBeAMap() {
        assertThatThrownBy(() -> HttpConnectorSettings.from(Metadata.of("header", "X-A: b"),
                PluginContext.named("node-0")))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'header'");
    }

    @Test
    void headerValueWithALineBreakIsRejected() {
        assertThatThrownBy(() -> HttpConnectorSettings.from(
                Metadata.of(Map.of("header", Map.of("X-A", "b\r\nInjected: yes"))), PluginContext.named("node-0")))
                .isInstanceOf(InvalidMetadataException.class);
    }

    @Test
    void userNameWithAColonIsRejectedNamingTheNode() {
        PluginContext context = TestPluginContext.withCredentials("node-7", Optional.of(new Credentials("a:b", "c")));

        assertThatThrownBy(() -> HttpConnectorSettings.from(Metadata.empty(), context))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node-7: ");
    }
}
