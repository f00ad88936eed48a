package io.gost.runtime.plan;

import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;

/**
 * The metadata keys the runtime itself reads, beside those each plugin declares: a service's, a hop's, a
 * node's and a chain's own {@code metadata}, and the keys it reads from every handler's.
 */
public final class RuntimeKeys {

    /** A service's {@code metadata}. */
    public static final MetadataSchema SERVICE = MetadataSchema.of(
            MetadataKey.string("netns", "", "network namespace the listening socket (and sockets toward the"
                    + " client) are created in: a name under /run/netns or an absolute path"),
            MetadataKey.string("netns.out", "", "network namespace direct and forwarder dials are made from"),
            MetadataKey.duration("dialTimeout", "15s", "time limit of each step of reaching a target"),
            MetadataKey.duration("idleTimeout", "", "close a relayed tunnel that carries nothing this long"
                    + " (gost-java)"),
            MetadataKey.integer("maxConnections", "0", "close new connections while this many are open; 0 for"
                    + " no limit (gost-java)"),
            MetadataKey.string("interface", "", "interfaces or local addresses direct dials leave through, tried in"
                    + " order (name, IP, comma list; '!' makes an entry strict)"),
            MetadataKey.integer("so_mark", "0", "SO_MARK of the sockets of direct dials (Linux, io_uring or epoll)"),
            MetadataKey.string("limiter.scope", "", "which lines of the service's limiter apply: service ($ only),"
                    + " conn ($$, IPs and CIDRs only), or both when empty"),
            MetadataKey.duration("limiter.refreshInterval", "30s", "how soon open connections take up the buckets"
                    + " a reload of the limiter gave them; for a limiter plugin, how long its answers are kept"),
            MetadataKey.duration("limiter.cleanupInterval", "60s", "how long per-client buckets and counters"
                    + " nobody uses are kept"));

    /** A hop's {@code metadata}. */
    public static final MetadataSchema HOP = MetadataSchema.of(
            MetadataKey.string("netns", "", "network namespace the sockets to this hop's nodes are created in,"
                    + " for nodes that set none"),
            MetadataKey.string("interface", "", "interfaces or local addresses the sockets to this hop's nodes"
                    + " leave through, for nodes that set none"),
            MetadataKey.integer("so_mark", "0", "SO_MARK of the sockets to this hop's nodes, for nodes that set"
                    + " none"));

    /** A node's {@code metadata}. */
    public static final MetadataSchema NODE = MetadataSchema.of(
            MetadataKey.string("netns", "", "network namespace the socket to this node is created in"),
            MetadataKey.integer("weight", "1", "weight for the random strategy"),
            MetadataKey.bool("backup", false, "use only when no other node is alive"),
            MetadataKey.integer("maxFails", "", "this node's maxFails, overriding the selector's"),
            MetadataKey.duration("failTimeout", "", "this node's failTimeout, overriding the selector's"),
            MetadataKey.string("interface", "", "interfaces or local addresses the socket to this node leaves"
                    + " through"),
            MetadataKey.integer("so_mark", "0", "SO_MARK of the socket to this node"));

    /** A chain's {@code metadata}. */
    public static final MetadataSchema CHAIN = MetadataSchema.of(
            MetadataKey.bool("backup", false, "in a chainGroup, use this chain only when no other is alive"));

    /** Keys the runtime reads from every handler's {@code metadata}. */
    public static final MetadataSchema HANDLER = MetadataSchema.of(
            MetadataKey.string("hash", "", "'host': hash selectors pick nodes by target host instead of by client"
                    + " address"),
            MetadataKey.duration("idleTimeout", "", "the service's idleTimeout, given with the handler's options"
                    + " (gost-java)"),
            MetadataKey.list("skipauth", "client IPs and CIDRs let in without credentials"),
            MetadataKey.duration("limiter.refreshInterval", "30s", "how long the answers of the handler's own"
                    + " limiter plugin (handler.limiter) are kept before they are asked again"),
            MetadataKey.duration("limiter.cleanupInterval", "60s", "how long an answer of the handler's own limiter"
                    + " plugin that no connection uses is kept"));

    private RuntimeKeys() {
    }
}
