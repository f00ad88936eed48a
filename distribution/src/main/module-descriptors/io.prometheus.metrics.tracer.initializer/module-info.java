// prometheus-metrics-tracer-initializer (lib/prometheus-metrics-tracer-initializer-*.jar): picks an
// OpenTelemetry tracer for exemplars when one is there (gost ships none, so it finds none).
open module io.prometheus.metrics.tracer.initializer {
    requires transitive io.prometheus.metrics.tracer.common;
    requires io.prometheus.metrics.tracer.otel;
    requires io.prometheus.metrics.tracer.otel_agent;
}
