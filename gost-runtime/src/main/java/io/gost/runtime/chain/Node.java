package io.gost.runtime.chain;

import io.gost.api.Connector;
import io.gost.api.Dialer;
import io.gost.api.NetnsRef;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One node of a hop or forwarder, running: where it is, how to reach it, and how it has fared lately.
 * Built from a {@link io.gost.runtime.plan.NodePlan}, which has read and checked its options.
 */
public final class Node {

    /**
     * How a node takes part in selection.
     *
     * @param weight      its weight for the {@code random} strategy; values below 1 count as 1, as in GOST
     * @param backup      used only once no other node is alive
     * @param maxFails    its own {@code maxFails}, overriding the selector's
     * @param failTimeout its own {@code failTimeout}, overriding the selector's
     */
    public record Options(int weight, boolean backup, OptionalInt maxFails, Optional<Duration> failTimeout) {

        /** Weight 1, no backup, the selector's fail filter. */
        public static final Options DEFAULT = new Options(1, false, OptionalInt.empty(), Optional.empty());

        public Options {
            weight = Math.max(1, weight);
            Objects.requireNonNull(maxFails, "maxFails");
            Objects.requireNonNull(failTimeout, "failTimeout");
        }
    }

    private final String name;
    private final InetSocketAddress address;
    private final Dialer dialer;
    private final Connector connector;
    private final NetnsRef netns;
    private final Options options;
    private final FailMarker marker;
    private final Route route;

    /**
     * What a route asks of a node beyond its transport: whether it may carry a target, how its address is
     * resolved, and how the socket to it is made.
     *
     * @param bypass   makes the node unselectable for the targets it applies to, or {@code null}
     * @param names    the host mapper and resolver for its address, or {@code null}
     * @param outbound the interface and socket mark of the socket to it
     */
    public record Route(io.gost.runtime.bypass.BypassCheck bypass, io.gost.runtime.dns.NameLookup names,
                        Outbound outbound) {

        /** Nothing beyond the defaults. */
        public static final Route NONE = new Route(null, null, Outbound.NONE);

        public Route {
            Objects.requireNonNull(outbound, "outbound");
        }
    }

    /** A node with a fresh failure marker on the system clock. */
    public Node(String name, InetSocketAddress address, Dialer dialer, Connector connector, NetnsRef netns,
                Options options) {
        this(name, address, dialer, connector, netns, options, new FailMarker());
    }

    /**
     * @param name      e.g. {@code node-0} or {@code target-0}
     * @param address   usually unresolved; names are resolved without blocking when dialed
     * @param dialer    the transport to reach it, or {@code null} for the router's direct (tcp) dialer
     * @param connector the protocol spoken through it in a chain, or {@code null} for forwarder targets
     * @param netns     the namespace the socket to this node is created in, or {@code null}
     * @param options   its selection options
     * @param marker    its failure marker (tests pass one on a fake clock)
     */
    public Node(String name, InetSocketAddress address, Dialer dialer, Connector connector, NetnsRef netns,
                Options options, FailMarker marker) {
        this(name, address, dialer, connector, netns, options, marker, Route.NONE);
    }

    /** As above, with what routes ask of it beyond its transport. */
    public Node(String name, InetSocketAddress address, Dialer dialer, Connector connector, NetnsRef netns,
                Options options, FailMarker marker, Route route) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a node needs a name");
        }
        this.name = name;
        this.address = Objects.requireNonNull(address, "address");
        this.dialer = dialer;
        this.connector = connector;
        this.netns = netns;
        this.options = Objects.requireNonNull(options, "options");
        this.marker = Objects.requireNonNull(marker, "marker");
        this.route = Objects.requireNonNull(route, "route");
    }

    /** Its bypass, name lookup and outbound settings. */
    public Route route() {
        return route;
    }

    /** True when its bypass lets it carry {@code target} over {@code network}. */
    public boolean carries(String network, InetSocketAddress target) {
        return route.bypass() == null || target == null || !route.bypass().forbids(network, target);
    }

    /** {@code host:port} as a user writes it, with IPv6 hosts in brackets. */
    public static String formatAddress(InetSocketAddress address) {
        return io.gost.api.HostPort.format(address);
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

    public FailMarker marker() {
        return marker;
    }

    /** The node's {@code maxFails} override, if it has one. */
    public OptionalInt maxFails() {
        return options.maxFails();
    }

    /** The node's {@code failTimeout} override, if it has one. */
    public Optional<Duration> failTimeout() {
        return options.failTimeout();
    }

    /** Its weight for the {@code random} strategy. */
    public int weight() {
        return options.weight();
    }

    /** True when it is only used once no other node is alive. */
    public boolean backup() {
        return options.backup();
    }

    @Override
    public String toString() {
        return "Node[" + name + " " + addressText() + "]";
    }
}
