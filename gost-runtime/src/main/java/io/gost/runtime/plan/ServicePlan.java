package io.gost.runtime.plan;

import io.gost.api.NetnsRef;
import io.gost.runtime.config.Origin;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A service: where it listens, what it speaks, and how it reaches targets.
 *
 * @param name            e.g. {@code service-0}
 * @param addr            the listen address as configured
 * @param bindAddress     the address to bind
 * @param listener        the transport accepting clients
 * @param handler         the protocol spoken to them
 * @param forwarder       fixed targets, or {@code null}
 * @param chain           the chain targets are reached through, or {@code null} for direct dials (or a group)
 * @param chainGroup      several chains to pick one from per connection, or {@code null}
 * @param listenerChain   for a reverse listener ({@code rtcp}, {@code rudp}): the chain whose last hop opens its
 *                        port ({@code listener.chain}), or {@code null} to open it locally; always {@code null}
 *                        for other listeners, whose {@code listener.chain} (if any) is the handler's {@code chain}
 * @param controls        the admissions, bypasses, limiters, host mapper and resolver it names, and its options
 *                        for them
 * @param netns           where the listener's socket (and client-side sockets) are created, or {@code null}
 * @param netnsOut        where direct and forwarder dials are made from, or {@code null}
 * @param dialTimeout     the limit for each step of a dial
 * @param idleTimeout     how long a tunnel may carry nothing, or {@code null} for no limit
 * @param maxConnections  connections open at once before new ones are closed; 0 for no limit
 * @param retries         extra dial attempts after a failed one
 * @param hashByTarget    true when {@code hash} selectors pick nodes by target host ({@code hash: host})
 *                        rather than by client address
 * @param openProxyWarning true when clients name any target with no credentials asked for
 * @param origin          where it was configured
 */
public record ServicePlan(String name, String addr, InetSocketAddress bindAddress, PluginPlan listener,
                          PluginPlan handler, HopPlan forwarder, ChainPlan chain, ChainGroupPlan chainGroup,
                          ChainPlan listenerChain, ServiceControls controls, NetnsRef netns,
                          NetnsRef netnsOut, Duration dialTimeout, Duration idleTimeout, int maxConnections,
                          int retries, boolean hashByTarget, boolean openProxyWarning, Origin origin) {

    public ServicePlan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(dialTimeout, "dialTimeout");
        controls = Objects.requireNonNullElse(controls, ServiceControls.NONE);
    }

    /** Every chain it may route through: its chain, or its group's. */
    public java.util.List<ChainPlan> chains() {
        if (chainGroup != null) {
            return chainGroup.chains();
        }
        return chain == null ? java.util.List.of() : java.util.List.of(chain);
    }

    /** Every namespace this service creates sockets in: listen, dial-out, and its chains' nodes. */
    public Set<NetnsRef> namespaces() {
        Set<NetnsRef> namespaces = new LinkedHashSet<>();
        if (netns != null) {
            namespaces.add(netns);
        }
        if (netnsOut != null) {
            namespaces.add(netnsOut);
        }
        java.util.List<ChainPlan> used = new java.util.ArrayList<>(chains());
        if (listenerChain != null) {
            used.add(listenerChain);
        }
        used.forEach(each -> each.hops().forEach(hop -> hop.nodes().forEach(node -> {
            if (node.netns() != null) {
                namespaces.add(node.netns());
            }
        })));
        return namespaces;
    }
}
