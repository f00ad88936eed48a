package io.gost.runtime.chain;

import io.gost.runtime.match.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How outgoing sockets are made (GOST's {@code interface} and {@code so_mark}): the local interfaces to leave
 * through, tried in order, and the socket mark.
 *
 * <ul>
 *   <li>An interface name ({@code eth0}) binds the socket to each of that interface's addresses in turn (of the
 *       target's family) and to the device itself ({@code SO_BINDTODEVICE}), except for targets that are not
 *       global unicast addresses (loopback, link-local), as GOST does.</li>
 *   <li>An IP binds the socket to that local address only.</li>
 *   <li>An entry ending in {@code !} is strict: when dialing through it fails, the next entries are not
 *       tried.</li>
 *   <li>{@code so_mark} sets {@code SO_MARK} (Linux; needs a native transport, io_uring or epoll), for policy routing and
 *       firewall rules.</li>
 * </ul>
 *
 * @param interfaces the entries, in order; empty for the kernel's choice
 * @param mark       the socket mark, 0 for none
 */
public record Outbound(List<Interface> interfaces, int mark) {

    /** The kernel's choices: no interface, no mark. */
    public static final Outbound NONE = new Outbound(List.of(), 0);

    /**
     * One {@code interface} entry.
     *
     * @param name   an interface name, or {@code null} for an address
     * @param ip     a local address (4 or 16 bytes), or {@code null} for a name
     * @param strict the entry ended in {@code !}
     */
    public record Interface(String name, byte[] ip, boolean strict) {

        @Override
        public String toString() {
            return (name != null ? name : IpAddress.format(ip)) + (strict ? "!" : "");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Interface that && Objects.equals(name, that.name)
                    && java.util.Arrays.equals(ip, that.ip) && strict == that.strict;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, java.util.Arrays.hashCode(ip), strict);
        }
    }

    public Outbound {
        interfaces = List.copyOf(Objects.requireNonNullElse(interfaces, List.of()));
        if (mark < 0) {
            throw new IllegalArgumentException("so_mark must be 0 or more, got " + mark);
        }
    }

    /**
     * Reads GOST's {@code interface} value: a comma list of interface names and IPs, each optionally ending in
     * {@code !}.
     *
     * @throws IllegalArgumentException naming an entry that is neither a name nor an IP
     */
    public static List<Interface> parseInterfaces(String text) {
        List<Interface> entries = new ArrayList<>();
        if (text == null) {
            return entries;
        }
        for (String raw : text.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            boolean strict = entry.endsWith("!");
            if (strict) {
                entry = entry.substring(0, entry.length() - 1).trim();
            }
            byte[] ip = IpAddress.parse(entry);
            if (ip != null) {
                entries.add(new Interface(null, ip, strict));
            } else if (entry.matches("[A-Za-z0-9_.:@-]{1,15}")) {
                entries.add(new Interface(entry, null, strict));
            } else {
                throw new IllegalArgumentException("interface '" + raw.trim() + "' is neither an interface name (at"
                        + " most 15 characters, such as eth0) nor an IP address");
            }
        }
        return entries;
    }

    public boolean isEmpty() {
        return interfaces.isEmpty() && mark == 0;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (!interfaces.isEmpty()) {
            parts.add("interface " + String.join(",", interfaces.stream().map(Interface::toString).toList()));
        }
        if (mark != 0) {
            parts.add("so_mark " + mark);
        }
        return parts.isEmpty() ? "default" : String.join(", ", parts);
    }
}
