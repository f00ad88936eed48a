package io.gost.runtime.admission;

import io.gost.runtime.match.AddressTable;
import io.gost.runtime.match.IpAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * One of GOST's admission controllers: which client IPs a service accepts. Matchers are IPs, CIDRs and host
 * names; a name stands for the addresses it resolves to when the admission is (re)loaded. A plain admission
 * refuses the clients it matches; a whitelist accepts only those. An empty whitelist accepts nobody.
 *
 * <p>Checked when a connection is accepted, before anything is read from it: a binary search in an
 * {@link AddressTable}. The rules can be replaced while in use ({@link #update}).
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
    private volatile Rules rules;

    public Admission(String name, Rules rules) {
        this.name = Objects.requireNonNull(name, "name");
        this.rules = Objects.requireNonNull(rules, "rules");
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

    /** True when a client from {@code ip} (4 or 16 bytes; {@code null} for a client without an IP) may connect. */
    public boolean admits(byte[] ip) {
        return rules.admits(ip);
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
        Rules current = rules;
        return "Admission[" + name + (current.whitelist() ? ", whitelist" : "") + ", " + current.clients().size()
                + " entries]";
    }
}
