package io.gost.plugin.socks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.HandlerFactory;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.PluginContext;
import io.gost.plugin.socks.auto.AutoHandlerFactory;
import io.gost.plugin.socks.connector.Socks5ConnectorFactory;
import io.gost.plugin.socks.handler.Socks5HandlerFactory;
import org.junit.jupiter.api.Test;

/** What the factories tell the runtime before anything is created: their keys, and whether they are proxies. */
class HandlerFactoriesTest {

    @Test
    void socks5AndAutoAreProxiesWhoseClientsChooseTheirTargets() {
        for (HandlerFactory factory : new HandlerFactory[] {new Socks5HandlerFactory(), new AutoHandlerFactory()}) {
            assertThat(factory.letsClientsChooseTargets()).as(factory.type()).isTrue();
        }
    }

    @Test
    void socks5DeclaresItsKeysWithGostsSpellings() {
        assertThat(new Socks5HandlerFactory().metadataSchema().keys())
                .extracting(MetadataKey::spellings)
                .containsExactly(java.util.List.of("readTimeout", "handshakeTimeout"), java.util.List.of("udp"),
                        java.util.List.of("bind"), java.util.List.of("udpBufferSize", "udp.bufferSize"),
                        java.util.List.of("socks.publicAddr", "publicAddr"), java.util.List.of("notls"));
    }

    @Test
    void autoDeclaresTheSocks5KeysAndThoseItsHttpDelegateReads() {
        assertThat(new AutoHandlerFactory().metadataSchema().keys()).extracting(MetadataKey::name)
                .containsExactly("readTimeout", "udp", "bind", "udpBufferSize", "socks.publicAddr", "notls", "authBasicRealm",
                        "proxyAgent", "header");
        assertThat(new AutoHandlerFactory().metadataSchema().find("header.X-Foo")).isPresent();
    }

    @Test
    void theSocks5ConnectorDeclaresTimeoutAndNotls() {
        assertThat(new Socks5ConnectorFactory().metadataSchema().keys()).extracting(MetadataKey::name)
                .containsExactly("timeout", "notls");
    }

    @Test
    void notlsFalseAsksForSocks5InsideTlsWhichIsRefused() {
        assertThatThrownBy(() -> new Socks5HandlerFactory().create(Metadata.of("notls", "false"),
                PluginContext.named("s")))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'notls'");
        assertThatThrownBy(() -> new Socks5ConnectorFactory().create(Metadata.of("notls", "false"),
                PluginContext.named("n")))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'notls'");
        new Socks5HandlerFactory().create(Metadata.of("notls", "true"), PluginContext.named("s")).close();
    }
}
