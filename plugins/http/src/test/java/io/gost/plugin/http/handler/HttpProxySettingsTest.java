package io.gost.plugin.http.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpProxySettingsTest {

    private static final PluginContext CONTEXT = PluginContext.named("service-0");

    @Test
    void defaultsAreTenSecondsAndRealmGost() {
        HttpProxySettings settings = HttpProxySettings.from(Metadata.empty(), CONTEXT);

        assertThat(settings.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.realm()).isEqualTo("gost");
        assertThat(settings.authenticator()).isEmpty();
    }

    @Test
    void gostAliasesAreRead() {
        HttpProxySettings settings = HttpProxySettings.from(
                Metadata.of("handshakeTimeout", "1500ms", "authBasicRealm", "corp"), CONTEXT);

        assertThat(settings.headerTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.realm()).isEqualTo("corp");
    }

    @Test
    void readTimeoutAsBareIntegerMeansSeconds() {
        assertThat(HttpProxySettings.from(Metadata.of("readTimeout", "3"), CONTEXT).headerTimeout())
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void zeroTimeoutIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> HttpProxySettings.from(Metadata.of("readTimeout", "0s"), CONTEXT))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'readTimeout'");
    }

    @Test
    void headerIsReadAsAMapFromEitherFormAndHttpHeaderWinsAsInGost() {
        java.util.Map<String, Object> flattened = new java.util.LinkedHashMap<>();
        flattened.put("header.X-One", "1");
        flattened.put("header.X-Two", "2");

        assertThat(HttpProxySettings.from(Metadata.of(flattened), CONTEXT).header())
                .containsExactly(java.util.Map.entry("X-One", "1"), java.util.Map.entry("X-Two", "2"));
        assertThat(HttpProxySettings.from(Metadata.of(java.util.Map.of("header", java.util.Map.of("X-Map", "m"))),
                CONTEXT).header()).containsExactly(java.util.Map.entry("X-Map", "m"));
        assertThat(HttpProxySettings.from(Metadata.of("header.X-A", "a", "http.header.X-B", "b"), CONTEXT).header())
                .containsExactly(java.util.Map.entry("X-B", "b"));
    }

    @Test
    void headerMayNotReplaceFieldsTheProxySetsItself() {
        assertThatThrownBy(() -> HttpProxySettings.from(Metadata.of("header.Content-Length", "0"), CONTEXT))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'header'")
                .hasMessageContaining("the proxy sets Content-Length itself");
        assertThatThrownBy(() -> HttpProxySettings.from(Metadata.of("header.X-A", "a\r\nInjected: 1"), CONTEXT))
                .isInstanceOf(InvalidMetadataException.class);
    }

    @Test
    void realmThatWouldBreakTheHeaderIsRejected() {
        assertThatThrownBy(() -> HttpProxySettings.from(Metadata.of("realm", "a\"b"), CONTEXT))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'realm'");
    }
}
