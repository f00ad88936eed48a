package io.gost.runtime.bypass;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a bypass applies to a target (GOST's {@code Bypass.Contains}): a service then refuses the
 * target, a hop is left out of the route (the route ends before it), a node is not selectable.
 */
public interface BypassCheck {

    /** The name in messages: the bypass's, or the names of a group's members. */
    String name();

    /**
     * True when the bypass applies to {@code host:port} reached over {@code network}.
     *
     * @param network {@code tcp} or {@code udp}
     * @param host    a name or an IP literal
     */
    boolean forbids(String network, String host, int port);

    /**
     * True when a plain (not whitelist) bypass applies: used to check the address a name resolved to, which
     * a whitelist (naming what is allowed by name) must not be asked about.
     */
    boolean blacklistForbids(String network, String host, int port);

    /**
     * True when deciding needs a plugin's answer, which only {@link #forbidsLater} waits for ({@link #forbids}
     * cannot wait on an event loop and then applies the bypass: a rule that cannot be asked fails closed).
     */
    default boolean asksPlugin() {
        return false;
    }

    /**
     * As {@link #forbids(String, String, int)}, asking a plugin when one decides.
     *
     * @param service the service the target is for, named to the plugin
     * @return completes on whatever thread the answer arrived on
     */
    default CompletionStage<Boolean> forbidsLater(String network, String host, int port, String service) {
        return CompletableFuture.completedFuture(forbids(network, host, port));
    }

    /** As {@link #forbids(String, String, int)}, with the host as given (unresolved) or the address's IP. */
    default boolean forbids(String network, InetSocketAddress target) {
        return forbids(network, hostOf(target), target.getPort());
    }

    /** {@code tcp} as the network. */
    default boolean forbids(InetSocketAddress target) {
        return forbids("tcp", target);
    }

    /** The host a matcher sees: the name when unresolved, else the IP. */
    static String hostOf(InetSocketAddress target) {
        InetAddress address = target.isUnresolved() ? null : target.getAddress();
        return address != null ? address.getHostAddress() : target.getHostString();
    }
}
