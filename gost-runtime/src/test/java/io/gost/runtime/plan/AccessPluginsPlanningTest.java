package io.gost.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.ResolverConfig;
import io.gost.runtime.config.YamlConfigLoader;
import io.gost.runtime.dns.Nameserver;
import io.gost.runtime.registry.PluginRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GOST's HTTP plugins on admissions, bypasses, hosts and resolvers, and DNS over TLS and HTTPS nameservers, as
 * the planner reads them: what plans, and the errors for what gost-java cannot do (a plugin beside rules
 * GOST would ignore, a plugin bypass where the route cannot wait for it).
 */
class AccessPluginsPlanningTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.load();

    private static Planner.Result yaml(String... lines) {
        GostConfig config = new YamlConfigLoader().parse(String.join("\n", lines), "app.yaml");
        return Planner.plan(config, REGISTRY);
    }

    @Test
    void httpPluginsOfEveryKindPlanAndCheckShowsWhomTheyAsk() {
        Planner.Result result = yaml(
                "services:",
                "- name: proxy",
                "  addr: 127.0.0.1:18080",
                "  admission: admission-0",
                "  bypass: bypass-0",
                "  hosts: hosts-0",
                "  resolver: resolver-0",
                "  handler: {type: http}",
                "  listener: {type: tcp}",
                "admissions:",
                "- name: admission-0",
                "  plugin: {type: http, addr: 'http://127.0.0.1:8000/admission', token: s3cret}",
                "bypasses:",
                "- name: bypass-0",
                "  plugin: {type: http, addr: 'https://127.0.0.1:8000/bypass', timeout: 2s,"
                        + " tls: {secure: true, serverName: plugins.example}}",
                "hosts:",
                "- name: hosts-0",
                "  plugin: {type: http, addr: 'http://127.0.0.1:8000/hosts'}",
                "resolvers:",
                "- name: resolver-0",
                "  plugin: {type: http, addr: 'http://127.0.0.1:8000/resolver'}");

        assertThat(result.problems()).isEmpty();
        String description = PlanDescription.describe(result.plan());
        assertThat(description)
                .contains("admission admission-0: asks the http plugin at http://127.0.0.1:8000/admission about each"
                        + " client (timeout 10s (default), bearer token)")
                .contains("bypass bypass-0: asks the http plugin at https://127.0.0.1:8000/bypass about each target"
                        + " (timeout 2s, TLS server name plugins.example, certificate verified)")
                .contains("hosts hosts-0: asks the http plugin at http://127.0.0.1:8000/hosts about each name")
                .contains("resolver resolver-0: asks the http plugin at http://127.0.0.1:8000/resolver about each"
                        + " name");
    }

    @Test
    void grpcWhichIsGostsDefaultTypePlansWithHostAndPortAndCheckShowsHowItIsReached() {
        Planner.Result result = yaml(
                "services:",
                "- name: proxy",
                "  addr: 127.0.0.1:18080",
                "  admission: admission-0",
                "  bypass: bypass-0",
                "  handler: {type: http, auther: auther-0}",
                "  listener: {type: tcp}",
                "authers:",
                "- name: auther-0",
                "  plugin: {addr: '127.0.0.1:8000', token: s3cret}",
                "admissions:",
                "- name: admission-0",
                "  plugin: {type: grpc, addr: '[::1]:8000', tls: {}}",
                "bypasses:",
                "- name: bypass-0",
                "  plugin: {type: GRPC, addr: 'plugins.example:8443', timeout: 2s,"
                        + " tls: {secure: true, serverName: plugins.example}}");

        assertThat(result.problems()).isEmpty();
        assertThat(PlanDescription.describe(result.plan()))
                .contains("auther auther-0: asks the grpc plugin at 127.0.0.1:8000 about each login (timeout 10s"
                        + " (default), token metadata, plaintext h2c)")
                .contains("admission admission-0: asks the grpc plugin at [::1]:8000 about each client (timeout 10s"
                        + " (default), TLS, certificate not verified (tls.secure false))")
                .contains("bypass bypass-0: asks the grpc plugin at plugins.example:8443 about each target (timeout"
                        + " 2s, TLS, TLS server name plugins.example, certificate verified)");
    }

    @Test
    void aGrpcPluginAddrThatIsNotHostAndPortIsAnErrorNamingTheKey() {
        Planner.Result result = yaml(
                "bypasses:",
                "- name: bypass-0",
                "  plugin:",
                "    addr: http://127.0.0.1:8000/bypass",
                "hosts:",
                "- name: hosts-0",
                "  plugin: {addr: '::1:8000'}",
                "admissions:",
                "- name: admission-0",
                "  plugin: {type: websocket, addr: '127.0.0.1:8000'}");

        assertThat(result.problems()).containsExactlyInAnyOrder(
                "app.yaml:3: bypasses[0].plugin.addr: bypass 'bypass-0': plugin addr 'http://127.0.0.1:8000/bypass'"
                        + " is not host:port (a gRPC plugin's addr has no scheme; or write type: http for a URL)",
                "app.yaml:7: hosts[0].plugin.addr: hosts 'hosts-0': plugin addr '::1:8000' is not host:port (a gRPC"
                        + " plugin is reached at host:port, IPv6 in brackets: [::1]:8000)",
                "app.yaml:10: admissions[0].plugin.type: admission 'admission-0': plugin type 'websocket' is not one"
                        + " of GOST's: write grpc (the default) or http");
    }

    @Test
    void aPluginBesideRulesGostWouldIgnoreIsAnError() {
        Planner.Result result = yaml(
                "admissions:",
                "- name: admission-0",
                "  matchers: [127.0.0.1]",
                "  plugin: {type: http, addr: 'http://127.0.0.1:8000/admission'}",
                "resolvers:",
                "- name: resolver-0",
                "  nameservers: [{addr: 1.1.1.1}]",
                "  plugin: {type: http, addr: 'ftp://127.0.0.1/resolver'}");

        assertThat(result.problems()).containsExactlyInAnyOrder(
                "app.yaml:4: admissions[0].plugin: admission 'admission-0': a plugin decides alone (GOST ignores"
                        + " matchers, whitelist, file, redis and http next to it); remove them or the plugin",
                "app.yaml:8: resolvers[0].plugin.addr: resolver 'resolver-0': plugin addr 'ftp://127.0.0.1/resolver'"
                        + " is not an http:// or https:// URL",
                "app.yaml:8: resolvers[0].plugin: resolver 'resolver-0': a plugin decides alone (GOST ignores"
                        + " nameservers next to it); remove them or the plugin");
    }

    @Test
    void aPluginBypassOnAHopIsRefusedBecauseRoutesAreChosenWithoutWaiting() {
        Planner.Result result = yaml(
                "chains:",
                "- name: chain-0",
                "  hops:",
                "  - name: hop-0",
                "    bypass: bypass-0",
                "    nodes: [{name: node-0, addr: '127.0.0.1:8081'}]",
                "bypasses:",
                "- name: bypass-0",
                "  plugin: {type: http, addr: 'http://127.0.0.1:8000/bypass'}");

        assertThat(result.problems()).singleElement().asString()
                .startsWith("app.yaml:4: chains[0].hops[0].bypass: bypass 'bypass-0' asks a plugin, which gost-java"
                        + " does for a service's bypass only");
    }

    @Test
    void aLimiterPluginPlansForTheServiceAndTheHandlerAndCheckShowsWhomItAsks() {
        Planner.Result result = yaml(
                "services:",
                "- name: service-0",
                "  addr: 127.0.0.1:18080",
                "  limiter: limiter-0",
                "  handler:",
                "    type: http",
                "    limiter: limiter-0",
                "    metadata: {limiter.refreshInterval: 5s}",
                "  listener: {type: tcp}",
                "limiters:",
                "- name: limiter-0",
                "  plugin: {type: http, addr: 'http://127.0.0.1:8000/limiter'}");

        assertThat(result.problems()).isEmpty();
        ServicePlan service = result.plan().services().get(0);
        assertThat(service.controls().limiter()).isEqualTo("limiter-0");
        assertThat(service.controls().clientLimiter()).isEqualTo(new ServiceControls.ClientLimiter("limiter-0",
                java.time.Duration.ofSeconds(5), ServiceControls.DEFAULT_CLEANUP));
        assertThat(PlanDescription.describe(result.plan()))
                .contains("limiter limiter-0: asks the http plugin at http://127.0.0.1:8000/limiter about the rates of"
                        + " each service, connection and client")
                .contains("traffic: limiter limiter-0, refresh 30s, cleanup 1m; each client: the handler's limiter"
                        + " limiter-0, refresh 5s, cleanup 1m");
    }

    @Test
    void aLimiterPluginBesideLimitsAndAHandlersLimiterWithoutAPluginAreErrors() {
        Planner.Result result = yaml(
                "services:",
                "- name: service-0",
                "  addr: 127.0.0.1:18080",
                "  handler: {type: http, limiter: lines}",
                "  listener: {type: tcp}",
                "- name: service-1",
                "  addr: 127.0.0.1:18081",
                "  handler: {type: tcp, limiter: limiter-0}",
                "  listener: {type: tcp}",
                "  forwarder: {nodes: [{name: target, addr: '127.0.0.1:80'}]}",
                "- name: service-2",
                "  addr: 127.0.0.1:18082",
                "  handler: {type: socks5, limiter: nowhere}",
                "  listener: {type: tcp}",
                "limiters:",
                "- name: limiter-0",
                "  limits: ['$ 1MB']",
                "  plugin: {type: http, addr: 'http://127.0.0.1:8000/limiter'}",
                "- name: lines",
                "  limits: ['$ 1MB']");

        assertThat(result.problems()).containsExactlyInAnyOrder(
                "app.yaml:18: limiters[0].plugin: limiter 'limiter-0': a plugin decides alone (GOST ignores limits,"
                        + " file, redis and http next to it); remove them or the plugin",
                "app.yaml:4: services[0].handler.limiter: limiter 'lines' has no plugin: a handler's own limiter"
                        + " paces each client by what a limiter plugin answers for it (GOST asks limits lines nothing"
                        + " per client, so they would limit nothing here); give limiter 'lines' a plugin, or name it"
                        + " as the service's limiter",
                "app.yaml:8: services[1].handler.limiter: handler tcp applies no limiter of its own (GOST's http,"
                        + " socks4, socks5, relay and auto handlers do); name it as the service's limiter instead",
                "app.yaml:13: services[2].handler.limiter: no limiter named 'nowhere' in limiters; known:"
                        + " limiter-0, lines");
    }

    @Test
    void dnsOverTlsAndHttpsNameserversReadAsGostWritesThem() {
        Nameserver dot = nameserver("tls://8.8.8.8:853", null);
        Nameserver dotDefaultPort = nameserver("tls://1.1.1.1", "cloudflare-dns.com");
        Nameserver doh = nameserver("https://1.0.0.1/dns-query", null);
        Nameserver dohOwnPath = nameserver("https://[2606:4700::1111]:8443/resolve", "one.one.one.one");

        assertThat(dot.protocol()).isEqualTo("tls");
        assertThat(dot.address().getPort()).isEqualTo(853);
        assertThat(dotDefaultPort.address().getPort()).as("RFC 7858's port").isEqualTo(853);
        assertThat(dotDefaultPort.serverName()).isEqualTo("cloudflare-dns.com");
        assertThat(doh.protocol()).isEqualTo("https");
        assertThat(doh.address().getPort()).isEqualTo(443);
        assertThat(doh.path()).isEqualTo("/dns-query");
        assertThat(doh).hasToString("https://1.0.0.1:443/dns-query");
        assertThat(dohOwnPath.address().getPort()).isEqualTo(8443);
        assertThat(dohOwnPath.path()).isEqualTo("/resolve");
        assertThat(nameserver("https://1.0.0.1", null).path()).isEqualTo("/dns-query");
        assertThatThrownBy(() -> nameserver("udp://1.1.1.1", "one.one.one.one"))
                .hasMessageContaining("hostname is the TLS server name of DNS over TLS (tls://) or HTTPS");
        assertThatThrownBy(() -> nameserver("https://dns.google/dns-query", null))
                .hasMessageContaining("'dns.google' is not an IP address")
                .hasMessageContaining("the TLS server name goes in hostname");
    }

    @Test
    void theResolverQueryTakesDnsOverTlsAndHttps() {
        Planner.Result result = Planner.plan(new io.gost.runtime.config.CommandLineParser().parse(
                List.of("http://127.0.0.1:18080?resolver=1.1.1.1,tcp://8.8.8.8,tls://8.8.8.8:853,"
                        + "https://1.0.0.1/dns-query"), List.of()), REGISTRY);

        assertThat(result.problems()).isEmpty();
        assertThat(PlanDescription.describe(result.plan())).contains("tls://8.8.8.8:853 (prefer ipv4",
                "https://1.0.0.1:443/dns-query (prefer ipv4", "certificate not verified (as GOST)");
    }

    private static Nameserver nameserver(String addr, String hostname) {
        return Nameserver.of(new ResolverConfig.Nameserver(addr, null, null, null, null, hostname, null, null, false,
                null));
    }

    @Test
    void aNameserversChainIsPlannedAndShownAndAChainThatIsNotThereNamesItsLine() {
        Planner.Result planned = yaml(
                "chains:",
                "- name: chain-0",
                "  hops:",
                "  - name: hop-0",
                "    nodes:",
                "    - {name: node-0, addr: 127.0.0.1:1080, connector: {type: socks5}, dialer: {type: tcp}}",
                "resolvers:",
                "- name: resolver-0",
                "  nameservers:",
                "  - {addr: udp://127.0.0.1:53, chain: chain-0}",
                "  - {addr: 127.0.0.1}");

        assertThat(planned.problems()).isEmpty();
        ControlPlan.Resolver resolver = planned.plan().controls().resolvers().get(0);
        assertThat(resolver.nameservers()).extracting(Nameserver::chain).containsExactly("chain-0", null);
        assertThat(resolver.chains().get("chain-0").hops()).hasSize(1);
        assertThat(PlanDescription.describe(planned.plan()))
                .contains("resolver resolver-0: udp://127.0.0.1:53 through chain chain-0 (prefer ipv4");

        Planner.Result wrong = yaml(
                "chains:",
                "- name: chain-0",
                "  hops:",
                "  - name: hop-0",
                "    nodes:",
                "    - {name: node-0, addr: 127.0.0.1:8080, connector: {type: http}}",
                "resolvers:",
                "- name: resolver-0",
                "  nameservers:",
                "  - addr: tcp://127.0.0.1:53",
                "    chain: chain-9");

        assertThat(wrong.problems()).containsExactly("app.yaml:10: resolvers[0].nameservers[0].chain: no chain named"
                + " 'chain-9' in chains; known: chain-0");
    }
}
