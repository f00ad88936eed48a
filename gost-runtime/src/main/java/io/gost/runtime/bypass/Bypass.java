package io.gost.runtime.bypass;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * GOST's bypass: a list of matchers over target addresses that decides which targets a service's clients
 * may not reach. A plain bypass forbids what it matches; a whitelist forbids everything it does not match.
 *
 * <p>Matchers, as GOST writes them:
 * <ul>
 *   <li>an IP: {@code 192.0.2.1}, {@code ::1} (compared as addresses, so {@code ::ffff:127.0.0.1} is
 *       {@code 127.0.0.1});</li>
 *   <li>a CIDR: {@code 127.0.0.0/8}, {@code fd00::/8}, and an IP range {@code 192.0.2.1-192.0.2.9}
 *       (any port);</li>
 *   <li>a domain: {@code example.com} matches that name only, {@code .example.com} it and every
 *       subdomain (names compare without case and without a trailing dot);</li>
 *   <li>a wildcard: {@code *.example.com}, {@code ?} for one character, {@code *} for any run of
 *       characters, dots included;</li>
 *   <li>any IP, domain or wildcard with {@code :port} or {@code :low-high}: {@code example.com:443},
 *       {@code [::1]:22}, {@code 10.0.0.1:1000-2000}.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe; built once per configuration.
 */
public final class Bypass {

    private final String name;
    private final boolean whitelist;
    private final List<Matcher> matchers;

    private Bypass(String name, boolean whitelist, List<Matcher> matchers) {
        this.name = name;
        this.whitelist = whitelist;
        this.matchers = matchers;
    }

    /**
     * Compiles {@code patterns}.
     *
     * @throws IllegalArgumentException naming the first pattern that is none of the forms above
     */
    public static Bypass of(String name, boolean whitelist, List<String> patterns) {
        Objects.requireNonNull(name, "name");
        List<Matcher> compiled = new ArrayList<>();
        for (String pattern : patterns) {
            compiled.add(compile(pattern));
        }
        return new Bypass(name, whitelist, List.copyOf(compiled));
    }

    public String name() {
        return name;
    }

    /** True when the matchers name the only targets allowed. */
    public boolean isWhitelist() {
        return whitelist;
    }

    /** True when a client may not reach {@code host:port} ({@code host} a name or an IP literal). */
    public boolean forbids(String host, int port) {
        Target target = Target.of(host, port);
        boolean matched = false;
        for (Matcher matcher : matchers) {
            if (matcher.matches(target)) {
                matched = true;
                break;
            }
        }
        return whitelist != matched;
    }

    /** As {@link #forbids(String, int)}, with the host as given (unresolved) or the address's IP. */
    public boolean forbids(InetSocketAddress target) {
        InetAddress address = target.isUnresolved() ? null : target.getAddress();
        String host = address != null ? address.getHostAddress() : target.getHostString();
        return forbids(host, target.getPort());
    }

    @Override
    public String toString() {
        return "Bypass[" + name + (whitelist ? ", whitelist" : "") + ", " + matchers.size() + " matchers]";
    }

    // ---- compiling ------------------------------------------------------------------------------------

