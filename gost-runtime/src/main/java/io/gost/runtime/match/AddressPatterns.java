package io.gost.runtime.match;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GOST's address matchers (bypass, admission, node filters), compiled into indexes so that a check costs
 * about the same for ten rules as for a hundred thousand:
 * <ul>
 *   <li>CIDRs ({@code 10.0.0.0/8}, {@code fd00::/8}) and IP ranges ({@code 192.0.2.1-192.0.2.9}) go into
 *       one {@link AddressTable} (a binary search), any port;</li>
 *   <li>IPs and names, each optionally with {@code :port} or {@code :low-high} ({@code [::1]:22} for IPv6),
 *       go into a hash map: {@code example.com} is that name only, {@code .example.com} it and every
 *       subdomain, found by looking up the name and then each of its parent domains;</li>
 *   <li>wildcards ({@code *.example.com}, {@code host-??.lan}), with an optional port, are checked one by
 *       one (they are few in practice).</li>
 * </ul>
 * Names compare without case and without a trailing dot; IP literals compare as addresses, so
 * {@code ::ffff:127.0.0.1} is {@code 127.0.0.1}. A CIDR or range only matches a target given as an IP: a name
 * is never looked up in DNS to be matched.
 *
 * <p>Immutable and thread-safe.
 */
public final class AddressPatterns {

    private static final AddressPatterns EMPTY = new AddressPatterns(AddressTable.empty(), Map.of(), List.of(), 0,
            List.of());

    private final AddressTable<Boolean> networks;
    /** A host, or {@code .domain}, to the ports it matches on. */
    private final Map<String, List<PortRange>> hosts;
    private final List<Wildcard> wildcards;
    private final int size;
    /** The patterns as written, for equality and display. */
    private final List<String> source;

    private AddressPatterns(AddressTable<Boolean> networks, Map<String, List<PortRange>> hosts,
                            List<Wildcard> wildcards, int size, List<String> source) {
        this.networks = networks;
        this.hosts = hosts;
        this.wildcards = wildcards;
        this.size = size;
        this.source = source;
    }

    /** Matches nothing. */
    public static AddressPatterns empty() {
        return EMPTY;
    }

    /**
     * Compiles {@code patterns}.
     *
     * @throws IllegalArgumentException naming the first pattern that is none of the forms GOST has
     */
    public static AddressPatterns compile(List<String> patterns) {
        Builder builder = new Builder();
        for (String pattern : patterns) {
            builder.add(pattern);
        }
        return builder.build();
    }

    /** Compiles what it can of {@code patterns}, handing each one it cannot read to {@code rejected}. */
    public static AddressPatterns compileLenient(List<String> patterns, java.util.function.BiConsumer<String, String> rejected) {
        Builder builder = new Builder();
        for (String pattern : patterns) {
            try {
                builder.add(pattern);
            } catch (IllegalArgumentException e) {
                rejected.accept(pattern, e.getMessage());
            }
        }
        return builder.build();
    }

