package io.gost.runtime.bypass;

import com.typesafe.config.Config;
import io.gost.runtime.control.HttpPluginClient;
import io.gost.runtime.control.PluginClient;
import io.gost.runtime.match.AddressPatterns;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of GOST's {@code bypasses}: matchers over target addresses, a mode, and optionally a network.
 *
 * <ul>
 *   <li>A plain bypass applies to what its matchers match; a whitelist ({@code whitelist}, or GOST's
 *       {@code reverse}) to everything they do not match.</li>
 *   <li>With {@code network: tcp|udp} it applies only to targets reached over that network; with a network
 *       and no matchers, a plain bypass applies to every target of that network and a whitelist to none
 *       (GOST's behaviour).</li>
 *   <li>Without network or matchers a plain bypass applies to nothing and a whitelist to everything. (GOST
 *       lets everything through an empty whitelist; a whitelist that names nothing allowing everything is a
 *       surprise, so gost-java refuses everything, which is what the word says.)</li>
 * </ul>
 * Matchers as GOST writes them are described in {@link AddressPatterns}.
 *
 * <p>The rules can be replaced while the bypass is in use ({@link #update}): a reload of its data sources
 * compiles new rules and swaps them in with one volatile write, so checks never wait.
 *
 * <p>Or a plugin decides ({@link #plugin}, GOST's {@code plugin: {type: http}}): each target is posted as
 * {@code {"service", "network", "addr": "host:port", "client", "host", "path"}} and the bypass applies when the
 * answer is {@code {"ok": true}}; when the plugin cannot be asked (unreachable, another status than 200, not
 * JSON) it applies too, as in GOST. Such a bypass is asked through {@link #forbidsLater}; the planner allows it
 * on services only, whose router waits for the answer.
 */
public final class Bypass implements BypassCheck {

    private static final Logger log = LoggerFactory.getLogger(Bypass.class);

    /** The compiled rules of a bypass at one moment. */
    public record Rules(boolean whitelist, String network, AddressPatterns patterns) {

        public Rules {
            network = network == null || network.isBlank() ? null : network.trim().toLowerCase(Locale.ROOT);
            Objects.requireNonNull(patterns, "patterns");
        }

        boolean applies(String targetNetwork, String host, int port) {
            if (network != null && !network.equals(baseNetwork(targetNetwork))) {
                return false;
            }
            if (patterns.isEmpty()) {
                return network != null ? !whitelist : whitelist;
            }
            return whitelist != patterns.matches(host, port);
        }

        private static String baseNetwork(String network) {
            if (network == null) {
                return "tcp";
            }
            String lower = network.toLowerCase(Locale.ROOT);
            return lower.startsWith("udp") ? "udp" : lower.startsWith("tcp") ? "tcp" : lower;
        }
    }

    private final String name;
    private final PluginClient plugin;
    private volatile Rules rules;
    private volatile boolean askedWithoutWaitingReported;

    public Bypass(String name, Rules rules) {
        this(name, rules, null);
    }

    private Bypass(String name, Rules rules, PluginClient plugin) {
        this.name = Objects.requireNonNull(name, "name");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.plugin = plugin;
    }

    /** A bypass whose plugin decides about every target. */
    public static Bypass plugin(String name, PluginClient plugin) {
        return new Bypass(name, new Rules(false, null, AddressPatterns.empty()), Objects.requireNonNull(plugin));
    }

    /**
     * A bypass with fixed matchers.
     *
     * @throws IllegalArgumentException naming the first pattern that is none of the forms GOST has
     */
    public static Bypass of(String name, boolean whitelist, List<String> patterns) {
        return new Bypass(name, new Rules(whitelist, null, AddressPatterns.compile(patterns)));
    }

    @Override
    public String name() {
        return name;
    }

    /** True when the matchers name the only targets allowed. */
    public boolean isWhitelist() {
        return rules.whitelist();
    }

    /** The rules in force now. */
    public Rules rules() {
        return rules;
    }

    /** Replaces the rules; checks from now on see the new ones. */
    public void update(Rules newRules) {
        this.rules = Objects.requireNonNull(newRules, "newRules");
    }

    /** True when a client may not reach {@code host:port} over tcp ({@code host} a name or an IP literal). */
    public boolean forbids(String host, int port) {
        return forbids("tcp", host, port);
    }

    @Override
    public boolean forbids(String network, String host, int port) {
        if (plugin != null) {
            if (!askedWithoutWaitingReported) {
                askedWithoutWaitingReported = true;
                log.warn("bypass {}: asked where its plugin's answer cannot be awaited ({} {}:{}); the target is"
                        + " treated as bypassed", name, network, host, port);
            }
            return true;
        }
        return rules.applies(network, host, port);
    }

    @Override
    public boolean blacklistForbids(String network, String host, int port) {
        if (plugin != null) {
            return false; // the plugin was asked about the target as the client named it
        }
        Rules current = rules;
        return !current.whitelist() && current.applies(network, host, port);
    }

    @Override
    public boolean asksPlugin() {
        return plugin != null;
    }

    @Override
    public CompletionStage<Boolean> forbidsLater(String network, String host, int port, String service) {
        if (plugin == null) {
            return CompletableFuture.completedFuture(forbids(network, host, port));
        }
        String addr = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return plugin.post(HttpPluginClient.object("service", service, "network", network == null ? "tcp" : network,
                        "addr", addr, "client", "", "host", "", "path", ""), "treating the target as bypassed")
                .handle((Config answer, Throwable error) -> error != null || HttpPluginClient.ok(answer));
    }

    @Override
    public String toString() {
        if (plugin != null) {
            return "Bypass[" + name + ", plugin " + plugin.address() + "]";
        }
        Rules current = rules;
        return "Bypass[" + name + (current.whitelist() ? ", whitelist" : "")
                + (current.network() == null ? "" : ", " + current.network()) + ", " + current.patterns().size()
                + " matchers]";
    }
}
