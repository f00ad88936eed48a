package io.gost.runtime.operations;

import io.gost.api.HostPort;
import io.gost.api.Transport;
import io.gost.runtime.GostRuntime;
import io.gost.runtime.operations.HttpEndpoint.Reply;
import io.gost.runtime.plan.GostPlan;
import io.gost.runtime.plan.OperationsPlan;
import io.gost.runtime.plan.PlanEquality;
import io.gost.runtime.reload.Reloader;
import io.netty.handler.codec.http.HttpMethod;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's endpoints, kept in step with the plan: the Web API ({@code api}) and the Prometheus
 * metrics ({@code metrics}) are started, moved or stopped when a reload changes their sections (GOST recreates
 * them on SIGHUP too). Both answer {@code GET /health} for probes: 200 while gost serves, 503 once it is
 * shutting down, so that a load balancer stops sending before the ports close.
 */
public final class Operations implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Operations.class);

    private final Reloader reloader;
    private final Transport transport;
    private final Path configFile;
    private volatile boolean stopping;
    private OperationsPlan.Api apiPlan;
    private HttpEndpoint api;
    private OperationsPlan.Metrics metricsPlan;
    private HttpEndpoint metricsEndpoint;
    private GostMetrics metrics;

    /**
     * @param configFile where {@code POST /config} saves, or {@code null} when the configuration came from the
     *                   command line
     */
    public Operations(Reloader reloader, Transport transport, Path configFile) {
        this.reloader = reloader;
        this.transport = transport;
        this.configFile = configFile;
    }

    /**
     * Starts, moves or stops the endpoints as {@code plan} says.
     *
     * @throws IllegalStateException when an endpoint cannot listen (at start-up this stops gost; after a reload
     *                               it is logged and the endpoint stays off)
     */
    public synchronized void apply(GostPlan plan) {
        OperationsPlan wanted = plan.operations();
        if (!PlanEquality.same(wanted.metrics(), metricsPlan)) {
            closeMetrics();
            if (wanted.metrics() != null) {
                OperationsPlan.Metrics next = wanted.metrics();
                metrics = new GostMetrics(runtime(), next.clientLabel());
                runtime().observe(metrics, metrics);
                GostMetrics serving = metrics;
                metricsEndpoint = HttpEndpoint.start("metrics", next.address(), transport, next.users(), false,
                        this::healthProblem, request -> CompletableFuture.completedFuture(
                                request.path().equals(next.path()) && (request.method().equals(HttpMethod.GET)
                                        || request.method().equals(HttpMethod.HEAD))
                                        ? new Reply(200, serving.contentType(), serving.scrape(), java.util.Map.of())
                                        : HttpEndpoint.error(404, 404, "metrics are at " + next.path())));
            }
            metricsPlan = wanted.metrics();
        }
        if (!PlanEquality.same(wanted.api(), apiPlan)) {
            closeApi();
            if (wanted.api() != null) {
                OperationsPlan.Api next = wanted.api();
                api = HttpEndpoint.start("api", next.address(), transport, next.users(), next.accessLog(),
                        this::healthProblem, new ApiRoutes(next.pathPrefix(), reloader, configFile));
                if (next.users().isEmpty() && !next.address().getAddress().isLoopbackAddress()) {
                    log.warn("the Web API on {} asks for no credentials: anyone who can reach it can change what gost"
                            + " runs; add api.auth (or -api user:pass@ADDR), or listen on 127.0.0.1",
                            HostPort.format(next.address()));
                }
            }
            apiPlan = wanted.api();
        }
    }

    /** Where the API listens, once started. */
    public synchronized Optional<SocketAddress> apiAddress() {
        return Optional.ofNullable(api).map(HttpEndpoint::boundAddress);
    }

    /** Where the metrics listen, once started. */
    public synchronized Optional<SocketAddress> metricsAddress() {
        return Optional.ofNullable(metricsEndpoint).map(HttpEndpoint::boundAddress);
    }

    /** From now on {@code /health} says 503: gost is shutting down. */
    public void stopping() {
        stopping = true;
    }

    private String healthProblem() {
        return stopping ? "shutting down" : null;
    }

    private GostRuntime runtime() {
        return reloader.runtime();
    }

    private void closeApi() {
        if (api != null) {
            api.close();
            api = null;
        }
    }

    private void closeMetrics() {
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
            metricsEndpoint = null;
        }
        if (metrics != null) {
            runtime().observe(null, null);
            metrics = null;
        }
    }

    @Override
    public synchronized void close() {
        closeApi();
        closeMetrics();
    }
}