    private static Matcher compile(String raw) {
        String pattern = raw == null ? "" : raw.trim();
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("an empty matcher; use an IP, a CIDR, a domain or a wildcard");
        }
        if (pattern.contains("/")) {
            return cidr(pattern);
        }
        int dash = pattern.indexOf('-');
        if (dash > 0) {
            byte[] low = ip(pattern.substring(0, dash));
            byte[] high = ip(pattern.substring(dash + 1));
            if (low != null && high != null) {
                if (low.length != high.length || compare(low, high) > 0) {
                    throw new IllegalArgumentException("'" + pattern + "' is not an IP range: both ends must be of"
                            + " one family and the first not above the second");
                }
                return target -> target.ip != null && target.ip.length == low.length
                        && compare(low, target.ip) <= 0 && compare(target.ip, high) <= 0;
            }
        }
        String host = pattern;
        PortRange ports = PortRange.ANY;
        if (pattern.startsWith("[")) {
            int close = pattern.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + pattern + "' opens '[' without closing it; write [::1]:22");
            }
            host = pattern.substring(1, close);
            String rest = pattern.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + pattern + "': expected :port after ']'");
                }
                ports = PortRange.parse(pattern, rest.substring(1));
            }
        } else if (pattern.indexOf(':') >= 0 && pattern.indexOf(':') == pattern.lastIndexOf(':')) {
            int colon = pattern.indexOf(':');
            host = pattern.substring(0, colon);
            ports = PortRange.parse(pattern, pattern.substring(colon + 1));
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + pattern + "' has a port but no host");
        }
        PortRange portRange = ports;
        if (host.contains("*") || host.contains("?")) {
            Pattern glob = glob(Target.normalizeName(host));
            return target -> target.name != null && glob.matcher(target.name).matches() && portRange.contains(target.port);
        }
        byte[] ip = ip(host);
        if (ip != null) {
            return target -> target.ip != null && Arrays.equals(ip, target.ip) && portRange.contains(target.port);
        }
        if (!host.matches("[A-Za-z0-9._-]+\\.?")) {
            throw new IllegalArgumentException("'" + pattern + "' is neither an IP, a CIDR, an IP range, a domain nor"
                    + " a wildcard such as *.example.com");
        }
        String domain = Target.normalizeName(host);
        if (domain.startsWith(".")) {
            String bare = domain.substring(1);
            return target -> target.name != null && (target.name.equals(bare) || target.name.endsWith(domain))
                    && portRange.contains(target.port);
        }
        return target -> domain.equals(target.name) && portRange.contains(target.port);
    }

    private static Matcher cidr(String pattern) {
        int slash = pattern.indexOf('/');
        byte[] network = ip(pattern.substring(0, slash));
        int bits;
        try {
            bits = Integer.parseInt(pattern.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (network == null || bits < 0 || bits > network.length * 8) {
            throw new IllegalArgumentException("'" + pattern + "' is not a CIDR such as 127.0.0.0/8 or fd00::/8");
        }
        int prefix = bits;
        return target -> target.ip != null && target.ip.length == network.length
                && samePrefix(network, target.ip, prefix);
    }

    /** A glob over the whole name: {@code *} any run of characters, {@code ?} one character. */
    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** The address of an IP literal (IPv4-mapped IPv6 as IPv4), or null for anything else; no DNS. */
    static byte[] ip(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] ipv6) {
        for (int i = 0; i < 10; i++) {
            if (ipv6[i] != 0) {
                return false;
            }
        }
        return ipv6[10] == (byte) 0xff && ipv6[11] == (byte) 0xff;
    }

    private static boolean samePrefix(byte[] network, byte[] address, int bits) {
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (network[i] != address[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (network[full] & mask) == (address[full] & mask);
    }

    private static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    // ---- matching -------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Matcher {
        boolean matches(Target target);
    }

    /** A target as matchers see it: its IP when it is an IP literal, else its normalized name. */
    private record Target(String name, byte[] ip, int port) {

        static Target of(String host, int port) {
            byte[] address = Bypass.ip(host);
            return address != null ? new Target(null, address, port) : new Target(normalizeName(host), null, port);
        }

        /** Lower case, without a trailing dot: {@code Example.COM.} and {@code example.com} are one name. */
        static String normalizeName(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            return lower.endsWith(".") && lower.length() > 1 ? lower.substring(0, lower.length() - 1) : lower;
        }
    }

    /** {@code 80}, {@code 1000-2000}, or any port. */
    private record PortRange(int low, int high) {

        static final PortRange ANY = new PortRange(0, 65535);

        static PortRange parse(String pattern, String text) {
            try {
                int dash = text.indexOf('-');
                int low = Integer.parseInt(dash < 0 ? text : text.substring(0, dash));
                int high = dash < 0 ? low : Integer.parseInt(text.substring(dash + 1));
                if (low >= 0 && high <= 65535 && low <= high) {
                    return new PortRange(low, high);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("'" + pattern + "': '" + text + "' is not a port (0-65535) or a port"
                    + " range such as 1000-2000");
        }

        boolean contains(int port) {
            return low <= port && port <= high;
        }
    }
}
