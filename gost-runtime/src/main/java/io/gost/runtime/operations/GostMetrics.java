package io.gost.runtime.operations;

import io.gost.runtime.GostRuntime;
import io.gost.runtime.chain.RouteObserver;
import io.gost.runtime.service.ConnectionObserver;
import io.gost.runtime.service.Service;
import io.gost.runtime.service.ServiceStats;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * GOST's Prometheus metrics ({@code x/metrics}), with its names, types and labels, beside the JVM's and
 * Netty's buffer pool's:
 * <pre>
 * gost_services                               gauge     host
 * gost_service_requests_total                 counter   host, service [, client]
 * gost_service_requests_in_flight             gauge     host, service [, client]
 * gost_service_request_duration_seconds       histogram host, service
 * gost_service_transfer_input_bytes_total     counter   host, service [, client]
 * gost_service_transfer_output_bytes_total    counter   host, service [, client]
 * gost_service_handler_errors_total           counter   host, service [, client]
 * gost_chain_errors_total                     counter   host, chain, node
 * gost_chain_node_connect_duration_seconds    histogram host, chain, node
 * </pre>
 * The per-service counters are the services' own {@link ServiceStats}, read when Prometheus scrapes: the
 * connections' hot path adds to {@link LongAdder}s as it does without metrics, and nothing more. Only the
 * histograms are observed per connection (once, when it ends) and per route. The {@code client} label is
 * off unless {@code metrics.clientLabel} is true: every client address is a time series of its own, which
 * GOST labels without bound; with it, each connection also counts into its client's cells.
 */
public final class GostMetrics implements ConnectionObserver, RouteObserver {

