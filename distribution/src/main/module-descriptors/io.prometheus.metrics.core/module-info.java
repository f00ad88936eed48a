// prometheus-metrics-core (lib/prometheus-metrics-core-*.jar).
open module io.prometheus.metrics.core {
    requires transitive io.prometheus.metrics.config;
    requires transitive io.prometheus.metrics.model;
    requires transitive io.prometheus.metrics.tracer.common;
    requires io.prometheus.metrics.tracer.initializer;
}
