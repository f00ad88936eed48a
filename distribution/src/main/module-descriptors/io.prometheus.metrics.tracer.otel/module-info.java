// prometheus-metrics-tracer-otel (lib/prometheus-metrics-tracer-otel-*.jar). It looks OpenTelemetry's API up
// by reflection; gost ships no OpenTelemetry.
open module io.prometheus.metrics.tracer.otel {
    requires transitive io.prometheus.metrics.tracer.common;
}
