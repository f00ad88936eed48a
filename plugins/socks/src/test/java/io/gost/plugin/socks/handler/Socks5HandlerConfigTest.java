package io.gost.plugin.socks.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The socks5 handler reads GOST's metadata keys, with GOST's defaults. */
class Socks5HandlerConfigTest {

    private static Socks5HandlerConfig read(String... keysAndValues) {
        return Socks5HandlerConfig.from(Metadata.of(keysAndValues), PluginContext.named("service-0"));
    }

    @Test
    void defaultsAreGosts() {
        Socks5HandlerConfig config = read();

        assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.udpEnabled()).isFalse();
        assertThat(config.bindEnabled()).isFalse();
        assertThat(config.authenticator()).isEmpty();
    }

    @Test
    void readTimeoutAcceptsGoDurationsAndBareSeconds() {
        assertThat(read("readTimeout", "500ms").handshakeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(read("readTimeout", "30").handshakeTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(read("handshakeTimeout", "1m").handshakeTimeout()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aZeroReadTimeoutMeansTheDefault() {
        assertThat(read("readTimeout", "0").handshakeTimeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void aReadTimeoutThatIsNotADurationIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> read("readTimeout", "soon"))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("readTimeout")
                .hasMessageContaining("soon");
    }

    @Test
    void udpAndBindAreEnabledByTheirKeys() {
        Socks5HandlerConfig config = read("udp", "true", "bind", "yes");

        assertThat(config.udpEnabled()).isTrue();
        assertThat(config.bindEnabled()).isTrue();
    }

    @Test
    void udpBufferSizeIsClampedLikeGost() {
        assertThat(read().udpBufferSize()).isEqualTo(65_536);
        assertThat(read("udpBufferSize", "100").udpBufferSize()).isEqualTo(512);
        assertThat(read("udpBufferSize", "4096").udpBufferSize()).isEqualTo(4096);
        assertThat(read("udpBufferSize", "1000000").udpBufferSize()).isEqualTo(65_536);
        assertThat(read("udp.bufferSize", "2048").udpBufferSize()).as("GOST's other spelling").isEqualTo(2048);
    }
}
