package io.gost.plugin.http.handler;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Removes the header fields that concern only one connection (RFC 9110 §7.6.1) before a message is
 * passed on to the next one.
 *
 * <p>{@code Transfer-Encoding} stays: the codecs re-frame the body for the next connection from it.
 * The framing fields ({@code Content-Length}, {@code Transfer-Encoding}) and {@code Host} are never
 * removed because {@code Connection} names them: that is a known request-smuggling trick.
 */
final class HopByHopHeaders {

    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    /** Netty deprecates its constant because HTTP/2 forbids the field; HTTP/1.1 proxies still meet it. */
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");

    private static final Set<AsciiString> NEVER_NOMINATED = Set.of(
            HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.HOST);

    private HopByHopHeaders() {
    }

    /** Strips a request: also {@code Proxy-Authorization}, which the proxy consumed itself. */
    static void stripRequest(HttpHeaders headers) {
        stripCommon(headers);
        headers.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    }

    /** Strips a response. */
    static void stripResponse(HttpHeaders headers) {
        stripCommon(headers);
    }

    private static void stripCommon(HttpHeaders headers) {
        List<String> nominated = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    nominated.add(name);
                }
            }
        }
        for (String name : nominated) {
            if (NEVER_NOMINATED.stream().noneMatch(protectedName -> protectedName.contentEqualsIgnoreCase(name))) {
                headers.remove(name);
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
        headers.remove(KEEP_ALIVE);
        headers.remove(PROXY_CONNECTION);
        headers.remove(HttpHeaderNames.TE);
        headers.remove(HttpHeaderNames.TRAILER);
        headers.remove(HttpHeaderNames.UPGRADE);
    }
}
