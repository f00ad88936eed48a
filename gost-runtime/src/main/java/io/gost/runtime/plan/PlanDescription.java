package io.gost.runtime.plan;

import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.NetnsRef;
import io.gost.api.TlsOptions;
import io.gost.runtime.chain.Node;
import io.gost.runtime.config.AdmissionConfig;
import io.gost.runtime.config.AutherConfig;
import io.gost.runtime.config.BypassConfig;
import io.gost.runtime.config.DataSources;
import io.gost.runtime.config.HostsConfig;
import io.gost.runtime.config.LimiterConfig;
import io.gost.runtime.limit.LimitTable;
import io.gost.runtime.config.ConfigWriter;
import io.gost.runtime.config.SelectorConfig;
import io.gost.runtime.registry.PluginKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code gost check} prints: the plan, not the configuration. Each service with the listener and
 * handler it runs, the jar each plugin came from and every option with its effective value (defaults
 * marked), how it reaches targets, and each chain's hops and nodes with their selectors and namespaces.
 *
 * <p>Why this class is long: it prints every part of a plan (services, controls, chains, operations) in one
 * layout, so that the output stays consistent; one short method per part.
 */
public final class PlanDescription {

    private PlanDescription() {
    }

    /** The plan as text, one object per block. */
    public static String describe(GostPlan plan) {
        StringBuilder text = new StringBuilder();
        for (ServicePlan service : plan.services()) {
            service(text, service);
        }
        for (ChainPlan chain : plan.chains()) {
            chain(text, chain);
        }
        controls(text, plan.controls());
        operations(text, plan);
        return text.toString();
    }

    /**
     * "asks the http plugin at URL about each client (timeout 10s, bearer token, TLS server name x ...)", or for
     * gRPC "asks the grpc plugin at host:port about each client (timeout 10s, token metadata, plaintext h2c)".
     */
    private static void plugin(StringBuilder text, io.gost.runtime.config.ControlPlugin plugin, String about) {
        boolean grpc = plugin.type().equals("grpc");
        text.append("asks the ").append(plugin.type()).append(" plugin at ").append(plugin.addr()).append(" about ")
                .append(about).append(" (timeout ")
                .append(plugin.timeout() == null ? "10s (default)" : duration(plugin.timeout()))
                .append(plugin.token() == null ? "" : grpc ? ", token metadata" : ", bearer token");
        if (grpc && !plugin.tls()) {
            text.append(", plaintext h2c");
        }
        if (grpc ? plugin.tls() : plugin.addr().regionMatches(true, 0, "https:", 0, 6)) {
            text.append(grpc ? ", TLS" : "");
            text.append(plugin.serverName() == null ? "" : ", TLS server name " + plugin.serverName())
                    .append(plugin.secure() ? ", certificate verified" + (plugin.tls() ? "" : " (no tls block)")
                            : ", certificate not verified (tls.secure false)");
        }
        text.append(')');
    }

