// prometheus-metrics-config (lib/prometheus-metrics-config-*.jar).
open module io.prometheus.metrics.config {
}
