package io.gost.plugin.socks;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.HandlerFactory;
import io.gost.api.MetadataKey;
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
                        java.util.List.of("bind"), java.util.List.of("udpBufferSize", "udp.bufferSize"));
    }

    @Test
    void autoDeclaresTheSocks5KeysAndThoseItsHttpDelegateReads() {
        assertThat(new AutoHandlerFactory().metadataSchema().keys()).extracting(MetadataKey::name)
                .containsExactly("readTimeout", "udp", "bind", "udpBufferSize", "authBasicRealm", "proxyAgent",
                        "header");
        assertThat(new AutoHandlerFactory().metadataSchema().find("header.X-Foo")).isPresent();
    }

    @Test
    void theSocks5ConnectorDeclaresTimeout() {
        assertThat(new Socks5ConnectorFactory().metadataSchema().keys()).extracting(MetadataKey::name)
                .containsExactly("timeout");
    }
}
