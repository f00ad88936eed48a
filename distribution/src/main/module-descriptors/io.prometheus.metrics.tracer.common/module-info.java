// prometheus-metrics-tracer-common (lib/prometheus-metrics-tracer-common-*.jar).
open module io.prometheus.metrics.tracer.common {
}
