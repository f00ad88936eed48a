package io.gost.plugin.http.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {

    @Test
    void absoluteFormWithoutPortUsesPort80AndKeepsTheHostAsWritten() throws Exception {
        RequestTarget target = RequestTarget.parseAbsoluteForm("http://Example.com/a/b?c=d");

        assertThat(target).isEqualTo(new RequestTarget("Example.com", 80, "Example.com", "/a/b?c=d"));
        assertThat(target.connectionKey()).isEqualTo("example.com#80");
    }

    @Test
    void absoluteFormWithoutPathSendsSlash() throws Exception {
        assertThat(RequestTarget.parseAbsoluteForm("http://example.com:8080").originForm()).isEqualTo("/");
        assertThat(RequestTarget.parseAbsoluteForm("http://example.com?q=1").originForm()).isEqualTo("/?q=1");
    }

    @Test
    void absoluteFormDropsUserInformationAndFragment() throws Exception {
        RequestTarget target = RequestTarget.parseAbsoluteForm("HTTP://user:p@ss@host.example:81/x#top");

        assertThat(target).isEqualTo(new RequestTarget("host.example", 81, "host.example:81", "/x"));
    }

    @Test
    void ipv6LiteralsKeepTheirBracketsInTheHostHeaderOnly() throws Exception {
        RequestTarget target = RequestTarget.parseAbsoluteForm("http://[::1]:8080/");

        assertThat(target.host()).isEqualTo("::1");
        assertThat(target.authority()).isEqualTo("[::1]:8080");
        assertThat(target.hostAndPort()).isEqualTo("[::1]:8080");
    }

    @Test
    void authorityFormNeedsHostAndPort() throws Exception {
        assertThat(RequestTarget.parseAuthorityForm("example.com:443"))
                .isEqualTo(new RequestTarget("example.com", 443, "example.com:443", ""));
        assertThatThrownBy(() -> RequestTarget.parseAuthorityForm("example.com"))
                .hasMessageContaining("CONNECT needs a port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com:0", "example.com:65536", "example.com:8o", ":443", "a b:443",
            "::1:443", "[::1:443", "[127.0.0.1]:443", "http://example.com:443", "user@example.com:443"})
    void invalidAuthoritiesAreRefused(String authority) {
        assertThatThrownBy(() -> RequestTarget.parseAuthorityForm(authority))
                .isInstanceOf(ProxyRequestException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/", "https://example.com/", "example.com/path", "http:///path",
            "http://exa mple.com/"})
    void unsupportedAbsoluteTargetsAreRefused(String uri) {
        assertThatThrownBy(() -> RequestTarget.parseAbsoluteForm(uri)).isInstanceOf(ProxyRequestException.class);
    }

    @Test
    void echoedTextIsFreeOfControlCharacters() {
        assertThat(RequestTarget.printable("a\r\nb\u0000")).isEqualTo("a??b?");
    }
}
