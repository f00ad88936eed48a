package io.gost.plugin.http.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BasicProxyAuthorizationTest {

    @Test
    void basicCredentialsAreDecoded() {
        assertThat(BasicProxyAuthorization.parse("Basic " + base64("alice:pa:ss")))
                .contains(new Credentials("alice", "pa:ss"));
    }

    @Test
    void schemeIsCaseInsensitiveAndUtf8IsKept() {
        assertThat(BasicProxyAuthorization.parse("bAsIc  " + base64("jürgen:ß")))
                .contains(new Credentials("jürgen", "ß"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Basic", "Basic !!!", "Bearer abc", "Basicabc", "Digest username=x"})
    void anythingElseYieldsNoCredentials(String value) {
        assertThat(BasicProxyAuthorization.parse(value)).isEmpty();
    }

    @Test
    void pairWithoutColonYieldsNoCredentials() {
        assertThat(BasicProxyAuthorization.parse("Basic " + base64("alice"))).isEmpty();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
