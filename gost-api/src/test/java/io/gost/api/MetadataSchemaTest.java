package io.gost.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataSchemaTest {

    private final MetadataSchema schema = MetadataSchema.of(
            MetadataKey.duration("readTimeout", "15s", "handshake time limit").alias("handshakeTimeout"),
            MetadataKey.bool("udp", false, "allow UDP ASSOCIATE"),
            MetadataKey.integer("backlog", "128", "accept queue"),
            MetadataKey.map("header", "extra header fields"),
            MetadataKey.list("dns", "name servers"));

    @Test
    void findsKeysByNameOrAliasInAnyCase() {
        assertThat(schema.find("READTIMEOUT")).map(MetadataKey::name).contains("readTimeout");
        assertThat(schema.find("handshaketimeout")).map(MetadataKey::name).contains("readTimeout");
        assertThat(schema.find("readTimeOut2")).isEmpty();
    }

    @Test
    void entriesOfAMapKeyBelongToIt() {
        assertThat(schema.find("header.X-Forwarded-For")).map(MetadataKey::name).contains("header");
        assertThat(schema.find("udp.bufferSize")).isEmpty();
    }

    @Test
    void reportsEachValueOfTheWrongKindNamingTheKeyAsWritten() {
        Metadata metadata = Metadata.of("handshakeTimeout", "soon", "udp", "maybe", "backlog", "12x",
                "dns", "1.1.1.1");
        List<InvalidMetadataException> problems = schema.check(metadata);
        assertThat(problems).extracting(InvalidMetadataException::key)
                .containsExactly("handshakeTimeout", "udp", "backlog");
        assertThat(problems.get(0)).hasMessageContaining("expected a duration");
    }

    @Test
    void acceptsUsableValuesAndAbsentKeys() {
        assertThat(schema.check(Metadata.of("readTimeout", "500ms", "udp", "true", "backlog", "64"))).isEmpty();
        assertThat(schema.check(Metadata.empty())).isEmpty();
    }

    @Test
    void aMapKeyAcceptsAMapOrDottedEntriesAndKeepsTheirCase() {
        Metadata nested = Metadata.of(Map.of("header", Map.of("X-Foo", "1")));
        Metadata dotted = Metadata.of("header.X-Foo", "1", "header.User-Agent", "gost");
        assertThat(schema.check(nested)).isEmpty();
        assertThat(nested.getMap("header")).containsExactly(Map.entry("X-Foo", "1"));
        assertThat(dotted.getMap("HEADER")).containsExactly(Map.entry("X-Foo", "1"), Map.entry("User-Agent", "gost"));
        assertThat(Metadata.empty().getMap("header")).isEmpty();
        assertThat(schema.check(Metadata.of("header", "X-Foo: 1"))).hasSize(1);
        assertThatThrownBy(() -> Metadata.of("header", "X-Foo: 1").getMap("header"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'header'");
    }

    @Test
    void undeclaredIsNotTheSameAsNoKeys() {
        assertThat(MetadataSchema.UNDECLARED.declared()).isFalse();
        assertThat(MetadataSchema.NONE.declared()).isTrue();
        assertThat(MetadataSchema.UNDECLARED.and(MetadataSchema.of(MetadataKey.bool("udp", false, ""))).declared())
                .isTrue();
    }

    @Test
    void withoutRemovesAKeyInAnyCase() {
        Metadata metadata = Metadata.of("Netns", "ns1", "udp", "true");
        assertThat(metadata.without("NETNS").asMap()).containsOnlyKeys("udp");
        assertThat(metadata.spelling("netns")).isEqualTo("Netns");
    }
}
