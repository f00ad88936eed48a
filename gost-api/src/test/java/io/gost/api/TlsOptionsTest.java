package io.gost.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsOptionsTest {

    @Test
    void versionsAreReadInGostsSpellingAndJavas() {
        assertThat(TlsOptions.Version.parse("VersionTLS12")).contains(TlsOptions.Version.TLS_1_2);
        assertThat(TlsOptions.Version.parse("versiontls13")).contains(TlsOptions.Version.TLS_1_3);
        assertThat(TlsOptions.Version.parse("TLSv1.1")).contains(TlsOptions.Version.TLS_1_1);
        assertThat(TlsOptions.Version.parse("TLS1.2")).isEmpty();
    }

    @Test
    void nothingConfiguredMeansGostsDefaultsAndTls12AsTheFloor() {
        TlsOptions defaults = TlsOptions.DEFAULTS;

        assertThat(defaults.hasCertificateFiles()).isFalse();
        assertThat(defaults.secure()).isFalse();
        assertThat(defaults.effectiveMinVersion()).isEqualTo(TlsOptions.Version.TLS_1_2);
        assertThat(defaults.effectiveCommonName()).isEqualTo("gost.run");
        assertThat(defaults.effectiveOrganization()).isEqualTo("GOST");
        assertThat(defaults.effectiveValidity()).isEqualTo(Duration.ofDays(365));
        assertThat(defaults.summary()).isEqualTo("TLSv1.2+");
    }

    @Test
    void contradictionsAreRefusedNamingWhereTheyWereWritten() {
        assertThatThrownBy(() -> TlsOptions.builder().source("listener tls block at app.yaml:3")
                .minVersion(TlsOptions.Version.TLS_1_3).maxVersion(TlsOptions.Version.TLS_1_2).build())
                .hasMessage("listener tls block at app.yaml:3: minVersion VersionTLS13 is above maxVersion VersionTLS12");
        assertThatThrownBy(() -> TlsOptions.builder().validity(Duration.ZERO).build())
                .hasMessageContaining("validity must be positive");
    }

    @Test
    void blanksAreUnsetAndListsAreCopied() {
        TlsOptions options = TlsOptions.builder().certFile(" ").serverName("").alpn(List.of("h2")).build();

        assertThat(options.certFile()).isNull();
        assertThat(options.serverName()).isNull();
        assertThat(options.toBuilder().secure(true).build().alpn()).containsExactly("h2");
    }
}