    /** Each control object: what it holds inline and where else it reads from. */
    private static void controls(StringBuilder text, ControlPlan controls) {
        for (AutherConfig auther : controls.authers()) {
            text.append("auther ").append(auther.name()).append(": ");
            if (auther.plugin() != null) {
                plugin(text, auther.plugin(), "each login");
            } else {
                text.append(auther.auths().size()).append(" inline user(s)");
            }
            sources(text, auther.sources());
        }
        for (BypassConfig bypass : controls.bypasses()) {
            text.append("bypass ").append(bypass.name()).append(": ");
            if (bypass.plugin() != null) {
                plugin(text, bypass.plugin(), "each target");
                text.append('\n');
                continue;
            }
            text.append(bypass.whitelist() ? "only " : "not ").append(String.join(", ", bypass.matchers()));
            if (bypass.network() != null) {
                text.append(" (").append(bypass.network()).append(" only)");
            }
            sources(text, bypass.sources());
        }
        for (AdmissionConfig admission : controls.admissions()) {
            text.append("admission ").append(admission.name()).append(": ");
            if (admission.plugin() != null) {
                plugin(text, admission.plugin(), "each client");
                text.append('\n');
                continue;
            }
            text.append(admission.whitelist() ? "only " : "not ").append(String.join(", ", admission.matchers()));
            sources(text, admission.sources());
        }
        for (LimiterConfig limiter : controls.limiters()) {
            text.append(limiter.kind().reference()).append(' ').append(limiter.name()).append(": ");
            if (limiter.plugin() != null) {
                plugin(text, limiter.plugin(), "the rates of each service, connection and client");
                text.append('\n');
                continue;
            }
            LimitTable<?> table = ControlPlanner.compileLimits(limiter, (line, why) -> { });
            List<String> lines = new ArrayList<>();
            table.lines().forEach((key, value) -> lines.add(key + " " + (value == null ? "unlimited" : value)));
            text.append(lines.isEmpty() ? "no inline limits" : String.join("; ", lines));
            sources(text, limiter.sources());
        }
        for (HostsConfig hosts : controls.hosts()) {
            if (hosts.plugin() != null) {
                plugin(text.append("hosts ").append(hosts.name()).append(": "), hosts.plugin(), "each name");
                text.append('\n');
                continue;
            }
            text.append("hosts ").append(hosts.name()).append(": ").append(hosts.mappings().size())
                    .append(" inline mapping(s)");
            sources(text, hosts.sources());
        }
        for (ControlPlan.Resolver resolver : controls.resolvers()) {
            if (resolver.config().plugin() != null) {
                plugin(text.append("resolver ").append(resolver.name()).append(": "), resolver.config().plugin(),
                        "each name");
                text.append('\n');
                continue;
            }
            List<String> servers = new ArrayList<>();
            resolver.nameservers().forEach(server -> servers.add(server + " (" + (server.only() != null ? "only "
                    + server.only() : "prefer " + server.prefer()) + ", timeout " + duration(server.timeout())
                    + ", ttl " + (server.ttl() == null ? "from the answer" : server.ttl().isNegative() ? "no cache"
                    : duration(server.ttl())) + (server.async() ? ", async" : "")
                    + (server.clientSubnet() != null ? ", ECS " + server.clientSubnet().getHostAddress() : "")
                    + (server.encrypted() ? ", TLS server name " + (server.serverName() == null ? "none"
                    : server.serverName()) + ", certificate not verified (as GOST)" : "") + ")"));
            text.append("resolver ").append(resolver.name()).append(": ").append(String.join(", ", servers))
                    .append('\n');
        }
        for (io.gost.runtime.config.QuotaConfig quota : controls.quotas()) {
            text.append("quota ").append(quota.name()).append(": ")
                    .append(quota.limit() == 0 ? "no limit (counting only)"
                            : io.gost.runtime.limit.Sizes.format(quota.limit()) + " " + quota.direction().text())
                    .append(", window ").append(quota.startsAt() == null ? "always" : "from " + quota.startsAt())
                    .append(quota.expiresAt() == null ? "" : " until " + quota.expiresAt())
                    .append("; kept in ").append(quota.store().file() != null ? "file "
                            + java.nio.file.Path.of(quota.store().file()).toAbsolutePath() : quota.store().redis())
                    .append(", flushed every ").append(duration(quota.flush()))
                    .append(quota.flush().equals(io.gost.runtime.config.QuotaConfig.DEFAULT_FLUSH) ? " (default)" : "")
                    .append('\n');
        }
    }

    private static void sources(StringBuilder text, DataSources sources) {
        List<String> parts = new ArrayList<>();
        if (sources.file() != null) {
            parts.add("file " + sources.file());
        }
        if (sources.redis() != null) {
            parts.add(sources.redis().toString());
        }
        if (sources.http() != null) {
            parts.add("http " + sources.http().url());
        }
        if (!parts.isEmpty()) {
            text.append("; and from ").append(String.join(", ", parts)).append(sources.reload() == null
                    ? ", read once at start" : ", reloaded every " + duration(sources.reload()));
        }
        text.append('\n');
    }

    /** The Web API, the metrics and the logging, when they differ from nothing and the defaults. */
    private static void operations(StringBuilder text, GostPlan plan) {
        OperationsPlan.Api api = plan.operations().api();
        if (api != null) {
            text.append("api on ").append(address(api.address())).append(api.pathPrefix().isEmpty() ? ""
                    : ", routes under " + api.pathPrefix())
                    .append(api.users().isEmpty() ? ", no authentication" : ", HTTP Basic (" + api.users().size()
                            + " user(s))")
                    .append(api.accessLog() ? ", access log" : "").append(" (").append(api.origin()).append(")\n");
        }
        OperationsPlan.Metrics metrics = plan.operations().metrics();
        if (metrics != null) {
            text.append("metrics on ").append(address(metrics.address())).append(metrics.path())
                    .append(metrics.users().isEmpty() ? ", no authentication" : ", HTTP Basic (" + metrics.users().size()
                            + " user(s))")
                    .append(metrics.clientLabel() ? ", client label on" : ", client label off").append(" (")
                    .append(metrics.origin()).append(")\n");
        }
        io.gost.runtime.config.LogConfig log = plan.log();
        if (!log.equals(io.gost.runtime.config.LogConfig.DEFAULT)) {
            text.append("log ").append(log.level()).append(", ").append(log.format()).append(", to ")
                    .append(log.output());
            if (log.rotation() != null) {
                io.gost.runtime.config.LogConfig.Rotation rotation = log.rotation();
                text.append(", rotated at ").append(rotation.effectiveMaxSize()).append(" MB, keeping ")
                        .append(rotation.maxBackups() == 0 ? "every" : rotation.maxBackups()).append(" backup(s)")
                        .append(rotation.maxAge() == 0 ? "" : " for " + rotation.maxAge() + " day(s)")
                        .append(rotation.compress() ? ", gzipped" : "")
                        .append(rotation.localTime() ? ", local time" : ", UTC");
            }
            text.append('\n');
        }
    }

