package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

/**
 * examples/k8s holds together: the ConfigMap carries gost.yaml verbatim, gost accepts that configuration and
 * serves metrics on every interface (the kubelet's probes come from outside the pod), and the Deployment's
 * probes ask {@code /health} on the port the configuration's metrics listen on. (ImageIT runs the image with
 * this configuration and asks {@code /health} for real.)
 */
class KubernetesExampleIT {

    private static final Path K8S = Path.of(System.getProperty("gost.examples.dir", "../examples")).resolve("k8s");

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void theConfigMapCarriesTheExampleConfigurationVerbatim() throws IOException {
        Map<String, Object> configMap = yaml("configmap.yaml");

        assertThat(map(configMap, "data").get("gost.yaml")).isEqualTo(Files.readString(K8S.resolve("gost.yaml")));
    }

    @Test
    void gostAcceptsTheConfigurationAndServesMetricsOnEveryInterface() {
        GostProcess gost = resources.gost("check", K8S.resolve("gost.yaml").toString());

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe).contains("metrics on 0.0.0.0:9000/metrics");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theProbesAskHealthOnTheMetricsPort() throws IOException {
        Map<String, Object> container = map(map(map(yaml("deployment.yaml"), "spec"), "template"), "spec");
        container = list(container, "containers").get(0);
        int metricsPort = list(container, "ports").stream().filter(port -> "metrics".equals(port.get("name")))
                .map(port -> (Integer) port.get("containerPort")).findFirst().orElseThrow();

        assertThat(metricsPort).isEqualTo(9000);
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            Map<String, Object> httpGet = map(map(container, probe), "httpGet");
            assertThat(httpGet).as(probe).containsEntry("path", "/health").containsEntry("port", "metrics");
        }
        assertThat((List<Object>) container.get("args")).as("the image's configuration path and reload")
                .containsSubsequence("-C", "/etc/gost/gost.yaml").containsSubsequence("-R", "10s");
    }

    private static Map<String, Object> yaml(String file) throws IOException {
        return new Yaml().load(Files.readString(K8S.resolve(file)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (List<Map<String, Object>>) parent.get(key);
    }
}
