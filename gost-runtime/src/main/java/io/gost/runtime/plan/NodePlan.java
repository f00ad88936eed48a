package io.gost.runtime.plan;

import io.gost.api.NetnsRef;
import io.gost.runtime.config.Origin;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A node of a hop (a proxy in a chain) or of a forwarder (a fixed target).
 *
 * @param name        e.g. {@code node-0} or {@code target-0}
 * @param addr        the address as configured
 * @param address     the address to dial, unresolved
 * @param dialer      how to reach it; {@code null} for forwarder targets, which the router dials directly
 * @param connector   what to speak through it; {@code null} for forwarder targets
 * @param netns       the namespace the socket to it is created in, or {@code null}
 * @param netnsSource where {@code netns} came from ("node metadata", "node", "hop"), for {@code gost check}
 * @param weight      its weight for the random strategy (1 or more)
 * @param backup      used only when no other node is alive
 * @param maxFails    its own {@code maxFails}, overriding the selector's
 * @param failTimeout its own {@code failTimeout}, overriding the selector's
 * @param controls    its bypasses (not selectable for a target they apply to), and the host mapper, resolver and
 *                    outgoing interface and mark for reaching it, with the hop's filled in where it sets none
 * @param origin      where it was configured
 */
public record NodePlan(String name, String addr, InetSocketAddress address, PluginPlan dialer, PluginPlan connector,
                       NetnsRef netns, String netnsSource, int weight, boolean backup, OptionalInt maxFails,
                       Optional<Duration> failTimeout, RouteControls controls, Origin origin) {

    public NodePlan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        weight = Math.max(1, weight);
        Objects.requireNonNull(maxFails, "maxFails");
        Objects.requireNonNull(failTimeout, "failTimeout");
        controls = Objects.requireNonNullElse(controls, RouteControls.NONE);
    }
}
