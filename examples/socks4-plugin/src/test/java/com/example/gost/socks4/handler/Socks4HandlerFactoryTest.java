package com.example.gost.socks4.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.PluginContext;
import org.junit.jupiter.api.Test;

class Socks4HandlerFactoryTest {

    private final Socks4HandlerFactory factory = new Socks4HandlerFactory();

    @Test
    void declaresReadTimeoutAndIsAProxyWhoseClientsChooseTargets() {
        assertThat(factory.metadataSchema().keys()).extracting(MetadataKey::name).containsExactly("readTimeout");
        assertThat(factory.letsClientsChooseTargets()).isTrue();
    }

    @Test
    void aReadTimeoutThatIsNotPositiveMeansTheDefaultAsInGost() {
        assertThat(factory.create(Metadata.of("readTimeout", "0"), PluginContext.named("service-0")))
                .hasToString("Socks4Handler[readTimeout=PT15S, auth=false]");
        assertThat(factory.create(Metadata.of("readTimeout", "3s"), PluginContext.named("service-0")))
                .hasToString("Socks4Handler[readTimeout=PT3S, auth=false]");
    }
}
