package io.gost.plugin.http.handler;

import io.gost.api.HostPort;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Where a proxy request goes, parsed from its request target (RFC 9112 §3.2): the authority form of
 * {@code CONNECT host:port}, or the absolute form of {@code GET http://host:port/path?query}.
 *
 * @param host       the host name or IP literal, IPv6 without brackets
 * @param port       the TCP port
 * @param authority  {@code host[:port]} as it goes into a {@code Host} header (IPv6 in brackets)
 * @param originForm the path and query to send to the origin, at least {@code /}; empty for CONNECT
 */
record RequestTarget(String host, int port, String authority, String originForm) {

    private static final int DEFAULT_HTTP_PORT = 80;

    /** The address to dial, unresolved: the router (or the last hop) resolves it. */
    InetSocketAddress address() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** Identifies the upstream connection this target can share: host (any case) and port. */
    String connectionKey() {
        return host.toLowerCase(Locale.ROOT) + "#" + port;
    }

    /** {@code host:port}, IPv6 in brackets, for messages. */
    String hostAndPort() {
        return HostPort.host(host) + ":" + port;
    }

    /**
     * Parses the authority form of a CONNECT target: {@code host:port} or {@code [v6]:port}; the port is
     * required.
     */
    static RequestTarget parseAuthorityForm(String target) throws ProxyRequestException {
        if (target.isEmpty() || target.contains("/") || target.contains("@")) {
            throw ProxyRequestException.badRequest("CONNECT needs a target of the form host:port, got '"
                    + printable(target) + "'");
        }
        return parseAuthority(target, true, "");
    }

    /**
     * Parses an absolute-form target {@code http://host[:port]/path?query} (port 80 when absent). User
     * information in the URL is dropped; a fragment is never sent.
     */
    static RequestTarget parseAbsoluteForm(String target) throws ProxyRequestException {
        int schemeEnd = target.indexOf("://");
        if (schemeEnd <= 0) {
            throw ProxyRequestException.badRequest("a proxy request needs an absolute URL such as"
                    + " http://host/path (or CONNECT host:port), got '" + printable(target) + "'");
        }
        String scheme = target.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            throw ProxyRequestException.badRequest("https URLs are not forwarded; open a tunnel with"
                    + " CONNECT host:443 instead");
        }
        if (!scheme.equals("http")) {
            throw ProxyRequestException.badRequest("only http:// URLs are forwarded, got scheme '"
                    + printable(scheme) + "'");
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < target.length() && "/?#".indexOf(target.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = target.substring(authorityStart, authorityEnd);
        int userInfoEnd = authority.lastIndexOf('@');
        if (userInfoEnd >= 0) {
            authority = authority.substring(userInfoEnd + 1);
        }
        String rest = target.substring(authorityEnd);
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        String originForm = rest.isEmpty() ? "/" : rest.startsWith("?") ? "/" + rest : rest;
        return parseAuthority(authority, false, originForm);
    }

    private static RequestTarget parseAuthority(String authority, boolean portRequired, String originForm)
            throws ProxyRequestException {
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw ProxyRequestException.badRequest("unclosed '[' in '" + printable(authority) + "'");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw ProxyRequestException.badRequest("unexpected text after ']' in '" + printable(authority) + "'");
            }
            portText = after.isEmpty() ? null : after.substring(1);
            if (host.indexOf(':') < 0) {
                throw ProxyRequestException.badRequest("only IPv6 addresses go in brackets, got '"
                        + printable(authority) + "'");
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw ProxyRequestException.badRequest("an IPv6 address must be written in brackets, as in"
                        + " [::1]:443, got '" + printable(authority) + "'");
            }
        }
        if (host.isEmpty() || !isValidHost(host)) {
            throw ProxyRequestException.badRequest("invalid host in '" + printable(authority) + "'");
        }
        int port;
        if (portText == null || portText.isEmpty()) {
            if (portRequired) {
                throw ProxyRequestException.badRequest("CONNECT needs a port, as in " + printable(authority)
                        + ":443");
            }
            port = DEFAULT_HTTP_PORT;
        } else {
            port = parsePort(portText, authority);
        }
        String hostHeader = portText == null || portText.isEmpty() ? bracketed(host) : bracketed(host) + ":" + port;
        return new RequestTarget(host, port, hostHeader, originForm);
    }

    private static int parsePort(String text, String authority) throws ProxyRequestException {
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ProxyRequestException.badRequest("invalid port in '" + printable(authority) + "'");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw ProxyRequestException.badRequest("port out of range 1-65535 in '" + printable(authority) + "'");
        }
        return port;
    }

    private static String bracketed(String host) {
        return HostPort.host(host);
    }

    /** Letters, digits and the few punctuation marks of names and IP literals (incl. IPv6 zone ids). */
    private static boolean isValidHost(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == ':' || c == '%';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The text with control characters replaced and a bounded length, safe to echo in an answer. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && i < 200; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (text.length() > 200) {
            out.append("...");
        }
        return out.toString();
    }
}