    /** GOST's buckets for connection durations, seconds. */
    private static final double[] REQUEST_BUCKETS = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15, 30, 60};
    /** GOST's buckets for node connect durations, seconds. */
    private static final double[] CONNECT_BUCKETS = {.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15, 30, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final String host = hostName();
    private final boolean clientLabel;
    private final Histogram requestDuration;
    private final Histogram nodeConnectDuration;
    private final Map<ChainNode, LongAdder> chainErrors = new ConcurrentHashMap<>();
    private final Map<ServiceClient, ClientCounts> clients = new ConcurrentHashMap<>();
    /** Each service's duration histogram cell, found once: a connection's end then costs one map read. */
    private final Map<String, DistributionDataPoint> durations = new ConcurrentHashMap<>();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public GostMetrics(GostRuntime runtime, boolean clientLabel) {
        this.clientLabel = clientLabel;
        GaugeWithCallback.builder().name("gost_services").help("Current number of services")
                .labelNames("host")
                .callback(callback -> callback.call(runtime.services().size(), host))
                .register(registry);
        if (clientLabel) {
            perClient();
        } else {
            perService(runtime);
        }
        requestDuration = Histogram.builder().name("gost_service_request_duration_seconds")
                .help("Distribution of request latencies").labelNames("host", "service")
                .classicOnly().classicUpperBounds(REQUEST_BUCKETS).register(registry);
        nodeConnectDuration = Histogram.builder().name("gost_chain_node_connect_duration_seconds")
                .help("Distribution of chain node connect latencies").labelNames("host", "chain", "node")
                .classicOnly().classicUpperBounds(CONNECT_BUCKETS).register(registry);
        CounterWithCallback.builder().name("gost_chain_errors_total")
                .help("Total chain errors").labelNames("host", "chain", "node")
                .callback(callback -> chainErrors.forEach((key, count) ->
                        callback.call(count.sum(), host, key.chain(), key.node())))
                .register(registry);
        JvmMetrics.builder().register(registry);
        nettyBuffers();
    }

    /** Per service, read from the services' own counters at scrape time. */
    private void perService(GostRuntime runtime) {
        CounterWithCallback.builder().name("gost_service_requests_total").help("Total number of requests")
                .labelNames("host", "service")
                .callback(callback -> runtime.services().forEach(service ->
                        callback.call(service.stats().totalConnections(), host, service.name())))
                .register(registry);
        GaugeWithCallback.builder().name("gost_service_requests_in_flight")
                .help("Current in-flight requests").labelNames("host", "service")
                .callback(callback -> runtime.services().forEach(service ->
                        callback.call(service.stats().currentConnections(), host, service.name())))
                .register(registry);
        CounterWithCallback.builder().name("gost_service_transfer_input_bytes_total")
                .help("Total service input data transfer size in bytes").labelNames("host", "service")
                .callback(callback -> runtime.services().forEach(service ->
                        callback.call(service.stats().inputBytes(), host, service.name())))
                .register(registry);
        CounterWithCallback.builder().name("gost_service_transfer_output_bytes_total")
                .help("Total service output data transfer size in bytes").labelNames("host", "service")
                .callback(callback -> runtime.services().forEach(service ->
                        callback.call(service.stats().outputBytes(), host, service.name())))
                .register(registry);
        CounterWithCallback.builder().name("gost_service_handler_errors_total")
                .help("Total service handler errors").labelNames("host", "service")
                .callback(callback -> runtime.services().forEach((Service service) ->
                        callback.call(service.stats().errors(), host, service.name())))
                .register(registry);
    }

    /** Per service and client, from cells each connection adds to. */
    private void perClient() {
        CounterWithCallback.builder().name("gost_service_requests_total").help("Total number of requests")
                .labelNames("host", "service", "client")
                .callback(callback -> clients.forEach((key, counts) ->
                        callback.call(counts.requests.sum(), host, key.service(), key.client())))
                .register(registry);
        GaugeWithCallback.builder().name("gost_service_requests_in_flight")
                .help("Current in-flight requests").labelNames("host", "service", "client")
                .callback(callback -> clients.forEach((key, counts) ->
                        callback.call(counts.inFlight.get(), host, key.service(), key.client())))
                .register(registry);
        CounterWithCallback.builder().name("gost_service_transfer_input_bytes_total")
                .help("Total service input data transfer size in bytes").labelNames("host", "service", "client")
                .callback(callback -> clients.forEach((key, counts) ->
                        callback.call(counts.input.sum(), host, key.service(), key.client())))
                .register(registry);
        CounterWithCallback.builder().name("gost_service_transfer_output_bytes_total")
                .help("Total service output data transfer size in bytes").labelNames("host", "service", "client")
                .callback(callback -> clients.forEach((key, counts) ->
                        callback.call(counts.output.sum(), host, key.service(), key.client())))
                .register(registry);
        CounterWithCallback.builder().name("gost_service_handler_errors_total")
                .help("Total service handler errors").labelNames("host", "service", "client")
                .callback(callback -> clients.forEach((key, counts) ->
                        callback.call(counts.errors.sum(), host, key.service(), key.client())))
                .register(registry);
    }

    /** Netty's buffer memory: what the proxy's payload lives in, off the heap. */
    private void nettyBuffers() {
        GaugeWithCallback.builder().name("netty_allocator_memory_used_bytes")
                .help("Memory held by Netty's default buffer allocator")
                .labelNames("allocator", "type")
                .callback(callback -> {
                    ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
                    if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
                        ByteBufAllocatorMetric metric = provider.metric();
                        String name = allocator.getClass().getSimpleName();
                        callback.call(metric.usedDirectMemory(), name, "direct");
                        callback.call(metric.usedHeapMemory(), name, "heap");
                    }
                })
                .register(registry);
        GaugeWithCallback.builder().name("netty_direct_memory_used_bytes")
                .help("Direct memory Netty counts as used (-1 when it does not count)")
                .callback(callback -> callback.call(PlatformDependent.usedDirectMemory()))
                .register(registry);
        GaugeWithCallback.builder().name("netty_direct_memory_max_bytes")
                .help("The direct memory Netty may use")
                .callback(callback -> callback.call(PlatformDependent.maxDirectMemory()))
                .register(registry);
    }

    /** The metrics in Prometheus's text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code text/plain; version=0.0.4; charset=utf-8}. */
    public String contentType() {
        return writer.getContentType();
    }

    // ---- hooks -----------------------------------------------------------------------------------------

    @Override
    public Connection opened(String service, InetSocketAddress client) {
        DistributionDataPoint duration = durations.computeIfAbsent(service,
                name -> requestDuration.labelValues(host, name));
        if (!clientLabel) {
            return new Connection() {
                @Override
                public void closed(long durationNanos, boolean failed) {
                    duration.observe(durationNanos / 1e9);
                }
            };
        }
        String address = client.getAddress() != null ? client.getAddress().getHostAddress() : client.getHostString();
        ClientCounts counts = clients.computeIfAbsent(new ServiceClient(service, address), key -> new ClientCounts());
        counts.requests.increment();
        counts.inFlight.incrementAndGet();
        return new Connection() {
            @Override
            public void bytes(long fromClient, long toClient) {
                if (fromClient != 0) {
                    counts.input.add(fromClient);
                }
                if (toClient != 0) {
                    counts.output.add(toClient);
                }
            }

            @Override
            public void closed(long durationNanos, boolean failed) {
                counts.inFlight.decrementAndGet();
                if (failed) {
                    counts.errors.increment();
                }
                duration.observe(durationNanos / 1e9);
            }
        };
    }

    @Override
    public void failed(String chain, String node) {
        chainErrors.computeIfAbsent(new ChainNode(chain, node), key -> new LongAdder()).increment();
    }

    @Override
    public void connected(String chain, String node, long nanos) {
        nodeConnectDuration.labelValues(host, chain, node).observe(nanos / 1e9);
    }

    private record ChainNode(String chain, String node) {
    }

    private record ServiceClient(String service, String client) {
    }

    private static final class ClientCounts {
        final LongAdder requests = new LongAdder();
        final AtomicLong inFlight = new AtomicLong();
        final LongAdder input = new LongAdder();
        final LongAdder output = new LongAdder();
        final LongAdder errors = new LongAdder();
    }

    /** GOST's {@code host} label: the host name, read as Go's os.Hostname reads it (no DNS). */
    private static String hostName() {
        try {
            String name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the JDK
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null ? "localhost" : fromEnvironment;
        }
    }
}
