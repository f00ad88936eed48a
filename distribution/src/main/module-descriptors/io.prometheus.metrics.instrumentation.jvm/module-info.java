// prometheus-metrics-instrumentation-jvm (lib/prometheus-metrics-instrumentation-jvm-*.jar): the JVM's own
// metrics, read from the platform MXBeans (com.sun.management's among them).
open module io.prometheus.metrics.instrumentation.jvm {
    requires transitive io.prometheus.metrics.config;
    requires transitive io.prometheus.metrics.model;
    requires io.prometheus.metrics.core;
    requires java.management;
    requires jdk.management;
}
