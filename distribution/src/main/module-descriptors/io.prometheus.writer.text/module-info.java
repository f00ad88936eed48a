// prometheus-metrics-exposition-textformats (lib/prometheus-metrics-exposition-textformats-*.jar).
open module io.prometheus.writer.text {
    requires transitive io.prometheus.metrics.config;
    requires transitive io.prometheus.metrics.model;
}