    private static String address(java.net.InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static void service(StringBuilder text, ServicePlan service) {
        text.append("service ").append(service.name()).append(" (").append(service.origin()).append(")\n");
        text.append("  listen   ").append(service.addr());
        boolean reverse = service.listener().factory() instanceof io.gost.api.ListenerFactory listenerFactory
                && listenerFactory.opensPortsThroughChain();
        if (reverse && service.listenerChain() != null) {
            text.append(" on the last hop of chain ").append(service.listenerChain().name())
                    .append(" (opened again after 1s, 2s, 4s, then every 5s while lost)");
        } else {
            if (reverse) {
                text.append(" locally (no listener chain)");
            }
            if (service.netns() != null) {
                text.append(" in network namespace ").append(namespace(service.netns()));
            }
        }
        text.append('\n');
        plugin(text, "listener", service.listener());
        plugin(text, "handler ", service.handler());
        if (service.handler().requiresAuthentication() || service.listener().requiresAuthentication()) {
            List<String> authers = new ArrayList<>(service.handler().authers());
            authers.addAll(service.listener().authers());
            int inline = service.handler().accepted().size() + service.listener().accepted().size();
            text.append("           clients must authenticate (")
                    .append(inline > 0 ? inline + " inline user(s)" : "")
                    .append(inline > 0 && !authers.isEmpty() ? ", " : "")
                    .append(authers.isEmpty() ? "" : "auther " + String.join(", ", authers)).append(")");
            if (!service.handler().skipauth().isEmpty()) {
                text.append("; not from ").append(String.join(", ", service.handler().skipauth().patterns()));
            }
            text.append('\n');
        } else if (service.openProxyWarning()) {
            text.append("           no authentication: anyone who reaches the port can use it as a proxy\n");
        }
        if (service.forwarder() != null) {
            text.append("  forward  to ");
            nodes(text, service.forwarder(), "           ");
            text.append("           selector ").append(selector(service.forwarder().selector())).append('\n');
        }
        text.append("  dial     ");
        if (service.chainGroup() != null) {
            text.append("through one of chains ").append(String.join(", ",
                    service.chainGroup().chains().stream().map(ChainPlan::name).toList()))
                    .append(" (selector ").append(selector(service.chainGroup().selector())).append(")");
        } else if (service.chain() != null) {
            text.append("through chain ").append(service.chain().name());
            if (service.hashByTarget()) {
                text.append(" (hash selectors by target host)");
            }
        } else {
            text.append("directly");
            if (service.netnsOut() != null) {
                text.append(" from network namespace ").append(namespace(service.netnsOut()));
            }
        }
        text.append("; timeout ").append(duration(service.dialTimeout()))
                .append(service.dialTimeout().equals(Planner.DEFAULT_DIAL_TIMEOUT) ? " (default)" : "")
                .append("; retries ").append(service.retries()).append('\n');
        if (service.chain() != null && service.netnsOut() != null) {
            text.append("           netns.out ").append(service.netnsOut())
                    .append(" applies to no dial: the chain's nodes have their own namespaces (as in GOST)\n");
        }
        ServiceControls controls = service.controls();
        if (!controls.outbound().isEmpty()) {
            text.append("           direct dials: ").append(controls.outbound()).append('\n');
        }
        if (controls.hosts() != null || controls.resolver() != null) {
            text.append("  names    ").append(controls.hosts() == null ? "" : "hosts " + controls.hosts())
                    .append(controls.hosts() != null && controls.resolver() != null ? ", then " : "")
                    .append(controls.resolver() == null ? "" : "resolver " + controls.resolver())
                    .append(" (targets, before routing)\n");
        }
        if (!controls.bypasses().isEmpty()) {
            text.append("  bypass   ").append(String.join(", ", controls.bypasses())).append('\n');
        }
        if (!controls.admissions().isEmpty()) {
            text.append("  admit    by admission ").append(String.join(", ", controls.admissions()))
                    .append(" (at accept, before reading)\n");
        }
        List<String> limiters = new ArrayList<>();
        if (controls.limiter() != null) {
            limiters.add("traffic: limiter " + controls.limiter() + (controls.limiterScope()
                    == io.gost.runtime.limit.TrafficLimiter.Scope.ALL ? "" : " (" + controls.limiterScope()
                    .name().toLowerCase(java.util.Locale.ROOT) + " lines only)") + ", refresh "
                    + duration(controls.limiterRefresh()) + ", cleanup " + duration(controls.limiterCleanup()));
        }
        if (controls.clientLimiter() != null) {
            limiters.add("each client: the handler's limiter " + controls.clientLimiter().name() + ", refresh "
                    + duration(controls.clientLimiter().refreshInterval()) + ", cleanup "
                    + duration(controls.clientLimiter().cleanupInterval()));
        }
        if (controls.climiter() != null) {
            limiters.add("connections: climiter " + controls.climiter());
        }
        if (controls.rlimiter() != null) {
            limiters.add("requests: rlimiter " + controls.rlimiter());
        }
        if (!controls.quotas().isEmpty()) {
            limiters.add("volume: quota " + String.join(", ", controls.quotas())
                    + " (used up: stops accepting, cuts connections at their next read or write)");
        }
        if (!limiters.isEmpty()) {
            text.append("  limit    ").append(String.join("; ", limiters)).append('\n');
        }
        text.append("  limits   idle timeout ")
                .append(service.idleTimeout() == null ? "none" : duration(service.idleTimeout()))
                .append("; max connections ")
                .append(service.maxConnections() == 0 ? "unlimited" : Integer.toString(service.maxConnections()))
                .append('\n');
    }

    private static void chain(StringBuilder text, ChainPlan chain) {
        text.append("chain ").append(chain.name()).append(" (").append(chain.origin()).append(")\n");
        for (HopPlan hop : chain.hops()) {
            text.append("  hop ").append(hop.name()).append(": selector ").append(selector(hop.selector()));
            if (hop.netns() != null) {
                text.append("; network namespace ").append(namespace(hop.netns()));
            }
            if (!hop.controls().bypasses().isEmpty()) {
                text.append("; bypass ").append(String.join(", ", hop.controls().bypasses()))
                        .append(" (the route ends before this hop for what it applies to)");
            }
            text.append('\n');
            text.append("    ");
            nodes(text, hop, "    ");
        }
    }

    private static void nodes(StringBuilder text, HopPlan hop, String indent) {
        boolean first = true;
        for (NodePlan node : hop.nodes()) {
            if (!first) {
                text.append(indent);
            }
            first = false;
            text.append(node.name()).append(' ').append(Node.formatAddress(node.address()));
            List<String> notes = new ArrayList<>();
            if (node.weight() != 1) {
                notes.add("weight " + node.weight());
            }
            if (node.backup()) {
                notes.add("backup");
            }
            node.maxFails().ifPresent(max -> notes.add("maxFails " + max));
            node.failTimeout().ifPresent(timeout -> notes.add("failTimeout " + duration(timeout)));
            if (node.netns() != null) {
                notes.add("network namespace " + namespace(node.netns()) + " (from " + node.netnsSource() + ")");
            }
            RouteControls controls = node.controls();
            if (!controls.bypasses().isEmpty()) {
                notes.add("bypass " + String.join(", ", controls.bypasses()));
            }
            if (controls.hosts() != null) {
                notes.add("hosts " + controls.hosts());
            }
            if (controls.resolver() != null) {
                notes.add("resolver " + controls.resolver());
            }
            if (!controls.outbound().isEmpty()) {
                notes.add(controls.outbound().toString());
            }
            if (!notes.isEmpty()) {
                text.append(" (").append(String.join(", ", notes)).append(')');
            }
            text.append('\n');
            if (node.connector() != null) {
                plugin(text, indent + "  connector", node.connector());
            }
            if (node.dialer() != null) {
                plugin(text, indent + "  dialer   ", node.dialer());
            }
        }
    }

    /** {@code handler  socks5 from io.gost.plugin.socks (gost-plugin-socks.jar)}, then its options. */
    private static void plugin(StringBuilder text, String label, PluginPlan plugin) {
        String indent = label.startsWith(" ") ? label.replaceAll("\\S.*", "") : "";
        text.append(label.startsWith(" ") ? label : "  " + label).append(' ').append(plugin.type());
        if (!plugin.type().equals(plugin.factory().type())) {
            text.append(" (= ").append(plugin.factory().type()).append(')');
        }
        text.append(" from ").append(plugin.source()).append('\n');
        List<String> options = options(plugin.metadata(), plugin.factory().metadataSchema());
        if (!options.isEmpty()) {
            text.append(indent).append("           ").append(String.join("; ", options)).append('\n');
        }
        if (plugin.tls() != null) {
            text.append(indent).append("           tls: ").append(tls(plugin)).append('\n');
        }
    }

    /**
     * A TLS plugin's settings as they will be used: where the certificate comes from, what is verified,
     * which versions, and which block said so.
     */
    static String tls(PluginPlan plugin) {
        TlsOptions tls = plugin.tls();
        List<String> parts = new ArrayList<>();
        boolean server = plugin.kind() == PluginKind.LISTENER || plugin.kind() == PluginKind.HANDLER;
        if (server) {
            parts.add(tls.hasCertificateFiles() ? "certificate " + tls.certFile() + ", key " + tls.keyFile()
                    + " (reloaded when they change)"
                    : "self-signed certificate generated at start (CN " + tls.effectiveCommonName() + ", O "
                    + tls.effectiveOrganization() + ", valid " + duration(tls.effectiveValidity()) + ")");
            parts.add(tls.caFile() != null ? "client certificates required, chaining to " + tls.caFile()
                    : "no client certificates asked for");
            if (tls.rejectUnknownSni()) {
                parts.add("rejectUnknownSNI" + (tls.serverNames().isEmpty() ? " (names in the certificate)"
                        : " (" + String.join(", ", tls.serverNames()) + ")"));
            }
        } else {
            String name = tls.serverName() != null ? "name " + tls.serverName() : "the node's host as name";
            if (tls.secure()) {
                parts.add("server certificate and " + name + " verified against "
                        + (tls.caFile() != null ? tls.caFile() : "the system's roots"));
            } else if (tls.caFile() != null) {
                parts.add("server certificate must chain to " + tls.caFile() + " (name not checked; secure=true"
                        + " checks it)");
            } else {
                parts.add("server certificate NOT verified (as GOST without secure or caFile)");
            }
            if (tls.serverName() != null && !tls.secure()) {
                parts.add("server name " + tls.serverName());
            }
            if (tls.certFile() != null) {
                parts.add("client certificate " + tls.certFile());
            }
        }
        TlsOptions.Version min = tls.effectiveMinVersion();
        parts.add(tls.maxVersion() == null ? min.javaName() + " and later"
                : min == tls.maxVersion() ? min.javaName() + " only" : min.javaName() + " to " + tls.maxVersion().javaName());
        if (!tls.cipherSuites().isEmpty()) {
            parts.add("cipher suites " + String.join(", ", tls.cipherSuites()));
        }
        if (!tls.alpn().isEmpty()) {
            parts.add("ALPN " + String.join(", ", tls.alpn()));
        }
        return String.join("; ", parts) + " [" + tls.source() + "]";
    }

    /** Every declared key with its value or default, then keys the plugin reads without declaring them. */
    static List<String> options(Metadata metadata, MetadataSchema schema) {
        List<String> options = new ArrayList<>();
        for (MetadataKey key : schema.keys()) {
            String value = null;
            for (String spelling : key.spellings()) {
                if (key.type() == MetadataKey.Type.MAP) {
                    Map<String, Object> map = metadata.getMap(spelling);
                    if (!map.isEmpty()) {
                        value = map.toString();
                        break;
                    }
                } else if (metadata.contains(spelling)) {
                    value = String.valueOf(metadata.value(spelling).orElse(""));
                    break;
                }
            }
            if (value != null) {
                options.add(key.name() + "=" + value);
            } else if (!key.defaultValue().isEmpty()) {
                options.add(key.name() + "=" + key.defaultValue() + " (default)");
            }
        }
        if (!schema.declared()) {
            // A plugin that does not list its keys: show what it is given.
            metadata.asMap().forEach((key, value) -> options.add(metadata.spelling(key) + "=" + value));
        }
        return options;
    }

    private static String selector(SelectorConfig selector) {
        return selector.strategy() + ", maxFails " + selector.maxFails() + ", failTimeout "
                + duration(selector.failTimeout());
    }

    private static String namespace(NetnsRef namespace) {
        return namespace.isPath() ? namespace.value() : namespace.value() + " (" + namespace.path() + ")";
    }

    /** {@code 15s}, {@code 500ms}, {@code 1m30s}: as a user writes durations. */
    static String duration(Duration duration) {
        return ConfigWriter.goDuration(duration);
    }
}
