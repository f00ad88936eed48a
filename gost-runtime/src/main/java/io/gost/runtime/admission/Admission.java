package io.gost.runtime.admission;

import com.typesafe.config.Config;
import io.gost.runtime.control.HttpPluginClient;
import io.gost.runtime.control.PluginClient;
import io.gost.runtime.match.AddressTable;
import io.gost.runtime.match.IpAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * One of GOST's admission controllers: which client IPs a service accepts. Matchers are IPs, CIDRs and host
 * names; a name stands for the addresses it resolves to when the admission is (re)loaded. A plain admission
 * refuses the clients it matches; a whitelist accepts only those. An empty whitelist accepts nobody.
 *
 * <p>Checked when a connection is accepted, before anything is read from it: a binary search in an
 * {@link AddressTable}. The rules can be replaced while in use ({@link #update}).
 *
 * <p>Or a plugin decides ({@link #plugin}, GOST's {@code plugin: {type: http}}): each client is posted as
 * {@code {"service", "network": "tcp", "addr": "ip:port"}} and admitted when the answer is {@code {"ok": true}};
 * a plugin that cannot be asked (unreachable, another status than 200, not JSON) admits nobody, as in GOST. The
 * service waits for the answer ({@link #admitsLater}) before it reads anything from the client.
 */
public final class Admission {

    /** The compiled rules at one moment. */
    public record Rules(boolean whitelist, AddressTable<Boolean> clients) {

        public Rules {
            Objects.requireNonNull(clients, "clients");
        }

        boolean admits(byte[] ip) {
            boolean matched = ip != null && clients.contains(ip);
            return whitelist == matched;
        }
    }

    /** Looks up a host name's addresses (the JDK's resolver on the control thread; a stub in tests). */
    @FunctionalInterface
    public interface NameLookup {
        List<InetAddress> lookup(String name) throws UnknownHostException;

        NameLookup SYSTEM = name -> List.of(InetAddress.getAllByName(name));
    }

    private final String name;
    private final PluginClient plugin;
    private volatile Rules rules;

    public Admission(String name, Rules rules) {
        this(name, rules, null);
    }

    private Admission(String name, Rules rules, PluginClient plugin) {
        this.name = Objects.requireNonNull(name, "name");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.plugin = plugin;
    }

    /** An admission whose plugin decides about every client. */
    public static Admission plugin(String name, PluginClient plugin) {
        return new Admission(name, new Rules(true, AddressTable.empty()), Objects.requireNonNull(plugin));
    }

    /** True when a plugin decides: ask {@link #admitsLater}. */
    public boolean asksPlugin() {
        return plugin != null;
    }

    /**
     * Whether {@code client} may connect to {@code service}: the plugin's answer, or the rules' at once.
     *
     * @return completes on whatever thread the answer arrived on
     */
    public CompletionStage<Boolean> admitsLater(String service, InetSocketAddress client) {
        if (plugin == null) {
            return CompletableFuture.completedFuture(admits(client == null || client.getAddress() == null ? null
                    : IpAddress.of(client.getAddress())));
        }
        String addr = client == null ? "" : (client.getHostString().indexOf(':') >= 0 ? "[" + client.getHostString()
                + "]" : client.getHostString()) + ":" + client.getPort();
        return plugin.post(HttpPluginClient.object("service", service, "network", "tcp", "addr", addr),
                        "refusing the client")
                .handle((Config answer, Throwable error) -> error == null && HttpPluginClient.ok(answer));
    }

    public String name() {
        return name;
    }

    public Rules rules() {
        return rules;
    }

    public void update(Rules newRules) {
        this.rules = Objects.requireNonNull(newRules, "newRules");
    }

    /**
     * True when a client from {@code ip} (4 or 16 bytes; {@code null} for a client without an IP) may connect by
     * the rules; an admission whose plugin decides admits nobody here (ask {@link #admitsLater}).
     */
    public boolean admits(byte[] ip) {
        return plugin == null && rules.admits(ip);
    }

    /**
     * Checks one matcher as written in a configuration, without any DNS: an IP, a CIDR or a host name.
     *
     * @throws IllegalArgumentException naming it when it is none of these
     */
    public static void check(String matcher) {
        String text = matcher.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an empty matcher; use an IP, a CIDR or a host name");
        }
        if (text.contains("/")) {
            cidr(text);
            return;
        }
        if (IpAddress.parse(text) == null && !text.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?")) {
            throw new IllegalArgumentException("'" + text + "' is neither an IP, a CIDR nor a host name (admission"
                    + " matches client addresses, without ports)");
        }
    }

    /**
     * Compiles matchers into rules; names are looked up now. A matcher that cannot be read or resolved is handed
     * to {@code rejected} (matcher, reason) and left out.
     */
    public static Rules compile(boolean whitelist, List<String> matchers, NameLookup names,
                                BiConsumer<String, String> rejected) {
        AddressTable.Builder<Boolean> table = AddressTable.builder();
        for (String matcher : matchers) {
            String text = stripComment(matcher);
            if (text.isEmpty()) {
                continue;
            }
            try {
                check(text);
                if (text.contains("/")) {
                    Object[] network = cidr(text);
                    table.addPrefix((byte[]) network[0], (Integer) network[1], Boolean.TRUE);
                    continue;
                }
                byte[] ip = IpAddress.parse(text);
                if (ip != null) {
                    table.addAddress(ip, Boolean.TRUE);
                    continue;
                }
                for (InetAddress address : names.lookup(text)) {
                    table.addAddress(IpAddress.of(address), Boolean.TRUE);
                }
            } catch (UnknownHostException e) {
                rejected.accept(text, "the name does not resolve (" + e.getMessage() + ")");
            } catch (IllegalArgumentException e) {
                rejected.accept(text, e.getMessage());
            }
        }
        return new Rules(whitelist, table.build());
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return (hash >= 0 ? line.substring(0, hash) : line).trim();
    }

    private static Object[] cidr(String text) {
        int slash = text.indexOf('/');
        byte[] network = IpAddress.parse(text.substring(0, slash));
        int bits;
        try {
            bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (network == null || bits < 0 || bits > network.length * 8) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR such as 192.168.0.0/16");
        }
        return new Object[] {network, bits};
    }

    @Override
    public String toString() {
        if (plugin != null) {
            return "Admission[" + name + ", plugin " + plugin.address() + "]";
        }
        Rules current = rules;
        return "Admission[" + name + (current.whitelist() ? ", whitelist" : "") + ", " + current.clients().size()
                + " entries]";
    }
}
