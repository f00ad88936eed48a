package io.gost.runtime.dns;

import io.gost.runtime.config.HostsConfig;
import io.gost.runtime.control.HttpPluginClient;
import io.gost.runtime.control.PluginClient;
import io.gost.runtime.match.AddressPatterns;
import io.gost.runtime.match.IpAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * One of GOST's host mappers ({@code hosts:}): names answered from a table before any DNS server is asked.
 * A lookup tries the name itself, then {@code .name}, then each parent domain written with a leading dot
 * ({@code .example.org} covers {@code a.b.example.org}), then {@code .} (every name). Entries come inline or
 * from {@code /etc/hosts}-format lines ({@code IP name [name...]}); the table can be replaced while in use.
 *
 * <p>Or a plugin answers ({@link #plugin}, GOST's {@code plugin: {type: http}}): each name is posted as
 * {@code {"network", "host", "client"}} and the answer's {@code ips} are used (GOST's {@code ok} aside, as GOST
 * does); no addresses, or a plugin that cannot be asked, hands the name on to the resolver.
 */
public final class HostMapper {

    private final String name;
    private final PluginClient plugin;
    private volatile Map<String, List<InetAddress>> table;

    public HostMapper(String name, Map<String, List<InetAddress>> table) {
        this(name, table, null);
    }

    private HostMapper(String name, Map<String, List<InetAddress>> table, PluginClient plugin) {
        this.name = Objects.requireNonNull(name, "name");
        this.table = Objects.requireNonNull(table, "table");
        this.plugin = plugin;
    }

    /** A host mapper whose plugin answers every name. */
    public static HostMapper plugin(String name, PluginClient plugin) {
        return new HostMapper(name, Map.of(), Objects.requireNonNull(plugin, "plugin"));
    }

    /** True when a plugin answers: ask {@link #lookupLater}. */
    public boolean asksPlugin() {
        return plugin != null;
    }

    /**
     * The addresses of {@code host}: the plugin's answer, or the table's at once. Never fails: a plugin that
     * cannot be asked answers nothing (and is logged).
     *
     * @param network {@code tcp} or {@code udp}, named to the plugin
     */
    public CompletionStage<List<InetAddress>> lookupLater(String network, String host) {
        if (plugin == null) {
            return CompletableFuture.completedFuture(lookup(host));
        }
        return plugin.post(HttpPluginClient.object("network", network, "host", host, "client", ""),
                "asking the resolver instead").handle((answer, error) -> error != null ? List.of()
                : addresses(host, HttpPluginClient.ips(answer)));
    }

    /** The IPs among {@code ips}, named {@code host}; text that is not an IP is skipped, as GOST skips it. */
    static List<InetAddress> addresses(String host, List<String> ips) {
        List<InetAddress> addresses = new ArrayList<>(ips.size());
        for (String ip : ips) {
            byte[] bytes = IpAddress.parse(ip.trim());
            if (bytes != null) {
                try {
                    addresses.add(InetAddress.getByAddress(host, bytes));
                } catch (UnknownHostException e) {
                    // cannot happen for 4 or 16 bytes
                }
            }
        }
        return List.copyOf(addresses);
    }

    public String name() {
        return name;
    }

    public int size() {
        return table.size();
    }

    public void update(Map<String, List<InetAddress>> newTable) {
        this.table = Objects.requireNonNull(newTable, "newTable");
    }

    /** The addresses mapped to {@code host}, in the order written; empty when the table has none. */
    public List<InetAddress> lookup(String host) {
        Map<String, List<InetAddress>> current = table;
        if (current.isEmpty()) {
            return List.of();
        }
        String key = AddressPatterns.normalizeName(host);
        List<InetAddress> found = current.get(key);
        if (found == null) {
            found = current.get("." + key);
        }
        for (int dot = key.indexOf('.'); found == null && dot >= 0; dot = key.indexOf('.', dot + 1)) {
            found = current.get(key.substring(dot));
        }
        if (found == null) {
            found = current.get(".");
        }
        return found == null ? List.of() : found;
    }

    /**
     * Builds the table from inline mappings and {@code /etc/hosts}-format lines (later entries for a name are
     * added after earlier ones). A line or mapping that cannot be read is handed to {@code rejected}.
     */
    public static Map<String, List<InetAddress>> table(List<HostsConfig.Mapping> mappings, List<String> lines,
                                                       BiConsumer<String, String> rejected) {
        Map<String, List<InetAddress>> table = new HashMap<>();
        for (HostsConfig.Mapping mapping : mappings) {
            InetAddress address = address(mapping.ip());
            if (address == null) {
                rejected.accept(mapping.ip() + " " + mapping.hostname(), "'" + mapping.ip() + "' is not an IP address");
                continue;
            }
            add(table, mapping.hostname(), address);
            mapping.aliases().forEach(alias -> add(table, alias, address));
        }
        for (String raw : lines) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("[ \\t]+");
            if (words.length < 2) {
                rejected.accept(raw, "expected an IP and at least one name");
                continue;
            }
            InetAddress address = address(words[0]);
            if (address == null) {
                rejected.accept(raw, "'" + words[0] + "' is not an IP address");
                continue;
            }
            for (int i = 1; i < words.length; i++) {
                add(table, words[i], address);
            }
        }
        table.replaceAll((key, addresses) -> List.copyOf(addresses));
        return Collections.unmodifiableMap(table);
    }

    private static void add(Map<String, List<InetAddress>> table, String hostname, InetAddress address) {
        String key = hostname.equals(".") ? "." : AddressPatterns.normalizeName(hostname);
        List<InetAddress> addresses = table.computeIfAbsent(key, k -> new ArrayList<>(2));
        if (!addresses.contains(address)) {
            addresses.add(address);
        }
    }

    private static InetAddress address(String text) {
        byte[] bytes = IpAddress.parse(text.trim());
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        if (plugin != null) {
            return "HostMapper[" + name + ", plugin " + plugin.address() + "]";
        }
        return "HostMapper[" + name + ", " + table.size() + " names]";
    }
}
