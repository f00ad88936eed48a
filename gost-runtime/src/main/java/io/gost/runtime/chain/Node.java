package io.gost.runtime.chain;

import io.gost.api.Connector;
import io.gost.api.Dialer;
import io.gost.api.Metadata;
import io.gost.api.NetnsRef;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One node of a hop or forwarder: where it is, how to reach it, and how it has fared lately.
 *
 * <p>Options read from node metadata when the node is built (so a bad value fails at start-up, naming the
 * key): {@code maxFails} and {@code failTimeout} override the hop selector's fail filter for this node,
 * {@code weight} (default 1) weighs it for the {@code random} strategy, and {@code backup: true} keeps it
 * out of selection while any other node is alive.
 */
public final class Node {

    private final String name;
    private final InetSocketAddress address;
    private final Dialer dialer;
    private final Connector connector;
    private final NetnsRef netns;
    private final Metadata metadata;
    private final FailMarker marker;
    private final OptionalInt maxFails;
    private final Optional<Duration> failTimeout;
    private final int weight;
    private final boolean backup;

    /**
     * A node with a fresh failure marker on the system clock.
     *
     * @param name      e.g. {@code node-0} or {@code target-0}
     * @param address   usually unresolved, as {@link #parseAddress} makes it
     * @param dialer    the transport to reach it, or {@code null} for the router's direct (tcp) dialer
     * @param connector the protocol spoken through it in a chain, or {@code null} for forwarder targets
     * @param netns     the namespace the socket to this node is created in (node metadata, then the
     *                  node field, then hop metadata, already resolved by the caller), or {@code null}
     * @param metadata  the node's options
     */
    public Node(String name, InetSocketAddress address, Dialer dialer, Connector connector, NetnsRef netns,
                Metadata metadata) {
        this(name, address, dialer, connector, netns, metadata, new FailMarker());
    }

    /** As the other constructor, with a given marker (tests pass one on a fake clock). */
    public Node(String name, InetSocketAddress address, Dialer dialer, Connector connector, NetnsRef netns,
                Metadata metadata, FailMarker marker) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a node needs a name");
        }
        this.name = name;
        this.address = Objects.requireNonNull(address, "address");
        this.dialer = dialer;
        this.connector = connector;
        this.netns = netns;
        this.metadata = Objects.requireNonNullElse(metadata, Metadata.empty());
        this.marker = Objects.requireNonNull(marker, "marker");
        this.maxFails = this.metadata.contains("maxFails")
                ? OptionalInt.of(this.metadata.getInt("maxFails", 1)) : OptionalInt.empty();
        this.failTimeout = this.metadata.contains("failTimeout")
                ? Optional.of(this.metadata.getDuration("failTimeout", Duration.ZERO)) : Optional.empty();
        this.weight = this.metadata.getInt("weight", 1);
        this.backup = this.metadata.getBoolean("backup", false);
    }

    /** A forwarder target: reached with the router's direct dialer, no connector, no namespace of its own. */
    public static Node target(String name, String addr, Metadata metadata) {
        return new Node(name, parseAddress(addr), null, null, null, metadata);
    }

    /**
     * The namespace a node's socket is created in, by GOST's precedence: the node's metadata {@code netns},
     * then the node's deprecated {@code netns} field, then the hop's metadata {@code netns}. Blank values
     * count as unset.
     *
     * @return the namespace, or {@code null} for the process's own
     * @throws IllegalArgumentException when the chosen value can name no namespace
     */
    public static NetnsRef resolveNetns(Metadata nodeMetadata, String nodeField, Metadata hopMetadata) {
        for (String value : new String[] {nodeMetadata.getString("netns", null), nodeField,
                hopMetadata.getString("netns", null)}) {
            if (value != null && !value.isBlank()) {
                return NetnsRef.parse(value.strip());
            }
        }
        return null;
    }

    /**
     * Parses a dialing address as GOST writes it: {@code host:port}, {@code [v6]:port}, or {@code :port},
     * which means the local host and becomes {@code localhost} (resolved from {@code /etc/hosts}). The
     * result is unresolved; names are resolved without blocking when dialed.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static InetSocketAddress parseAddress(String addr) {
        String text = Objects.requireNonNull(addr, "addr").trim();
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw badAddress(addr, "it has no port");
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw badAddress(addr, "an IPv6 address must be written in brackets, as [::1]:8080");
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw badAddress(addr, "the port '" + portText + "' is not a number");
        }
        if (port < 1 || port > 65_535) {
            throw badAddress(addr, "the port must be between 1 and 65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static IllegalArgumentException badAddress(String addr, String problem) {
        return new IllegalArgumentException("address '" + addr + "' is not host:port (" + problem
                + "); write it as 127.0.0.1:8080, example.com:8080, [::1]:8080 or :8080");
    }

    /** {@code host:port} as a user writes it, with IPv6 hosts in brackets. */
    public static String formatAddress(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The address as {@code host:port}. */
    public String addressText() {
        return formatAddress(address);
    }

    /** The node's own dialer, or {@code null} to use the router's direct dialer. */
    public Dialer dialer() {
        return dialer;
    }

    /** The connector spoken through this node, or {@code null} (forwarder targets). */
    public Connector connector() {
        return connector;
    }

    /** The namespace the socket to this node is created in, or {@code null} for the process's own. */
    public NetnsRef netns() {
        return netns;
    }

    public Metadata metadata() {
        return metadata;
    }

    public FailMarker marker() {
        return marker;
    }

    /** The node's {@code maxFails} override, if its metadata sets one. */
    public OptionalInt maxFails() {
        return maxFails;
    }

    /** The node's {@code failTimeout} override, if its metadata sets one. */
    public Optional<Duration> failTimeout() {
        return failTimeout;
    }

    /** Its weight for the {@code random} strategy; values below 1 count as 1, as in GOST. */
    public int weight() {
        return Math.max(weight, 1);
    }

    /** True when it is only used once no other node is alive. */
    public boolean backup() {
        return backup;
    }

    @Override
    public String toString() {
        return "Node[" + name + " " + addressText() + "]";
    }
}