    /** The number of patterns. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** True when a pattern matches {@code host} (a name or an IP literal) on {@code port}. */
    public boolean matches(String host, int port) {
        byte[] ip = IpAddress.parse(host);
        if (ip != null) {
            return matches(ip, port);
        }
        String name = normalizeName(host);
        if (portsMatch(hosts.get(name), port) || portsMatch(hosts.get("." + name), port)) {
            return true;
        }
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            if (portsMatch(hosts.get(name.substring(dot)), port)) {
                return true;
            }
        }
        for (Wildcard wildcard : wildcards) {
            if (wildcard.ports.contains(port) && wildcard.glob.matches(name)) {
                return true;
            }
        }
        return false;
    }

    /** True when a pattern matches the IP {@code ip} (4 or 16 bytes) on {@code port}. */
    public boolean matches(byte[] ip, int port) {
        if (networks.contains(ip)) {
            return true;
        }
        String text = IpAddress.format(ip);
        if (portsMatch(hosts.get(text), port)) {
            return true;
        }
        for (Wildcard wildcard : wildcards) {
            if (wildcard.ports.contains(port) && wildcard.glob.matches(text)) {
                return true;
            }
        }
        return false;
    }

    private static boolean portsMatch(List<PortRange> ports, int port) {
        if (ports == null) {
            return false;
        }
        for (PortRange range : ports) {
            if (range.contains(port)) {
                return true;
            }
        }
        return false;
    }

    /** Lower case, without a trailing dot: {@code Example.COM.} and {@code example.com} are one name. */
    public static String normalizeName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") && lower.length() > 1 ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** The patterns as written (those compiled). */
    public List<String> patterns() {
        return source;
    }

    /** Equal when compiled from the same patterns. */
    @Override
    public boolean equals(Object other) {
        return other instanceof AddressPatterns that && source.equals(that.source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return size <= 5 ? "AddressPatterns" + source : "AddressPatterns[" + size + "]";
    }

    private record Wildcard(Glob glob, PortRange ports) {
    }

    /** Sorts patterns into the indexes. */
    private static final class Builder {

        private final AddressTable.Builder<Boolean> networks = AddressTable.builder();
        private final Map<String, List<PortRange>> hosts = new HashMap<>();
        private final List<Wildcard> wildcards = new ArrayList<>();
        private final List<String> source = new ArrayList<>();
        private int size;

        void add(String raw) {
            String pattern = raw == null ? "" : raw.trim();
            if (pattern.isEmpty()) {
                throw new IllegalArgumentException("an empty matcher; use an IP, a CIDR, a domain or a wildcard");
            }
            addPattern(pattern);
            size++;
            source.add(pattern);
        }

        private void addPattern(String pattern) {
            if (pattern.contains("/")) {
                addCidr(pattern);
                return;
            }
            int dash = pattern.indexOf('-');
            if (dash > 0) {
                byte[] low = IpAddress.parse(pattern.substring(0, dash));
                byte[] high = IpAddress.parse(pattern.substring(dash + 1));
                if (low != null && high != null) {
                    if (low.length != high.length || AddressTable.compare(IpAddress.high(low), IpAddress.low(low),
                            IpAddress.high(high), IpAddress.low(high)) > 0) {
                        throw new IllegalArgumentException("'" + pattern + "' is not an IP range: both ends must be"
                                + " of one family and the first not above the second");
                    }
                    networks.addRange(low, high, Boolean.TRUE, 0);
                    return;
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
            if (Glob.isWildcard(host)) {
                wildcards.add(new Wildcard(Glob.compile(normalizeName(host)), ports));
                return;
            }
            byte[] ip = IpAddress.parse(host);
            String key;
            if (ip != null) {
                key = IpAddress.format(ip);
            } else if (host.matches("\\.?[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?") || host.equals(".")) {
                key = normalizeName(host);
            } else {
                throw new IllegalArgumentException("'" + pattern + "' is neither an IP, a CIDR, an IP range, a domain"
                        + " nor a wildcard such as *.example.com");
            }
            hosts.computeIfAbsent(key, k -> new ArrayList<>(1)).add(ports);
        }

        private void addCidr(String pattern) {
            int slash = pattern.indexOf('/');
            byte[] network = IpAddress.parse(pattern.substring(0, slash));
            int bits;
            try {
                bits = Integer.parseInt(pattern.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (network == null || bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException("'" + pattern + "' is not a CIDR such as 127.0.0.0/8 or fd00::/8");
            }
            networks.addPrefix(network, bits, Boolean.TRUE);
        }

        AddressPatterns build() {
            if (size == 0) {
                return EMPTY;
            }
            Map<String, List<PortRange>> frozen = new HashMap<>();
            hosts.forEach((key, ports) -> frozen.put(key, List.copyOf(ports)));
            return new AddressPatterns(networks.build(), Collections.unmodifiableMap(frozen), List.copyOf(wildcards),
                    size, List.copyOf(source));
        }
    }
}
