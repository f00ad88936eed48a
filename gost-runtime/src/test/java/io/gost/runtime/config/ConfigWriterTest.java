package io.gost.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code gost -O yaml|json}: GOST's field names, and output that loads back into the same model. */
class ConfigWriterTest {

    private static final GostConfig SEED_THREE = new CommandLineParser().parse(
            List.of("tcp://10.0.0.1:8000/10.0.1.11:8000?netns=ns1"), List.of("http://10.0.1.1:8080?netns=ns2"));

    /** Everything the model holds, from a file. */
    private static final GostConfig EVERYTHING = new YamlConfigLoader().parse("""
            services:
            - name: web
              addr: 127.0.0.1:8080
              handler:
                type: http
                retries: 2
                chain: out
                auther: users
                metadata: {readTimeout: 5s, knock: [a.example, b.example]}
              listener:
                type: tcp
                auth: {username: "admin", password: "p\\"w:d"}
              metadata: {netns: ns1, so_mark: 100, keepalive: true}
            - name: fwd
              addr: :8000
              handler: {type: tcp}
              forwarder:
                name: backends
                selector: {strategy: hash, maxFails: 3, failTimeout: 1m30s}
                nodes:
                - {name: a, addr: '192.0.2.1:80'}
                - {addr: '192.0.2.2:80', connector: {type: http, auth: {username: u}}}
            chains:
            - name: out
              metadata: {retries: 1}
              hops:
              - name: hop-0
                selector: {strategy: fifo, failTimeout: 500ms}
                metadata: {netns: ns2}
                nodes:
                - {name: n, addr: '192.0.2.9:3128', netns: ns3, metadata: {weight: 2}}
            authers:
            - name: users
              auths: [{username: alice, password: wonderland}]
            log: {level: debug, format: json, output: stderr}
            netns: {provider: recording}
            """, "everything.yaml");

    @Test
    void yamlUsesGostFieldNamesAndLeavesDefaultsOut() {
        assertThat(ConfigWriter.toYaml(SEED_THREE)).isEqualTo("""
                services:
                  - name: service-0
                    addr: 10.0.0.1:8000
                    handler:
                      type: tcp
                      chain: chain-0
                    listener:
                      type: tcp
                    forwarder:
                      nodes:
                        - name: target-0
                          addr: 10.0.1.11:8000
                    metadata:
                      netns: ns1
                chains:
                  - name: chain-0
                    hops:
                      - name: hop-0
                        metadata:
                          netns: ns2
                        nodes:
                          - name: node-0
                            addr: 10.0.1.1:8080
                            connector:
                              type: http
                            dialer:
                              type: tcp
                """);
    }

    @Test
    void jsonUsesGostFieldNames() {
        assertThat(ConfigWriter.toJson(new CommandLineParser().parse(List.of("http://user:pass@:8080"), List.of())))
                .isEqualTo("""
                        {
                          "services": [
                            {
                              "name": "service-0",
                              "addr": ":8080",
                              "handler": {
                                "type": "http",
                                "auth": {
                                  "username": "user",
                                  "password": "pass"
                                }
                              },
                              "listener": {
                                "type": "tcp"
                              }
                            }
                          ]
                        }
                        """);
    }

    @Test
    void yamlOutputLoadsBackIntoTheSameModel() {
        GostConfig reloaded = new YamlConfigLoader().parse(ConfigWriter.toYaml(EVERYTHING), "out.yaml");

        assertThat(ConfigModels.withoutOrigins(reloaded)).isEqualTo(ConfigModels.withoutOrigins(EVERYTHING));
    }

    @Test
    void jsonOutputLoadsBackIntoTheSameModel() {
        GostConfig reloaded = new HoconConfigLoader().parse(ConfigWriter.toJson(EVERYTHING), "out.json");

        assertThat(ConfigModels.withoutOrigins(reloaded)).isEqualTo(ConfigModels.withoutOrigins(EVERYTHING));
    }

    @Test
    void commandLineModelSurvivesTheRoundTrip() {
        GostConfig commandLine = new CommandLineParser().parse(
                List.of("tcp://:8080/192.0.2.1:80,192.0.2.2:80?strategy=random&retries=2&so_mark=7&timeout=10s",
                        "socks5://user:pass@:1080?netns.out=/run/netns/ns2"),
                List.of("socks5+tls://a:b@192.0.2.3:1080,192.0.2.4:1080?netns=ns2&node.weight=3",
                        "http://192.0.2.5:8080"));

        GostConfig reloaded = new YamlConfigLoader().parse(ConfigWriter.toYaml(commandLine), "out.yaml");

        assertThat(ConfigModels.withoutOrigins(reloaded)).isEqualTo(ConfigModels.withoutOrigins(commandLine));
    }

    @Test
    void durationsArePrintedInGoSyntax() {
        assertThat(ConfigWriter.goDuration(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(ConfigWriter.goDuration(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(ConfigWriter.goDuration(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(ConfigWriter.goDuration(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(ConfigWriter.goDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }

    @Test
    void anUnknownFormatIsRefused() {
        assertThatThrownBy(() -> ConfigWriter.write(SEED_THREE, "xml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown output format 'xml', use yaml or json");
    }
}
