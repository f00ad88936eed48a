package io.gost.runtime.config;

import io.gost.api.Credentials;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.TlsOptions;
import io.gost.runtime.config.ConfigTree.Entry;
import io.gost.runtime.config.ConfigTree.ListNode;
import io.gost.runtime.config.ConfigTree.MapNode;
import io.gost.runtime.config.ConfigTree.ScalarNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Maps a {@link ConfigTree} onto {@link GostConfig}: the one place that knows GOST's configuration schema,
 * shared by the YAML and the HOCON/JSON front ends.
 *
 * <p>Keys are matched without regard to case, as GOST (through viper) does. Keys starting with {@code x-}
 * (a place for YAML anchors) are skipped. Every other key is used or refused with where it was written: a
 * key GOST has that gost-java does not implement yet is refused as "not supported yet" (the catalog
 * {@link GostKeys} knows GOST's keys), any other key as unknown, with a suggestion when it looks like a
 * typo. Every problem found is collected, and all of them are thrown together in one
 * {@link ConfigException}.
 *
 * <p>Why this class is long: it is GOST's whole file schema, one small method per section, read in one
 * place so that the supported keys of every section can be seen side by side with what each becomes;
 * spreading it over section classes would scatter the one list a reviewer checks against GOST's docs.
 */
final class ConfigTreeMapper {

    private static final Schema ROOT = Schema.of("the top level",
            "services, chains, hops, authers, bypasses, admissions, limiters, climiters, rlimiters, quotas, hosts,"
                    + " resolvers, log, api, metrics, netns, tls", "section:");
    private static final Schema SERVICE = Schema.of("a service",
            "name, addr, handler, listener, forwarder, admission, admissions, bypass, bypasses, limiter, climiter,"
                    + " rlimiter, quotas, hosts, resolver, interface, sockopts, metadata", "section:services[]");
    private static final Schema HANDLER = Schema.of("a handler",
            "type, retries, chain, chainGroup, auth, auther, authers, limiter, metadata, tls",
            "section:services[].handler");
    private static final Schema LISTENER = Schema.of("a listener",
            "type, chain, chainGroup, auth, auther, authers, metadata, tls", "section:services[].listener");
    private static final Schema CHAIN_GROUP = Schema.of("a chainGroup", "chains, selector",
            "section:services[].handler.chainGroup");
    private static final Schema CHAIN_GROUP_ENTRY = Schema.of("a chainGroup entry", "chain",
            "section:services[].handler.chainGroup.chains[]");
    private static final Schema CONNECTOR = Schema.of("a connector", "type, auth, metadata, tls",
            "section:chains[].hops[].nodes[].connector");
    private static final Schema DIALER = Schema.of("a dialer", "type, auth, metadata, tls",
            "section:chains[].hops[].nodes[].dialer");
    private static final Schema TLS = Schema.of("a tls block", "certFile, keyFile, caFile, secure, serverName,"
            + " options, validity, commonName, organization, rejectUnknownSNI, serverNames", "section:tls");
    private static final Schema TLS_OPTIONS = Schema.of("tls options", "minVersion, maxVersion, cipherSuites, alpn",
            "section:tls.options");
    private static final Schema FORWARDER = Schema.of("a forwarder", "name, hop, selector, nodes",
            "section:services[].forwarder");
    private static final Schema SELECTOR = Schema.of("a selector", "strategy, maxFails, failTimeout",
            "section:chains[].hops[].selector");
    private static final Schema CHAIN = Schema.of("a chain", "name, hops, metadata", "section:chains[]");
    private static final Schema HOP = Schema.of("a hop",
            "name, selector, bypass, bypasses, hosts, resolver, interface, sockopts, nodes, metadata",
            "section:chains[].hops[]");
    private static final Schema NODE = Schema.of("a node",
            "name, addr, connector, dialer, netns, bypass, bypasses, hosts, resolver, interface, sockopts, metadata",
            "section:chains[].hops[].nodes[]");
    private static final Schema FORWARD_NODE = Schema.of("a forwarder node",
            "name, addr, connector, dialer, metadata", "section:services[].forwarder.nodes[]");
    private static final Schema SOCKOPTS = Schema.of("sockopts", "mark", "section:services[].sockopts");
    private static final Schema AUTHER = Schema.of("an auther", "name, auths, file, redis, http, reload, plugin",
            "section:authers[]");
    private static final Schema AUTH = Schema.of("an auth", "username, password, file", "section:authers[].auths[]");
    private static final Schema BYPASS = Schema.of("a bypass",
            "name, whitelist, reverse, network, matchers, file, redis, http, reload, plugin", "section:bypasses[]");
    private static final Schema ADMISSION = Schema.of("an admission",
            "name, whitelist, reverse, matchers, file, redis, http, reload, plugin", "section:admissions[]");
    private static final Schema LIMITER = Schema.of("a limiter", "name, limits, file, redis, http, reload, plugin",
            "section:limiters[]");
    private static final Schema CLIMITER = Schema.of("a climiter", "name, limits, file, redis, http, reload",
            "section:climiters[]");
    private static final Schema RLIMITER = Schema.of("an rlimiter", "name, limits, file, redis, http, reload",
            "section:rlimiters[]");
    private static final Schema QUOTA = Schema.of("a quota",
            "name, limit, startsAt, expiresAt, direction, flush, store", "section:quotas[]");
    private static final Schema QUOTA_STORE = Schema.of("a quota store", "type, file, redis", "section:quotas[].store");
    private static final Schema QUOTA_REDIS = Schema.of("a quota's redis store",
            "addr, db, username, password, key", "section:quotas[].store.redis");
    private static final Schema HOSTS = Schema.of("a hosts mapper",
            "name, mappings, file, redis, http, reload, plugin", "section:hosts[]");
    private static final Schema MAPPING = Schema.of("a host mapping", "ip, hostname, aliases",
            "section:hosts[].mappings[]");
    private static final Schema RESOLVER = Schema.of("a resolver", "name, nameservers, plugin", "section:resolvers[]");
    private static final Schema NAMESERVER = Schema.of("a nameserver",
            "addr, chain, prefer, only, clientIP, hostname, ttl, timeout, async", "section:resolvers[].nameservers[]");
    private static final Schema FILE_SOURCE = Schema.of("a file source", "path", "section:authers[].file");
    private static final Schema REDIS_SOURCE = Schema.of("a redis source", "addr, db, username, password, key, type",
            "section:authers[].redis");
    private static final Schema HTTP_SOURCE = Schema.of("an http source", "url, timeout", "section:authers[].http");
    private static final Schema CONTROL_PLUGIN = Schema.of("a plugin", "type, addr, timeout, token, tls",
            "section:authers[].plugin");
    private static final Schema PLUGIN_TLS = Schema.of("a plugin's tls", "secure, serverName",
            "section:authers[].plugin.tls");
    private static final Schema LOG = Schema.of("log", "level, format, output, rotation", "section:log");
    private static final Schema LOG_ROTATION = Schema.of("log.rotation",
            "maxSize, maxAge, maxBackups, localTime, compress", "section:log.rotation");
    private static final Schema API = Schema.of("api", "addr, pathPrefix, accesslog, auth, auther", "section:api");
    private static final Schema API_AUTH = Schema.of("an auth", "username, password", "section:api.auth");
    // clientLabel is gost-java's own (GOST always labels by client, without bound).
    private static final Schema METRICS = Schema.of("metrics", "addr, path, auth, auther, clientLabel",
            "section:metrics");
    private static final Schema METRICS_AUTH = Schema.of("an auth", "username, password", "section:metrics.auth");
    // gost-java's own: the namespace provider; GOST has no such section.
    private static final Schema NETNS = Schema.of("netns", "provider", "");

    /** Which schema reads each catalog scope of GOST's sections ({@link GostKeys}). */
    private static final Map<String, Schema> SCHEMAS_BY_SCOPE = schemasByScope();

    private static Map<String, Schema> schemasByScope() {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        for (Schema schema : List.of(ROOT, SERVICE, HANDLER, LISTENER, CHAIN_GROUP, CHAIN_GROUP_ENTRY, CONNECTOR,
                DIALER, FORWARDER, SELECTOR, CHAIN, HOP, NODE, FORWARD_NODE, SOCKOPTS, AUTHER, AUTH, BYPASS, ADMISSION,
                LIMITER, CLIMITER, RLIMITER, QUOTA, QUOTA_STORE, QUOTA_REDIS, HOSTS, MAPPING, RESOLVER, NAMESERVER, LOG, LOG_ROTATION, API, API_AUTH,
                METRICS, METRICS_AUTH, TLS, TLS_OPTIONS)) {
            schemas.put(schema.scope, schema);
        }
        // The same objects where GOST's schema has them too.
        schemas.put("section:hops[]", HOP);
        schemas.put("section:hops[].nodes[]", NODE);
        schemas.put("section:hops[].nodes[].connector", CONNECTOR);
        schemas.put("section:hops[].nodes[].dialer", DIALER);
        schemas.put("section:hops[].selector", SELECTOR);
        schemas.put("section:services[].forwarder.selector", SELECTOR);
        schemas.put("section:services[].listener.chainGroup", CHAIN_GROUP);
        schemas.put("section:services[].listener.chainGroup.chains[]", CHAIN_GROUP_ENTRY);
        schemas.put("section:services[].handler.chainGroup.selector", SELECTOR);
        schemas.put("section:services[].listener.chainGroup.selector", SELECTOR);
        for (String sockopts : List.of("section:chains[].hops[].sockopts", "section:chains[].hops[].nodes[].sockopts",
                "section:hops[].sockopts", "section:hops[].nodes[].sockopts")) {
            schemas.put(sockopts, SOCKOPTS);
        }
        for (String auth : List.of("section:services[].handler.auth", "section:services[].listener.auth",
                "section:chains[].hops[].nodes[].connector.auth", "section:chains[].hops[].nodes[].dialer.auth",
                "section:hops[].nodes[].connector.auth", "section:hops[].nodes[].dialer.auth")) {
            schemas.put(auth, AUTH);
        }
        for (String section : List.of("authers", "bypasses", "admissions", "limiters", "climiters", "rlimiters",
                "hosts")) {
            schemas.put("section:" + section + "[].file", FILE_SOURCE);
            schemas.put("section:" + section + "[].redis", REDIS_SOURCE);
            schemas.put("section:" + section + "[].http", HTTP_SOURCE);
        }
        // The plugin block of every control object that has one in gost-java's files (authers' is CONTROL_PLUGIN's).
        for (String section : List.of("bypasses", "admissions", "limiters", "hosts", "resolvers")) {
            schemas.put("section:" + section + "[].plugin", CONTROL_PLUGIN);
            schemas.put("section:" + section + "[].plugin.tls", PLUGIN_TLS);
        }
        // One tls block wherever GOST has it on a plugin: which keys a plugin may have is planning's business.
        for (String plugin : List.of("section:services[].handler", "section:services[].listener",
                "section:chains[].hops[].nodes[].connector", "section:chains[].hops[].nodes[].dialer",
                "section:hops[].nodes[].connector", "section:hops[].nodes[].dialer")) {
            schemas.put(plugin + ".tls", TLS);
            schemas.put(plugin + ".tls.options", TLS_OPTIONS);
        }
        return Collections.unmodifiableMap(schemas);
    }

    /**
     * Whether gost-java's files accept {@code key} in the section GOST's catalog calls {@code scope}; empty
     * when gost-java reads no such section at all.
     */
    static Optional<Boolean> accepts(String scope, String key) {
        Schema schema = SCHEMAS_BY_SCOPE.get(scope);
        return schema == null ? Optional.empty()
                : Optional.of(schema.supported.containsKey(key.toLowerCase(Locale.ROOT)));
    }

    private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "fatal");
    private static final List<String> LOG_FORMATS = List.of("text", "json");

    /** Whose nodes are being read: chain nodes default to http over tcp, forwarder targets are dialed as is. */
    private enum NodeRole {
        CHAIN("node-", NODE),
        FORWARD("target-", FORWARD_NODE);

        final String namePrefix;
        final Schema schema;

        NodeRole(String namePrefix, Schema schema) {
            this.namePrefix = namePrefix;
            this.schema = schema;
        }
    }

    private final String source;
    private final List<String> problems = new ArrayList<>();

    private ConfigTreeMapper(String source) {
        this.source = source;
    }

    /**
     * The configuration {@code root} describes.
     *
     * @param root   the document, or {@code null} for an empty one
     * @param source the file name, used in {@link Origin}s and as {@link GostConfig#source()}
     * @throws ConfigException listing every problem found
     */
    static GostConfig map(ConfigTree root, String source) {
        return new ConfigTreeMapper(source).root(root);
    }

    private GostConfig root(ConfigTree root) {
        if (root == null || isNull(root)) {
            return new GostConfig(List.of(), List.of(), List.of(), null, null, source);
        }
        Fields fields = fields(root, new Origin(sourceOf(root), root.line(), ""), ROOT);
        if (fields == null) {
            throw new ConfigException(problems);
        }
        List<AutherConfig> authers = list(fields, "authers", this::auther);
        List<BypassConfig> bypasses = list(fields, "bypasses", this::bypass);
        Map<String, HopConfig> hops = new LinkedHashMap<>();
        List<HopConfig> topLevelHops = list(fields, "hops", this::topLevelHop);
        for (HopConfig hop : topLevelHops) {
            if (hops.putIfAbsent(hop.name(), hop) != null) {
                problem(hop.origin().child("name"), "a hop called '" + hop.name() + "' is already defined above");
            }
        }
        List<ChainConfig> chains = list(fields, "chains", (node, origin, index) -> chain(node, origin, index, hops));
        List<ServiceConfig> services =
                list(fields, "services", (node, origin, index) -> service(node, origin, index, hops));
        List<LimiterConfig> limiters = new ArrayList<>();
        limiters.addAll(list(fields, "limiters", (node, origin, index) ->
                limiter(node, origin, LimiterConfig.Kind.TRAFFIC, LIMITER)));
        limiters.addAll(list(fields, "climiters", (node, origin, index) ->
                limiter(node, origin, LimiterConfig.Kind.CONNECTIONS, CLIMITER)));
        limiters.addAll(list(fields, "rlimiters", (node, origin, index) ->
                limiter(node, origin, LimiterConfig.Kind.REQUESTS, RLIMITER)));
        ControlConfigs controls = new ControlConfigs(list(fields, "admissions", this::admission), limiters,
                list(fields, "hosts", this::hostsMapper), list(fields, "resolvers", this::resolver),
                list(fields, "quotas", this::quota));
        LogConfig log = log(fields);
        String netnsProvider = netnsProvider(fields);
        ApiConfig api = api(fields);
        MetricsConfig metrics = metrics(fields);
        TlsConfig tls = tls(fields);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new GostConfig(services, chains, authers, bypasses, controls, log, netnsProvider, topLevelHops, api,
                metrics, source, tls);
    }

    // ---- objects ---------------------------------------------------------------------------------------

    private ServiceConfig service(ConfigTree node, Origin origin, int index, Map<String, HopConfig> hops) {
        Fields fields = fields(node, origin, SERVICE);
        if (fields == null) {
            return null;
        }
        String name = orDefault(string(fields, "name"), "service-" + index);
        String addr = string(fields, "addr");
        PluginConfig handler = plugin(fields, "handler", HANDLER, "auto");
        PluginConfig listener = plugin(fields, "listener", LISTENER, "tcp");
        HopConfig forwarder = forwarder(fields, name, hops);
        MetadataBlock metadata = socketOptions(fields, metadata(fields, "metadata"));
        ControlRefs controls = new ControlRefs(references(fields, "admission", "admissions"),
                references(fields, "bypass", "bypasses"), string(fields, "limiter"), string(fields, "climiter"),
                string(fields, "rlimiter"), string(fields, "hosts"), string(fields, "resolver"),
                references(fields, "", "quotas"));
        // Built even when a part failed: the parts then fall back to defaults, and a missing addr is still
        // reported together with the other problems.
        return build(() -> new ServiceConfig(name, addr, handler, listener, forwarder, metadata.values(), controls,
                origin, metadata.origins()));
    }

    private PluginConfig plugin(Fields parent, String key, Schema schema, String defaultType) {
        Entry entry = parent.get(key);
        if (absent(entry)) {
            return null;
        }
        Origin origin = parent.at(key);
        Fields fields = fields(entry.value(), origin, schema);
        if (fields == null) {
            return null;
        }
        String type = orDefault(string(fields, "type"), defaultType);
        String chain = string(fields, "chain");
        Integer retries = integer(fields, "retries");
        Credentials auth = auth(fields, "auth");
        List<String> authers = autherReferences(fields);
        ChainGroupConfig chainGroup = chainGroup(fields);
        MetadataBlock metadata = metadata(fields, "metadata");
        TlsConfig tls = tls(fields);
        String limiter = schema == HANDLER ? string(fields, "limiter") : null;
        return build(() -> new PluginConfig(type, chain, retries == null ? 0 : retries, auth, authers,
                metadata.values(), chainGroup, origin, metadata.origins(), tls, limiter));
    }

    /** {@code auther: NAME} and {@code authers: [NAME, ...]}, joined as GOST joins them. */
    private List<String> autherReferences(Fields fields) {
        List<String> names = new ArrayList<>();
        String single = string(fields, "auther");
        if (single != null) {
            names.add(single);
        }
        Entry list = fields.get("authers");
        if (!absent(list)) {
            List<String> listed = stringList(list.value(), fields.at("authers"));
            if (listed != null) {
                listed.stream().filter(name -> !names.contains(name)).forEach(names::add);
            }
        }
        return names;
    }

    private Credentials auth(Fields parent, String key) {
        Entry entry = parent.get(key);
        if (absent(entry)) {
            return null;
        }
        Fields fields = fields(entry.value(), parent.at(key), AUTH);
        return fields == null ? null : credentials(fields);
    }

    private Credentials credentials(Fields fields) {
        String username = string(fields, "username");
        String password = string(fields, "password");
        String file = string(fields, "file");
        if (file != null && username == null) {
            return credentialsFile(file, fields.at("file"));
        }
        if (file != null) {
            problem(fields.at("file"), "give either username and password or a file, not both");
        }
        if (username == null) {
            problem(fields.origin.child("username"), "a username is required");
            return null;
        }
        return new Credentials(username, password == null ? "" : password);
    }

    /**
     * GOST's {@code auth.file}: the first {@code user password} line of the file ({@code #} lines are
     * comments), read once when the configuration is loaded.
     */
    private Credentials credentialsFile(String path, Origin origin) {
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(path), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | RuntimeException e) {
            problem(origin, "cannot read the auth file '" + path + "': " + e);
            return null;
        }
        for (String line : lines) {
            String trimmed = line.replace('\t', ' ').trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int space = trimmed.indexOf(' ');
            return space < 0 ? new Credentials(trimmed, "")
                    : new Credentials(trimmed.substring(0, space), trimmed.substring(space + 1).trim());
        }
        problem(origin, "the auth file '" + path + "' has no 'user password' line");
        return null;
    }

    private HopConfig forwarder(Fields service, String serviceName, Map<String, HopConfig> hops) {
        Entry entry = service.get("forwarder");
        if (absent(entry)) {
            return null;
        }
        Origin origin = service.at("forwarder");
        Fields fields = fields(entry.value(), origin, FORWARDER);
        if (fields == null) {
            return null;
        }
        String name = string(fields, "name");
        String hopName = string(fields, "hop");
        if (absent(fields.get("nodes"))) {
            // GOST: a forwarder without nodes uses the top-level hop named by `hop` (or, older, `name`).
            String reference = hopName != null ? hopName : name;
            if (reference == null) {
                problem(origin, "a forwarder needs nodes, or the name of a top-level hop in 'hop'");
                return null;
            }
            mustNotRefine(fields, reference, "selector");
            return hopReference(reference, hops, fields.at(hopName != null ? "hop" : "name"));
        }
        if (hopName != null) {
            problem(fields.at("hop"), "give either nodes or the name of a top-level hop, not both");
        }
        SelectorConfig selector = selector(fields);
        int before = problems.size();
        List<NodeConfig> nodes = list(fields, "nodes", (node, nodeOrigin, index) ->
                node(node, nodeOrigin, index, NodeRole.FORWARD));
        if (nodes.isEmpty() && problems.size() > before) {
            return null;
        }
        // A forwarder is named after its service unless it has a name of its own.
        String forwarderName = orDefault(name, serviceName);
        return build(() -> new HopConfig(forwarderName, selector, nodes, Metadata.empty(), origin));
    }

    private SelectorConfig selector(Fields parent) {
        Entry entry = parent.get("selector");
        if (absent(entry)) {
            return null;
        }
        Fields fields = fields(entry.value(), parent.at("selector"), SELECTOR);
        if (fields == null) {
            return null;
        }
        String strategy = string(fields, "strategy");
        if (strategy != null && !SelectorConfig.STRATEGIES.contains(strategy.trim().toLowerCase(Locale.ROOT))) {
            problem(fields.at("strategy"), strategy.trim().equalsIgnoreCase("parallel")
                    ? Unsupported.message("strategy 'parallel' (race every node)", "routing")
                    : "unknown strategy '" + strategy + "'; use round (rr), random (rand), fifo (ha) or hash");
            strategy = null;
        }
        Integer maxFails = integer(fields, "maxFails");
        Duration failTimeout = duration(fields, "failTimeout");
        return new SelectorConfig(strategy, maxFails == null ? 0 : maxFails, failTimeout);
    }

    private ChainConfig chain(ConfigTree node, Origin origin, int index, Map<String, HopConfig> hops) {
        Fields fields = fields(node, origin, CHAIN);
        if (fields == null) {
            return null;
        }
        String name = orDefault(string(fields, "name"), "chain-" + index);
        int before = problems.size();
        List<HopConfig> chainHops = list(fields, "hops", (hop, hopOrigin, hopIndex) ->
                chainHop(hop, hopOrigin, hopIndex, hops));
        MetadataBlock metadata = metadata(fields, "metadata");
        if (chainHops.isEmpty() && problems.size() > before) {
            return null;
        }
        return build(() -> new ChainConfig(name, chainHops, metadata.values(), origin, metadata.origins()));
    }

    /** A hop of a chain: inline with nodes, or a reference by name to a top-level hop. */
    private HopConfig chainHop(ConfigTree node, Origin origin, int index, Map<String, HopConfig> hops) {
        Fields fields = fields(node, origin, HOP);
        if (fields == null) {
            return null;
        }
        if (absent(fields.get("nodes"))) {
            String name = string(fields, "name");
            if (name == null) {
                problem(origin, "a hop needs nodes, or the name of a top-level hop in 'name'");
                return null;
            }
            mustNotRefine(fields, name, "selector");
            mustNotRefine(fields, name, "metadata");
            return hopReference(name, hops, fields.at("name"));
        }
        return hop(fields, origin, index);
    }

    private HopConfig topLevelHop(ConfigTree node, Origin origin, int index) {
        Fields fields = fields(node, origin, HOP);
        return fields == null ? null : hop(fields, origin, index);
    }

    private HopConfig hop(Fields fields, Origin origin, int index) {
        String name = orDefault(string(fields, "name"), "hop-" + index);
        SelectorConfig selector = selector(fields);
        int before = problems.size();
        List<NodeConfig> nodes = list(fields, "nodes", (node, nodeOrigin, nodeIndex) ->
                node(node, nodeOrigin, nodeIndex, NodeRole.CHAIN));
        MetadataBlock metadata = socketOptions(fields, metadata(fields, "metadata"));
        ControlRefs controls = routeReferences(fields);
        if (nodes.isEmpty() && problems.size() > before) {
            return null;
        }
        return build(() -> new HopConfig(name, selector, nodes, metadata.values(), controls, origin,
                metadata.origins()));
    }

    /**
     * A reference only names a hop; options set next to it would be silently lost (GOST ignores them), so
     * they are refused with a pointer to where they belong.
     */
    private void mustNotRefine(Fields fields, String hopName, String key) {
        if (!absent(fields.get(key))) {
            problem(fields.at(key), "this refers to the top-level hop '" + hopName + "'; set " + key
                    + " on that hop instead");
        }
    }

    private HopConfig hopReference(String name, Map<String, HopConfig> hops, Origin origin) {
        HopConfig hop = hops.get(name);
        if (hop == null) {
            String hint = hops.isEmpty()
                    ? "; define it under the top-level 'hops', or give this hop its nodes"
                    : Suggestions.closest(name, hops.keySet()).map(known -> "; did you mean '" + known + "'?")
                            .orElse("; known hops: " + String.join(", ", hops.keySet()));
            problem(origin, "no top-level hop is called '" + name + "'" + hint);
        }
        return hop;
    }

    private NodeConfig node(ConfigTree node, Origin origin, int index, NodeRole role) {
        Fields fields = fields(node, origin, role.schema);
        if (fields == null) {
            return null;
        }
        String name = orDefault(string(fields, "name"), role.namePrefix + index);
        String addr = string(fields, "addr");
        PluginConfig connector = plugin(fields, "connector", CONNECTOR, "http");
        PluginConfig dialer = plugin(fields, "dialer", DIALER, "tcp");
        // No defaults here: a top-level hop serves chains (whose nodes speak http over tcp unless told
        // otherwise) and forwarders (whose targets are dialed directly) alike; planning fills them in.
        String netns = string(fields, "netns");
        MetadataBlock metadata = role == NodeRole.CHAIN ? socketOptions(fields, metadata(fields, "metadata"))
                : metadata(fields, "metadata");
        ControlRefs controls = role == NodeRole.CHAIN ? routeReferences(fields) : ControlRefs.NONE;
        PluginConfig nodeConnector = connector;
        PluginConfig nodeDialer = dialer;
        return build(() -> new NodeConfig(name, addr, nodeConnector, nodeDialer, netns, metadata.values(), controls,
                origin, metadata.origins()));
    }


    private AutherConfig auther(ConfigTree node, Origin origin, int index) {
        Fields fields = fields(node, origin, AUTHER);
        if (fields == null) {
            return null;
        }
        String name = string(fields, "name");
        List<Credentials> auths = list(fields, "auths", (auth, authOrigin, authIndex) -> {
            Fields authFields = fields(auth, authOrigin, AUTH);
            return authFields == null ? null : credentials(authFields);
        });
        DataSources sources = sources(fields, origin);
        ControlPlugin plugin = controlPlugin(fields);
        return build(() -> new AutherConfig(name, auths, sources, plugin, origin));
    }

    private BypassConfig bypass(ConfigTree node, Origin origin, int index) {
        Fields fields = fields(node, origin, BYPASS);
        if (fields == null) {
            return null;
        }
        String name = string(fields, "name");
        boolean whitelist = whitelist(fields);
        List<String> matchers = absent(fields.get("matchers")) ? List.of()
                : stringList(fields.get("matchers").value(), fields.at("matchers"));
        String network = string(fields, "network");
        if (network != null && !List.of("tcp", "udp").contains(network.trim().toLowerCase(Locale.ROOT))) {
            problem(fields.at("network"), "unknown network '" + network + "'; use tcp or udp (or leave it out for"
                    + " both)");
            network = null;
        }
        String bypassNetwork = network;
        DataSources sources = sources(fields, origin);
        ControlPlugin plugin = controlPlugin(fields);
        return build(() -> new BypassConfig(name, whitelist, matchers, bypassNetwork, sources, plugin, origin));
    }

    private AdmissionConfig admission(ConfigTree node, Origin origin, int index) {
        Fields fields = fields(node, origin, ADMISSION);
        if (fields == null) {
            return null;
        }
        String name = string(fields, "name");
        boolean whitelist = whitelist(fields);
        List<String> matchers = absent(fields.get("matchers")) ? List.of()
                : stringList(fields.get("matchers").value(), fields.at("matchers"));
        DataSources sources = sources(fields, origin);
        ControlPlugin plugin = controlPlugin(fields);
        return build(() -> new AdmissionConfig(name, whitelist, matchers, sources, plugin, origin));
    }

    private LimiterConfig limiter(ConfigTree node, Origin origin, LimiterConfig.Kind kind, Schema schema) {
        Fields fields = fields(node, origin, schema);
        if (fields == null) {
            return null;
        }
        String name = string(fields, "name");
        List<String> limits = absent(fields.get("limits")) ? List.of()
                : lines(fields.get("limits").value(), fields.at("limits"));
        DataSources sources = sources(fields, origin);
        ControlPlugin plugin = kind == LimiterConfig.Kind.TRAFFIC ? controlPlugin(fields) : null;
        return build(() -> new LimiterConfig(kind, name, limits, sources, plugin, origin));
    }

    private QuotaConfig quota(ConfigTree node, Origin origin, int index) {
        Fields fields = fields(node, origin, QUOTA);
        if (fields == null) {
            return null;
        }
        String name = string(fields, "name");
        long limit = 0;
        String limitText = string(fields, "limit");
        if (limitText != null && !limitText.isBlank()) {
            try {
                limit = io.gost.runtime.limit.Sizes.parse(limitText);
            } catch (IllegalArgumentException e) {
                problem(fields.at("limit"), "quota limit " + e.getMessage());
            }
        }
        java.time.OffsetDateTime startsAt = rfc3339(fields, "startsAt");
        java.time.OffsetDateTime expiresAt = rfc3339(fields, "expiresAt");
        QuotaConfig.Direction direction = null;
        String directionText = string(fields, "direction");
        if (directionText != null) {
            try {
                direction = QuotaConfig.Direction.parse(directionText);
            } catch (IllegalArgumentException e) {
                problem(fields.at("direction"), e.getMessage());
            }
        }
        Duration flush = duration(fields, "flush");
        QuotaConfig.Store store = quotaStore(fields);
        QuotaConfig.Direction chosen = direction;
        long bytes = limit;
        return build(() -> new QuotaConfig(name, bytes, startsAt, expiresAt, chosen, flush, store, origin));
    }

    /** An RFC 3339 time ({@code 2025-01-01T00:00:00Z}, {@code 2025-01-01T08:00:00+08:00}), as GOST's quotas take. */
    private java.time.OffsetDateTime rfc3339(Fields fields, String key) {
        Entry entry = fields.get(key);
        if (absent(entry)) {
            return null;
        }
        Object value = entry.value() instanceof ScalarNode scalar ? scalar.value() : null;
        if (value instanceof java.util.Date date) {
            // YAML reads an unquoted timestamp as a date: the instant is the same.
            return date.toInstant().atOffset(java.time.ZoneOffset.UTC);
        }
        String text = value == null ? "" : String.valueOf(value).trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text, java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (java.time.format.DateTimeParseException e) {
            problem(fields.at(key), "'" + text + "' is not an RFC 3339 time such as 2025-01-01T00:00:00Z (GOST"
                    + " ignores the bound then; gost-java would rather tell)");
            return null;
        }
    }

    /** A quota's {@code store}: GOST's file store (the default) or its redis store. */
    private QuotaConfig.Store quotaStore(Fields parent) {
        Entry entry = parent.get("store");
        if (absent(entry)) {
            return null;
        }
        Fields fields = fields(entry.value(), parent.at("store"), QUOTA_STORE);
        if (fields == null) {
            return null;
        }
        String type = orDefault(string(fields, "type"), "file").trim().toLowerCase(Locale.ROOT);
        String file = string(fields, "file");
        boolean hasRedis = !absent(fields.get("redis"));
        switch (type) {
            case "file" -> {
                if (hasRedis) {
                    problem(fields.at("redis"), "a file store has no redis block (GOST ignores it); write type: redis"
                            + " or remove it");
                }
                return new QuotaConfig.Store(orDefault(file, QuotaConfig.DEFAULT_FILE).trim(), null);
            }
            case "redis" -> {
                if (file != null) {
                    problem(fields.at("file"), "a redis store has no file (GOST ignores it); write type: file or"
                            + " remove it");
                }
                if (!hasRedis) {
                    problem(parent.at("store"), "a redis store needs a redis block with addr and key");
                    return null;
                }
                Fields redis = fields(fields.get("redis").value(), fields.at("redis"), QUOTA_REDIS);
                if (redis == null) {
                    return null;
                }
                String addr = string(redis, "addr");
                String key = string(redis, "key");
                Integer db = integer(redis, "db");
                if (addr == null || addr.isBlank()) {
                    problem(fields.at("redis"), "a redis store needs an addr such as 127.0.0.1:6379");
                }
                if (key == null || key.isBlank()) {
                    problem(fields.at("redis"), "a redis store needs a key, the hash its records are kept in (such as"
                            + " gost:quotas)");
                }
                if (addr == null || addr.isBlank() || key == null || key.isBlank()) {
                    return null;
                }
                return new QuotaConfig.Store(null, new QuotaConfig.Redis(addr.trim(), db == null ? 0 : db,
                        string(redis, "username"), string(redis, "password"), key.trim()));
            }
            default -> {
                problem(fields.at("type"), "unknown quota store type '" + type + "'; use file or redis (GOST falls"
                        + " back to the file " + QuotaConfig.DEFAULT_FILE + ")");
                return null;
            }
        }
    }

    private HostsConfig hostsMapper(ConfigTree node, Origin origin, int index) {
        Fields fields = fields(node, origin, HOSTS);
        if (fields == null) {
            return null;
        }
        String name = string(fields, "name");
        List<HostsConfig.Mapping> mappings = list(fields, "mappings", (mapping, mappingOrigin, mappingIndex) -> {
            Fields mappingFields = fields(mapping, mappingOrigin, MAPPING);
            if (mappingFields == null) {
                return null;
            }
            String ip = string(mappingFields, "ip");
            String hostname = string(mappingFields, "hostname");
            if (ip == null || hostname == null) {
                problem(mappingOrigin, "a mapping needs an ip and a hostname");
                return null;
            }
            List<String> aliases = absent(mappingFields.get("aliases")) ? List.of()
                    : stringList(mappingFields.get("aliases").value(), mappingFields.at("aliases"));
            return new HostsConfig.Mapping(ip, hostname, aliases == null ? List.of() : aliases);
        });
        DataSources sources = sources(fields, origin);
        ControlPlugin plugin = controlPlugin(fields);
        return build(() -> new HostsConfig(name, mappings, sources, plugin, origin));
    }

    private ResolverConfig resolver(ConfigTree node, Origin origin, int index) {
        Fields fields = fields(node, origin, RESOLVER);
        if (fields == null) {
            return null;
        }
        String name = string(fields, "name");
        List<ResolverConfig.Nameserver> nameservers = list(fields, "nameservers", (server, serverOrigin, i) -> {
            Fields serverFields = fields(server, serverOrigin, NAMESERVER);
            if (serverFields == null) {
                return null;
            }
            String addr = string(serverFields, "addr");
            if (addr == null || addr.isBlank()) {
                problem(serverOrigin.child("addr"), "a nameserver needs an addr such as 1.1.1.1 or tcp://8.8.8.8:53");
                return null;
            }
            Boolean async = bool(serverFields, "async");
            return new ResolverConfig.Nameserver(addr, string(serverFields, "chain"),
                    string(serverFields, "prefer"), string(serverFields, "only"), string(serverFields, "clientIP"),
                    string(serverFields, "hostname"), duration(serverFields, "ttl"),
                    duration(serverFields, "timeout"), async != null && async, serverOrigin);
        });
        ControlPlugin plugin = controlPlugin(fields);
        return build(() -> new ResolverConfig(name, nameservers, plugin, origin));
    }

    /** {@code whitelist: true} or GOST's older {@code reverse: true}. */
    private boolean whitelist(Fields fields) {
        Boolean whitelist = bool(fields, "whitelist");
        Boolean reverse = bool(fields, "reverse");
        return (whitelist != null && whitelist) || (reverse != null && reverse);
    }

    /** GOST's data sources of a control object: {@code reload}, {@code file}, {@code redis}, {@code http}. */
    private DataSources sources(Fields fields, Origin origin) {
        Duration reload = duration(fields, "reload");
        String file = null;
        Entry fileEntry = fields.get("file");
        if (!absent(fileEntry)) {
            Fields fileFields = fields(fileEntry.value(), fields.at("file"), FILE_SOURCE);
            if (fileFields != null) {
                file = string(fileFields, "path");
                if (file == null || file.isBlank()) {
                    problem(fields.at("file"), "a file source needs a path");
                }
            }
        }
        DataSources.Redis redis = null;
        Entry redisEntry = fields.get("redis");
        if (!absent(redisEntry)) {
            Fields redisFields = fields(redisEntry.value(), fields.at("redis"), REDIS_SOURCE);
            if (redisFields != null) {
                String addr = string(redisFields, "addr");
                Integer db = integer(redisFields, "db");
                String type = string(redisFields, "type");
                if (type != null && !List.of("set", "list").contains(type.trim().toLowerCase(Locale.ROOT))) {
                    problem(redisFields.at("type"), "unknown redis type '" + type + "'; use set or list");
                }
                if (addr == null || addr.isBlank()) {
                    problem(fields.at("redis"), "a redis source needs an addr such as 127.0.0.1:6379");
                } else {
                    redis = new DataSources.Redis(addr, db == null ? 0 : db, string(redisFields, "username"),
                            string(redisFields, "password"), string(redisFields, "key"), type, fields.at("redis"));
                }
            }
        }
        DataSources.Http http = null;
        Entry httpEntry = fields.get("http");
        if (!absent(httpEntry)) {
            Fields httpFields = fields(httpEntry.value(), fields.at("http"), HTTP_SOURCE);
            if (httpFields != null) {
                String url = string(httpFields, "url");
                if (url == null || url.isBlank()) {
                    problem(fields.at("http"), "an http source needs a url");
                } else {
                    http = new DataSources.Http(url, duration(httpFields, "timeout"), fields.at("http"));
                }
            }
        }
        return new DataSources(reload, file, redis, http, origin);
    }

    /** A control object's {@code plugin} block. */
    private ControlPlugin controlPlugin(Fields fields) {
        Entry entry = fields.get("plugin");
        if (absent(entry)) {
            return null;
        }
        Origin origin = fields.at("plugin");
        Fields pluginFields = fields(entry.value(), origin, CONTROL_PLUGIN);
        if (pluginFields == null) {
            return null;
        }
        // Without a tls block GOST's HTTP plugin client is Go's default one, which checks the certificate.
        boolean secure = true;
        String serverName = null;
        Entry tls = pluginFields.get("tls");
        if (!absent(tls)) {
            Fields tlsFields = fields(tls.value(), pluginFields.at("tls"), PLUGIN_TLS);
            Boolean verify = tlsFields == null ? null : bool(tlsFields, "secure");
            secure = verify != null && verify;
            serverName = tlsFields == null ? null : string(tlsFields, "serverName");
        }
        String addr = string(pluginFields, "addr");
        if (addr == null || addr.isBlank()) {
            problem(origin, "a plugin needs an addr");
            return null;
        }
        return new ControlPlugin(string(pluginFields, "type"), addr, duration(pluginFields, "timeout"),
                string(pluginFields, "token"), !absent(tls), secure, serverName, origin);
    }

    /** A handler's or listener's {@code chainGroup}. */
    private ChainGroupConfig chainGroup(Fields fields) {
        Entry entry = fields.get("chainGroup");
        if (absent(entry)) {
            return null;
        }
        Origin origin = fields.at("chainGroup");
        Fields groupFields = fields(entry.value(), origin, CHAIN_GROUP);
        if (groupFields == null) {
            return null;
        }
        List<String> chains = list(groupFields, "chains", (item, itemOrigin, index) -> {
            if (item instanceof ScalarNode scalar && scalar.value() != null) {
                return String.valueOf(scalar.value());
            }
            Fields entryFields = fields(item, itemOrigin, CHAIN_GROUP_ENTRY);
            if (entryFields == null) {
                return null;
            }
            String chain = string(entryFields, "chain");
            if (chain == null) {
                problem(itemOrigin, "a chainGroup entry needs a chain name");
            }
            return chain;
        });
        if (chains.isEmpty()) {
            problem(origin, "a chainGroup needs chains");
        }
        return new ChainGroupConfig(chains, selector(groupFields), origin);
    }

    /** {@code key: NAME} and {@code listKey: [NAME, ...]}, joined in that order without repeats. */
    private List<String> references(Fields fields, String key, String listKey) {
        List<String> names = new ArrayList<>();
        String single = string(fields, key);
        if (single != null && !single.isBlank()) {
            names.add(single.trim());
        }
        Entry list = fields.get(listKey);
        if (!absent(list)) {
            List<String> listed = stringList(list.value(), fields.at(listKey));
            if (listed != null) {
                listed.stream().map(String::trim).filter(name -> !names.contains(name)).forEach(names::add);
            }
        }
        return names;
    }

    /** What a hop or chain node names: bypasses, a host mapper, a resolver. */
    private ControlRefs routeReferences(Fields fields) {
        return new ControlRefs(List.of(), references(fields, "bypass", "bypasses"), null, null, null,
                string(fields, "hosts"), string(fields, "resolver"));
    }

    /**
     * GOST's {@code interface} and {@code sockopts.mark} fields, moved into the metadata as {@code interface}
     * and {@code so_mark} unless the metadata sets those itself (which wins in GOST).
     */
    private MetadataBlock socketOptions(Fields fields, MetadataBlock block) {
        Metadata values = block.values();
        Map<String, Origin> origins = new LinkedHashMap<>(block.origins().keys());
        String ifce = string(fields, "interface");
        if (ifce != null && !values.contains("interface")) {
            values = values.with("interface", ifce);
            origins.put("interface", fields.at("interface"));
        }
        Entry sockopts = fields.get("sockopts");
        if (!absent(sockopts)) {
            Fields sockoptsFields = fields(sockopts.value(), fields.at("sockopts"), SOCKOPTS);
            Integer mark = sockoptsFields == null ? null : integer(sockoptsFields, "mark");
            if (mark != null && mark != 0 && !values.contains("so_mark")) {
                values = values.with("so_mark", mark);
                origins.put("so_mark", sockoptsFields.at("mark"));
            }
        }
        return values == block.values() ? block
                : new MetadataBlock(values, new KeyOrigins(block.origins().block(), origins));
    }

    /** A list of text lines ({@code limits}); numbers are taken as written. */
    private List<String> lines(ConfigTree node, Origin origin) {
        if (!(node instanceof ListNode list)) {
            problem(origin, "expected a list of lines such as '$ 100MB 100MB', got " + node.kind());
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            ConfigTree item = list.items().get(i);
            if (item instanceof ScalarNode scalar && scalar.value() != null) {
                lines.add(String.valueOf(scalar.value()));
            } else {
                problem(itemOrigin(origin, item, i), "expected a line such as '$ 100MB 100MB', got " + item.kind());
            }
        }
        return lines;
    }

    private LogConfig log(Fields root) {
        Entry entry = root.get("log");
        if (absent(entry)) {
            return null;
        }
        Fields fields = fields(entry.value(), root.at("log"), LOG);
        if (fields == null) {
            return null;
        }
        String level = oneOf(fields, "level", LOG_LEVELS);
        String format = oneOf(fields, "format", LOG_FORMATS);
        String output = string(fields, "output");
        LogConfig.Rotation rotation = rotation(fields);
        if (rotation != null && (output == null || LogConfig.isStream(output.trim()))) {
            problem(fields.at("rotation"), "rotation applies to a log file, and output is "
                    + (output == null ? "stderr" : "'" + output.trim() + "'") + "; set output to a file path or remove"
                    + " rotation");
        }
        return new LogConfig(level, format, output, rotation);
    }

    private LogConfig.Rotation rotation(Fields log) {
        Entry entry = log.get("rotation");
        if (absent(entry)) {
            return null;
        }
        Fields fields = fields(entry.value(), log.at("rotation"), LOG_ROTATION);
        if (fields == null) {
            return null;
        }
        int maxSize = notNegative(fields, "maxSize");
        int maxAge = notNegative(fields, "maxAge");
        int maxBackups = notNegative(fields, "maxBackups");
        Boolean localTime = bool(fields, "localTime");
        Boolean compress = bool(fields, "compress");
        return new LogConfig.Rotation(maxSize, maxAge, maxBackups, localTime != null && localTime,
                compress != null && compress);
    }

    private int notNegative(Fields fields, String key) {
        Integer value = integer(fields, key);
        if (value != null && value < 0) {
            problem(fields.at(key), key + " must be 0 or more, got " + value);
            return 0;
        }
        return value == null ? 0 : value;
    }

    private ApiConfig api(Fields root) {
        Entry entry = root.get("api");
        if (absent(entry)) {
            return null;
        }
        Origin origin = root.at("api");
        Fields fields = fields(entry.value(), origin, API);
        if (fields == null) {
            return null;
        }
        String addr = string(fields, "addr");
        String pathPrefix = string(fields, "pathPrefix");
        Boolean accessLog = bool(fields, "accesslog");
        Credentials auth = operationsAuth(fields, API_AUTH);
        String auther = string(fields, "auther");
        return build(() -> new ApiConfig(addr, pathPrefix, accessLog != null && accessLog, auth, auther, origin));
    }

    private MetricsConfig metrics(Fields root) {
        Entry entry = root.get("metrics");
        if (absent(entry)) {
            return null;
        }
        Origin origin = root.at("metrics");
        Fields fields = fields(entry.value(), origin, METRICS);
        if (fields == null) {
            return null;
        }
        String addr = string(fields, "addr");
        String path = string(fields, "path");
        Credentials auth = operationsAuth(fields, METRICS_AUTH);
        String auther = string(fields, "auther");
        Boolean clientLabel = bool(fields, "clientLabel");
        return build(() -> new MetricsConfig(addr, path, auth, auther, clientLabel != null && clientLabel, origin));
    }

    private Credentials operationsAuth(Fields parent, Schema schema) {
        Entry entry = parent.get("auth");
        if (absent(entry)) {
            return null;
        }
        Fields fields = fields(entry.value(), parent.at("auth"), schema);
        return fields == null ? null : credentials(fields);
    }

    private String oneOf(Fields fields, String key, List<String> allowed) {
        String value = string(fields, key);
        if (value != null && !allowed.contains(value.trim().toLowerCase(Locale.ROOT))) {
            problem(fields.at(key), "unknown " + key + " '" + value + "'; use " + String.join(", ", allowed));
            return null;
        }
        return value;
    }

    /**
     * A {@code tls} block (GOST's TLSConfig): its keys are checked here for their kind, and against the plugin
     * that reads them when the configuration is planned.
     */
    private TlsConfig tls(Fields parent) {
        Entry entry = parent.get("tls");
        if (absent(entry)) {
            return null;
        }
        Origin origin = parent.at("tls");
        Fields fields = fields(entry.value(), origin, TLS);
        if (fields == null) {
            return null;
        }
        Map<String, Origin> keys = new LinkedHashMap<>();
        fields.origins.forEach(keys::put);
        TlsOptions.Version minVersion = null;
        TlsOptions.Version maxVersion = null;
        List<String> cipherSuites = List.of();
        List<String> alpn = List.of();
        Entry optionsEntry = fields.get("options");
        if (!absent(optionsEntry)) {
            Fields options = fields(optionsEntry.value(), fields.at("options"), TLS_OPTIONS);
            if (options != null) {
                options.origins.forEach((key, where) -> keys.put("options." + key, where));
                minVersion = tlsVersion(options, "minVersion");
                maxVersion = tlsVersion(options, "maxVersion");
                cipherSuites = optionalList(options, "cipherSuites");
                alpn = optionalList(options, "alpn");
            }
        }
        Duration validity = duration(fields, "validity");
        if (validity != null && (validity.isZero() || validity.isNegative())) {
            problem(fields.at("validity"), "validity must be a positive duration such as 8760h");
            validity = null;
        }
        TlsConfig tls = new TlsConfig(string(fields, "certFile"), string(fields, "keyFile"), string(fields, "caFile"),
                bool(fields, "secure"), string(fields, "serverName"), minVersion, maxVersion, cipherSuites, alpn,
                validity, string(fields, "commonName"), string(fields, "organization"),
                bool(fields, "rejectUnknownSNI"), optionalList(fields, "serverNames"), origin,
                new KeyOrigins(origin, keys));
        if (minVersion != null && maxVersion != null && minVersion.compareTo(maxVersion) > 0) {
            problem(tls.at("options.minVersion"), "minVersion " + minVersion + " is above maxVersion " + maxVersion);
        }
        return tls;
    }

    /** GOST's version names, {@code VersionTLS10} to {@code VersionTLS13} (GOST ignores others silently). */
    private TlsOptions.Version tlsVersion(Fields fields, String key) {
        String value = string(fields, key);
        if (value == null) {
            return null;
        }
        Optional<TlsOptions.Version> version = TlsOptions.Version.parse(value);
        if (version.isEmpty()) {
            problem(fields.at(key), "unknown TLS version '" + value + "'; use VersionTLS10, VersionTLS11,"
                    + " VersionTLS12 or VersionTLS13");
            return null;
        }
        return version.get();
    }

    private List<String> optionalList(Fields fields, String key) {
        Entry entry = fields.get(key);
        if (absent(entry)) {
            return List.of();
        }
        List<String> values = stringList(entry.value(), fields.at(key));
        return values == null ? List.of() : values;
    }

    private String netnsProvider(Fields root) {
        Entry entry = root.get("netns");
        if (absent(entry)) {
            return null;
        }
        Fields fields = fields(entry.value(), root.at("netns"), NETNS);
        return fields == null ? null : string(fields, "provider");
    }

    // ---- values ----------------------------------------------------------------------------------------

    /** A string value; numbers and booleans are taken as written. */
    private String string(Fields fields, String key) {
        Entry entry = fields.get(key);
        if (absent(entry)) {
            return null;
        }
        if (entry.value() instanceof ScalarNode scalar) {
            return String.valueOf(scalar.value());
        }
        problem(fields.at(key), "expected a string, got " + entry.value().kind());
        return null;
    }

    private List<String> stringList(ConfigTree node, Origin origin) {
        if (!(node instanceof ListNode list)) {
            problem(origin, "expected a list of names, got " + node.kind());
            return null;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            ConfigTree item = list.items().get(i);
            if (item instanceof ScalarNode scalar && scalar.value() != null) {
                names.add(String.valueOf(scalar.value()));
            } else {
                problem(itemOrigin(origin, item, i), "expected a name, got " + item.kind());
            }
        }
        return names;
    }

    private Boolean bool(Fields fields, String key) {
        Entry entry = fields.get(key);
        if (absent(entry)) {
            return null;
        }
        Object value = entry.value() instanceof ScalarNode scalar ? scalar.value() : null;
        if (value instanceof Boolean flag) {
            return flag;
        }
        if (value instanceof String text && (text.trim().equalsIgnoreCase("true") || text.trim().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(text.trim());
        }
        problem(fields.at(key), "expected true or false, got " + entry.value().kind());
        return null;
    }

    private Integer integer(Fields fields, String key) {
        Entry entry = fields.get(key);
        if (absent(entry)) {
            return null;
        }
        Object value = entry.value() instanceof ScalarNode scalar ? scalar.value() : null;
        BigInteger number = null;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            number = BigInteger.valueOf(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            number = big;
        } else if (value instanceof String text && text.trim().matches("[+-]?\\d+")) {
            number = new BigInteger(text.trim());
        }
        if (number == null || number.bitLength() >= Integer.SIZE) {
            problem(fields.at(key), "expected a whole number, got " + entry.value().kind());
            return null;
        }
        return number.intValue();
    }

    /** GOST durations: a whole number of seconds, or Go syntax such as {@code 10s}. */
    private Duration duration(Fields fields, String key) {
        Entry entry = fields.get(key);
        if (absent(entry)) {
            return null;
        }
        Object value = entry.value() instanceof ScalarNode scalar ? scalar.value() : null;
        if (value instanceof Integer || value instanceof Long) {
            return Duration.ofSeconds(((Number) value).longValue());
        }
        if (value instanceof String text) {
            try {
                return Metadata.parseDuration(key, text);
            } catch (InvalidMetadataException e) {
                // fall through to the message below
            }
        }
        problem(fields.at(key), "expected a duration such as 10s, 500ms, 1m30s or a number of seconds, got "
                + entry.value().kind());
        return null;
    }

    /** A metadata block and where each of its keys was written. */
    private record MetadataBlock(Metadata values, KeyOrigins origins) {
    }

    /**
     * A metadata map. Nested maps are flattened to dotted keys, so HOCON's unquoted {@code netns.out = x}
     * (which HOCON nests) and GOST's single key {@code netns.out: x} give the same metadata; a plugin that
     * reads a map ({@code header: {X-Foo: bar}}) gets it back with {@link Metadata#getMap}.
     */
    private MetadataBlock metadata(Fields fields, String key) {
        Entry entry = fields.get(key);
        Origin origin = fields.at(key);
        if (absent(entry)) {
            return new MetadataBlock(Metadata.empty(), KeyOrigins.at(origin));
        }
        if (!(entry.value() instanceof MapNode map)) {
            problem(origin, "expected a map of options, got " + entry.value().kind());
            return new MetadataBlock(Metadata.empty(), KeyOrigins.at(origin));
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        Map<String, Origin> origins = new LinkedHashMap<>();
        flatten("", map, origin, flat, origins);
        return new MetadataBlock(Metadata.of(flat), new KeyOrigins(origin, origins));
    }

    private void flatten(String prefix, MapNode map, Origin origin, Map<String, Object> flat,
                         Map<String, Origin> origins) {
        for (Entry entry : map.entries()) {
            String key = prefix + entry.key();
            Origin keyOrigin = new Origin(sourceOf(entry.value()), lineOf(entry, origin), origin.child(key).path());
            if (entry.value() instanceof MapNode nested) {
                flatten(key + ".", nested, origin, flat, origins);
                continue;
            }
            Object value = plain(entry.value());
            if (value == null) {
                continue;
            }
            boolean duplicate = flat.keySet().stream().anyMatch(known -> known.equalsIgnoreCase(key));
            if (duplicate) {
                problem(keyOrigin, "option '" + key + "' is given twice (keys ignore case, and nested keys count as dotted)");
            }
            flat.put(key, value);
            origins.put(key, keyOrigin);
        }
    }

    /** The value as plain Java objects: lists and maps inside metadata values keep their shape. */
    private static Object plain(ConfigTree node) {
        if (node instanceof ScalarNode scalar) {
            return scalar.value();
        }
        if (node instanceof ListNode list) {
            List<Object> items = new ArrayList<>();
            list.items().forEach(item -> items.add(plain(item)));
            return Collections.unmodifiableList(items);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        ((MapNode) node).entries().forEach(entry -> map.put(entry.key(), plain(entry.value())));
        return Collections.unmodifiableMap(map);
    }

    // ---- structure -------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface ItemMapper<T> {
        /** The item, or {@code null} after recording a problem. */
        T map(ConfigTree node, Origin origin, int index);
    }

    private <T> List<T> list(Fields fields, String key, ItemMapper<T> mapper) {
        Entry entry = fields.get(key);
        if (absent(entry)) {
            return List.of();
        }
        Origin origin = fields.at(key);
        if (!(entry.value() instanceof ListNode list)) {
            problem(origin, "expected a list, got " + entry.value().kind());
            return List.of();
        }
        List<T> items = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            ConfigTree item = list.items().get(i);
            T mapped = mapper.map(item, itemOrigin(origin, item, i), i);
            if (mapped != null) {
                items.add(mapped);
            }
        }
        return items;
    }

    /** The keys of a map, checked against the schema; {@code null} (with a problem) when it is no map. */
    private Fields fields(ConfigTree node, Origin origin, Schema schema) {
        if (!(node instanceof MapNode map)) {
            problem(origin, "expected " + schema.what + " as a map of keys, got " + node.kind());
            return null;
        }
        Fields fields = new Fields(origin);
        String type = map.entries().stream()
                .filter(entry -> entry.key().equalsIgnoreCase("type") && entry.value() instanceof ScalarNode)
                .map(entry -> String.valueOf(((ScalarNode) entry.value()).value()).trim().toLowerCase(Locale.ROOT))
                .findFirst().orElse(null);
        for (Entry entry : map.entries()) {
            String lowerKey = entry.key().toLowerCase(Locale.ROOT);
            String canonical = schema.supported.get(lowerKey);
            Origin keyOrigin = new Origin(sourceOf(entry.value()), lineOf(entry, origin),
                    origin.child(entry.key()).path());
            if (canonical == null) {
                // "x-" keys are extensions (a home for YAML anchors), as in Docker Compose files.
                if (!lowerKey.startsWith("x-")) {
                    problem(keyOrigin, unknownKeyMessage(entry.key(), schema, type));
                }
                continue;
            }
            if (fields.entries.containsKey(canonical)) {
                problem(keyOrigin, "key '" + entry.key() + "' is given twice");
                continue;
            }
            fields.entries.put(canonical, entry);
            fields.origins.put(canonical, new Origin(keyOrigin.source(), keyOrigin.line(),
                    origin.child(canonical).path()));
        }
        return fields;
    }

    /**
     * A key GOST has but gost-java does not support yet is refused as such, naming the feature it belongs to;
     * any other key is a typo or not GOST's, refused with the nearest key GOST or gost-java knows there.
     */
    private static String unknownKeyMessage(String key, Schema schema, String type) {
        Optional<GostKeys.Key> gostKey = schema.scope.isEmpty() ? Optional.empty()
                : GostKeys.shipped().find(schema.scope, key);
        if (gostKey.isPresent()) {
            return Unsupported.message("'" + key + "'", gostKey.get().feature());
        }
        Optional<String> metadataOwner = metadataOwner(key, schema, type);
        if (metadataOwner.isPresent()) {
            return "unknown key '" + key + "' here; GOST reads '" + key + "' as a metadata option of "
                    + metadataOwner.get() + ": put it under metadata";
        }
        Set<String> known = new LinkedHashSet<>(schema.supported.values());
        if (!schema.scope.isEmpty()) {
            GostKeys.shipped().scope(schema.scope).forEach(k -> known.add(k.key()));
        }
        return Suggestions.closest(key, known)
                .map(suggestion -> "unknown key '" + key + "'; did you mean '" + suggestion + "'?")
                .orElse("unknown key '" + key + "'; " + schema.what + " has "
                        + String.join(", ", schema.supported.values()));
    }

    /**
     * Which kind of object GOST reads {@code key} from the metadata of, when {@code schema} has metadata of
     * its own: a key written beside {@code metadata} instead of in it (GOST ignores it there).
     */
    private static Optional<String> metadataOwner(String key, Schema schema, String type) {
        if (!schema.supported.containsKey("metadata")) {
            return Optional.empty();
        }
        String kind = schema.what.replaceFirst("^an? ", "");
        String prefix = switch (kind) {
            case "handler", "listener", "connector", "dialer" -> "metadata:" + kind + "/";
            case "service", "hop", "node", "chain" -> "metadata:" + kind;
            default -> null;
        };
        if (prefix == null) {
            return Optional.empty();
        }
        String ownScope = type == null ? prefix : prefix + type;
        return GostKeys.shipped().all().stream()
                .filter(row -> row.scope().startsWith(prefix) && row.matches(key))
                .min(java.util.Comparator.comparing(row -> row.scope().equalsIgnoreCase(ownScope) ? 0 : 1))
                .map(row -> row.scope().length() > prefix.length()
                        ? "the " + row.scope().substring(prefix.length()) + " " + kind : "a " + kind);
    }

    private Origin itemOrigin(Origin list, ConfigTree item, int index) {
        return new Origin(sourceOf(item), item.line() > 0 ? item.line() : list.line(), list.index(index).path());
    }

    private static int lineOf(Entry entry, Origin parent) {
        return entry.line() > 0 ? entry.line() : parent.line();
    }

    private String sourceOf(ConfigTree node) {
        return node.source() != null ? node.source() : source;
    }

    private static boolean absent(Entry entry) {
        return entry == null || isNull(entry.value());
    }

    private static boolean isNull(ConfigTree node) {
        return node instanceof ScalarNode scalar && scalar.value() == null;
    }

    private static String orDefault(String value, String defaultValue) {
        return value == null || value.isBlank() ? defaultValue : value;
    }

    /** Runs a record constructor, turning its validation failure into a collected problem. */
    private <T> T build(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    private void problem(Origin origin, String problem) {
        problems.add(origin + ": " + problem);
    }

    /** The keys of one map, by their canonical (schema) spelling. */
    private static final class Fields {
        final Origin origin;
        final Map<String, Entry> entries = new LinkedHashMap<>();
        final Map<String, Origin> origins = new LinkedHashMap<>();

        Fields(Origin origin) {
            this.origin = origin;
        }

        Entry get(String key) {
            return entries.get(key);
        }

        /** Where {@code key} was written, or the map itself when it was not. */
        Origin at(String key) {
            Origin at = origins.get(key);
            return at != null ? at : origin.child(key);
        }
    }

    /**
     * The keys one kind of object may have.
     *
     * @param what      how the object is called in messages
     * @param supported lower-case key to canonical spelling, in documentation order
     * @param scope     the catalog scope of GOST's keys for this object ({@link GostKeys}), or empty for
     *                  gost-java's own sections
     */
    private record Schema(String what, Map<String, String> supported, String scope) {

        static Schema of(String what, String supported, String scope) {
            Map<String, String> keys = new LinkedHashMap<>();
            for (String key : split(supported)) {
                keys.put(key.toLowerCase(Locale.ROOT), key);
            }
            return new Schema(what, Collections.unmodifiableMap(keys), scope);
        }

        private static List<String> split(String keys) {
            return Arrays.stream(keys.split(",")).map(String::trim).filter(key -> !key.isEmpty()).toList();
        }
    }
}
