// prometheus-metrics-tracer-otel-agent (lib/prometheus-metrics-tracer-otel-agent-*.jar). It looks the
// OpenTelemetry agent's classes up by reflection; gost ships none.
open module io.prometheus.metrics.tracer.otel_agent {
    requires transitive io.prometheus.metrics.tracer.common;
}
