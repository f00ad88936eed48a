// prometheus-metrics-model (lib/prometheus-metrics-model-*.jar).
open module io.prometheus.metrics.model {
    requires transitive io.prometheus.metrics.config;
}
