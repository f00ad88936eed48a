package io.gost.runtime.limit;

import io.gost.runtime.match.AddressTable;
import io.gost.runtime.match.IpAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The lines of one of GOST's limiters, compiled: {@code KEY VALUE...} where KEY is {@code $} (the whole
 * service), {@code $$} (a default for every client: each connection for traffic limiters, each client IP for
 * connection and request limiters), an IP (that client) or a CIDR (each client IP inside it). {@code #} starts
 * a comment; a later line for the same key replaces an earlier one (inline lines come first, then files, Redis
 * and HTTP).
 *
 * <p>A client IP's own rule is its exact IP's, else the most specific CIDR containing it (GOST takes the first
 * of the containing CIDRs its trie returns, which is the least specific; the most specific is what routing
 * tables and every network engineer expect). Immutable.
 *
 * @param <V> a limit: traffic rates or a count
 */
public final class LimitTable<V> {

    private final V service;
    private final V perClient;
    private final Map<String, V> addresses;
    private final AddressTable<V> networks;
    private final Map<String, V> lines;

    private LimitTable(V service, V perClient, Map<String, V> addresses, AddressTable<V> networks,
                       Map<String, V> lines) {
        this.service = service;
        this.perClient = perClient;
        this.addresses = addresses;
        this.networks = networks;
        this.lines = lines;
    }

    /** No limits at all. */
    public static <V> LimitTable<V> empty() {
        return new LimitTable<>(null, null, Map.of(), AddressTable.empty(), Map.of());
    }

    /**
     * Compiles {@code lines}; a line {@code parseValue} or the key cannot read is handed to {@code rejected}
     * (line, reason) and left out.
     *
     * @param parseValue reads the words after the key (and gets the key as written, for its messages); throws
     *                   {@link IllegalArgumentException} saying why not; returns {@code null} for "no limit"
     */
    public static <V> LimitTable<V> compile(List<String> lines, BiFunction<String, List<String>, V> parseValue,
                                            BiConsumer<String, String> rejected) {
        Map<String, V> byKey = new LinkedHashMap<>();
        Map<String, byte[]> ips = new HashMap<>();
        Map<String, int[]> bits = new HashMap<>();
        for (String raw : lines) {
            String line = strip(raw);
            if (line.isEmpty()) {
                continue;
            }
            List<String> words = words(line);
            if (words.size() < 2) {
                rejected.accept(raw, "expected a key ($, $$, an IP or a CIDR) and a limit");
                continue;
            }
            String key = words.get(0);
            V value;
            try {
                value = parseValue.apply(key, words.subList(1, words.size()));
            } catch (IllegalArgumentException e) {
                rejected.accept(raw, e.getMessage());
                continue;
            }
            String canonical;
            if (key.equals("$") || key.equals("$$")) {
                canonical = key;
            } else if (key.contains("/")) {
                int slash = key.indexOf('/');
                byte[] network = IpAddress.parse(key.substring(0, slash));
                int prefix;
                try {
                    prefix = Integer.parseInt(key.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (network == null || prefix < 0 || prefix > network.length * 8) {
                    rejected.accept(raw, "'" + key + "' is not a CIDR such as 192.168.0.0/16");
                    continue;
                }
                canonical = IpAddress.format(network) + "/" + prefix;
                ips.put(canonical, network);
                bits.put(canonical, new int[] {prefix});
            } else {
                byte[] ip = IpAddress.parse(key);
                if (ip == null) {
                    rejected.accept(raw, "'" + key + "' is not $, $$, an IP or a CIDR");
                    continue;
                }
                canonical = IpAddress.format(ip);
            }
            byKey.remove(canonical); // the later line wins and takes the later place
            byKey.put(canonical, value);
        }
        V service = null;
        V perClient = null;
        Map<String, V> addresses = new HashMap<>();
        AddressTable.Builder<V> networks = AddressTable.builder();
        for (Map.Entry<String, V> entry : byKey.entrySet()) {
            String key = entry.getKey();
            V value = entry.getValue();
            if (value == null) {
                continue; // "no limit" for this key
            }
            if (key.equals("$")) {
                service = value;
            } else if (key.equals("$$")) {
                perClient = value;
            } else if (key.contains("/")) {
                networks.addPrefix(ips.get(key), bits.get(key)[0], value);
            } else {
                addresses.put(key, value);
            }
        }
        return new LimitTable<>(service, perClient, Collections.unmodifiableMap(addresses), networks.build(),
                Collections.unmodifiableMap(byKey));
    }

    /** The line without its comment and surrounding blanks. */
    public static String strip(String line) {
        int hash = line.indexOf('#');
        return (hash >= 0 ? line.substring(0, hash) : line).trim();
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        for (String word : line.split("[ \\t]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /** The {@code $} limit, or {@code null}. */
    public V service() {
        return service;
    }

    /** The {@code $$} limit, or {@code null}. */
    public V perClient() {
        return perClient;
    }

    /** The rule of this client IP itself (its IP's, else the most specific CIDR's), or {@code null}. */
    public V specific(byte[] ip) {
        if (ip == null) {
            return null;
        }
        V exact = addresses.isEmpty() ? null : addresses.get(IpAddress.format(ip));
        return exact != null ? exact : networks.lookup(ip);
    }

    /** Every key and its limit, in the order they apply (for {@code gost check} and logs). */
    public Map<String, V> lines() {
        return lines;
    }

    public boolean isEmpty() {
        return service == null && perClient == null && addresses.isEmpty() && networks.isEmpty();
    }

    @Override
    public String toString() {
        return "LimitTable" + lines;
    }
}
