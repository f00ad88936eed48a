package io.gost.runtime.dns;

import io.gost.runtime.config.ResolverConfig;
import io.gost.runtime.match.IpAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * One nameserver of a resolver, read from its configuration.
 *
 * @param protocol   {@code udp}, {@code tcp}, {@code tls} (DNS over TLS, RFC 7858) or {@code https} (DNS over
 *                   HTTPS, RFC 8484)
 * @param address    the server's IP and port (53 unless given; 853 for {@code tls}, 443 for {@code https})
 * @param serverName the TLS server name sent (SNI) for {@code tls} and {@code https} (GOST's {@code hostname}),
 *                   or {@code null}
 * @param path       the URL path of a DNS over HTTPS server ({@code /dns-query} unless given), else {@code null}
 * @param prefer     {@code ipv4} or {@code ipv6}: which family is asked first
 * @param only       {@code ipv4} or {@code ipv6}: the only family asked; {@code null} for both
 * @param clientSubnet the address sent as EDNS Client Subnet, or {@code null}
 * @param ttl        {@code null}: the answer's TTL; negative: no cache; positive: this long
 * @param timeout    one query's limit
 * @param async      an expired answer is served while a fresh one is fetched
 * @param chain      the chain the nameserver is asked through (GOST's {@code chain}), or {@code null} to ask it
 *                   directly
 */
public record Nameserver(String protocol, InetSocketAddress address, String serverName, String path, String prefer,
                         String only, InetAddress clientSubnet, Duration ttl, Duration timeout, boolean async,
                         String chain) {

    /** True for DNS over TLS and DNS over HTTPS. */
    public boolean encrypted() {
        return protocol.equals("tls") || protocol.equals("https");
    }

    /**
     * Reads a nameserver: {@code [udp://|tcp://|tls://]IP[:PORT]} or {@code https://IP[:PORT][/PATH]}.
     *
     * @throws IllegalArgumentException naming what gost-java cannot use (a host name, an unknown protocol); that
     *         {@code chain} names a chain is the planner's to check
     */
    public static Nameserver of(ResolverConfig.Nameserver config) {
        String addr = config.addr().trim();
        String protocol = "udp";
        int scheme = addr.indexOf("://");
        if (scheme >= 0) {
            protocol = addr.substring(0, scheme).toLowerCase(Locale.ROOT);
            addr = addr.substring(scheme + 3);
        }
        int port;
        String path = null;
        switch (protocol) {
            case "udp", "tcp" -> port = 53;
            case "tls", "dot" -> {
                protocol = "tls";
                port = 853; // RFC 7858's port; GOST falls back to 53, where no DNS over TLS server listens
            }
            case "https", "doh" -> {
                protocol = "https";
                port = 443;
                int slash = addr.indexOf('/');
                path = slash < 0 ? "/dns-query" : addr.substring(slash);
                addr = slash < 0 ? addr : addr.substring(0, slash);
                if (path.equals("/")) {
                    path = "/dns-query";
                }
            }
            default -> throw new IllegalArgumentException("nameserver '" + config.addr() + "': unknown protocol '"
                    + protocol + "'; use udp:// (the default), tcp://, tls:// (DNS over TLS) or https:// (DNS over"
                    + " HTTPS)");
        }
        boolean encrypted = protocol.equals("tls") || protocol.equals("https");
        if (config.hostname() != null && !encrypted) {
            throw new IllegalArgumentException("nameserver '" + config.addr() + "': hostname is the TLS server name"
                    + " of DNS over TLS (tls://) or HTTPS (https://); a " + protocol + " nameserver has none, remove it");
        }
        String host = addr;
        if (addr.startsWith("[")) {
            int close = addr.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("nameserver '" + config.addr() + "': '[' without ']'");
            }
            host = addr.substring(1, close);
            if (addr.length() > close + 1) {
                port = port(config.addr(), addr.substring(close + 1));
            }
        } else if (addr.indexOf(':') >= 0 && addr.indexOf(':') == addr.lastIndexOf(':')) {
            host = addr.substring(0, addr.indexOf(':'));
            port = port(config.addr(), addr.substring(addr.indexOf(':')));
        }
        byte[] ip = IpAddress.parse(host);
        if (ip == null) {
            throw new IllegalArgumentException("nameserver '" + config.addr() + "': '" + host + "' is not an IP"
                    + " address; a nameserver is written [udp://|tcp://|tls://]IP[:PORT] or https://IP[:PORT]/PATH"
                    + (encrypted ? " (the TLS server name goes in hostname)" : ""));
        }
        String prefer = family(config.addr(), "prefer", config.prefer());
        String only = family(config.addr(), "only", config.only());
        InetAddress subnet = null;
        if (config.clientIp() != null) {
            byte[] client = IpAddress.parse(config.clientIp());
            if (client == null) {
                throw new IllegalArgumentException("nameserver '" + config.addr() + "': clientIP '"
                        + config.clientIp() + "' is not an IP address");
            }
            subnet = address(client);
        }
        return new Nameserver(protocol, new InetSocketAddress(address(ip), port), config.hostname(), path,
                prefer == null ? "ipv4" : prefer, only, subnet, config.ttl(), config.timeout(), config.async(),
                config.chain());
    }

    private static int port(String addr, String text) {
        if (!text.startsWith(":") || !text.substring(1).matches("\\d{1,5}")
                || Integer.parseInt(text.substring(1)) > 65535) {
            throw new IllegalArgumentException("nameserver '" + addr + "': '" + text + "' is not :PORT");
        }
        return Integer.parseInt(text.substring(1));
    }

    private static String family(String addr, String key, String value) {
        if (value == null) {
            return null;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (!lower.equals("ipv4") && !lower.equals("ipv6")) {
            throw new IllegalArgumentException("nameserver '" + addr + "': " + key + " '" + value
                    + "' is neither ipv4 nor ipv6");
        }
        return lower;
    }

    private static InetAddress address(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String toString() {
        String host = address.getAddress().getHostAddress();
        return protocol + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort()
                + (path == null ? "" : path) + (chain == null ? "" : " through chain " + chain);
    }
}
