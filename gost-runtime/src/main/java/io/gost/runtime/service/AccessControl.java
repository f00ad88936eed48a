package io.gost.runtime.service;

import io.gost.api.Refusal;
import io.gost.runtime.admission.Admission;
import io.gost.runtime.control.Registry;
import io.gost.runtime.limit.ClientPacing;
import io.gost.runtime.limit.ConnectionLimiter;
import io.gost.runtime.limit.Count;
import io.gost.runtime.limit.RequestLimiter;
import io.gost.runtime.limit.TrafficLimiter;
import io.gost.runtime.match.IpAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's admissions and limiters, by name, and what they decide for each connection: who may connect at
 * all, how many connections and requests a client may have, and how fast its bytes go.
 *
 * <p>Order at accept, before anything is read: admission (refused: closed), connection limit (refused:
 * answered by the handler when it can, else closed), and for handlers that do not check requests themselves
 * the request rate (refused: closed). Each refusal is logged, at most a line a second per kind, naming the
 * admission or limiter and its line. An admission or limiter name with nothing registered under it refuses
 * everyone (a removed admission must not open the door); a missing limiter limits nothing, with a warning.
 */
public final class AccessControl {

    private static final Logger log = LoggerFactory.getLogger(Service.class);

    /** No admission, no limits. */
    public static final AccessControl NONE = new AccessControl(List.of(), null, null, null,
            TrafficLimiter.Scope.ALL, Duration.ofSeconds(30));

    private final List<Registry.Ref<Admission>> admissions;
    private final Registry.Ref<ConnectionLimiter> connections;
    private final Registry.Ref<RequestLimiter> requests;
    private final Registry.Ref<TrafficLimiter> traffic;
    private final TrafficLimiter.Scope scope;
    private final Duration refreshInterval;
    private final Registry.Ref<TrafficLimiter> clientTraffic;
    private final Duration clientRefreshInterval;
    private final RefusalLog admissionRefusals = new RefusalLog(log, "connection");
    private final RefusalLog connectionRefusals = new RefusalLog(log, "connection");
    private final RefusalLog requestRefusals = new RefusalLog(log, "request");
    private volatile String missingReported;

    /**
     * @param admissions      by name; any refusing refuses
     * @param connections     the connection limiter, or {@code null}
     * @param requests        the request-rate limiter, or {@code null}
     * @param traffic         the traffic limiter, or {@code null}
     * @param scope           which traffic lines apply ({@code limiter.scope})
     * @param refreshInterval how soon open connections see a reload of the traffic limiter
     */
    public AccessControl(List<Registry.Ref<Admission>> admissions, Registry.Ref<ConnectionLimiter> connections,
                         Registry.Ref<RequestLimiter> requests, Registry.Ref<TrafficLimiter> traffic,
                         TrafficLimiter.Scope scope, Duration refreshInterval) {
        this(admissions, connections, requests, traffic, scope, refreshInterval, null, refreshInterval);
    }

    /**
     * As above, with the handler's own traffic limiter (GOST's {@code handler.limiter}), asked per client.
     *
     * @param clientTraffic         the handler's limiter, or {@code null}
     * @param clientRefreshInterval how long its answers are kept
     */
    public AccessControl(List<Registry.Ref<Admission>> admissions, Registry.Ref<ConnectionLimiter> connections,
                         Registry.Ref<RequestLimiter> requests, Registry.Ref<TrafficLimiter> traffic,
                         TrafficLimiter.Scope scope, Duration refreshInterval,
                         Registry.Ref<TrafficLimiter> clientTraffic, Duration clientRefreshInterval) {
        this.admissions = List.copyOf(admissions);
        this.connections = connections;
        this.requests = requests;
        this.traffic = traffic;
        this.scope = Objects.requireNonNull(scope, "scope");
        this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
        this.clientTraffic = clientTraffic;
        this.clientRefreshInterval = Objects.requireNonNull(clientRefreshInterval, "clientRefreshInterval");
    }

    /** True when the handler paces each client by a limiter of its own. */
    boolean hasClientLimiter() {
        return clientTraffic != null;
    }

    /**
     * The pacing of a connection by the handler's own limiter, once it knows the client and its target, or
     * {@code null} when that limiter does not limit it.
     *
     * @param clientId the authenticated client's id, or "" when it gave none
     * @param target   {@code host:port}
     */
    ClientPacing clientThrottle(String service, String clientId, String network, String target,
                                InetSocketAddress client) {
        if (clientTraffic == null) {
            return null;
        }
        TrafficLimiter limiter = clientTraffic.get();
        if (limiter == null) {
            missing(clientTraffic);
            return null;
        }
        if (limiter.asksPlugin() == null) {
            return null; // GOST's limits lines answer nothing per client (the planner refuses this)
        }
        return limiter.asksPlugin().openForClient(service, clientId, network, target, client, clientRefreshInterval);
    }

    boolean hasAdmission() {
        return !admissions.isEmpty();
    }

    boolean hasConnectionLimit() {
        return connections != null;
    }

    boolean hasRequestLimit() {
        return requests != null;
    }

    /** Connections refused by admissions, connection limits and request limits since start. */
    long refusals() {
        return admissionRefusals.total() + connectionRefusals.total() + requestRefusals.total();
    }

    /** True when every admission admits {@code client}; logs a refusal otherwise. */
    boolean admits(String service, InetSocketAddress client) {
        if (admissions.isEmpty()) {
            return true;
        }
        byte[] ip = ip(client);
        for (Registry.Ref<Admission> ref : admissions) {
            if (!admitsByRules(ref, service, client, ip)) {
                return false;
            }
        }
        return true;
    }

    /** One admission's rules: true when it admits {@code client}; a refusal is logged. */
    private boolean admitsByRules(Registry.Ref<Admission> ref, String service, InetSocketAddress client, byte[] ip) {
        Admission admission = ref.get();
        if (admission == null) {
            missing(ref);
            admissionRefusals.refused(service, "refused: admission " + ref.name() + " is no longer defined (latest"
                    + " from " + client + ")");
            return false;
        }
        if (!admission.admits(ip)) {
            refusedBy(ref, service, client);
            return false;
        }
        return true;
    }

    /** True when an admission of this service asks a plugin, so that {@link #admitsLater} must be awaited. */
    boolean asksPlugin() {
        for (Registry.Ref<Admission> ref : admissions) {
            Admission admission = ref.get();
            if (admission != null && admission.asksPlugin()) {
                return true;
            }
        }
        return false;
    }

    /**
     * As {@link #admits}, asking the admissions that have plugins: in order, each only when the ones before it
     * admitted the client. Completes on whatever thread the last answer arrived on.
     */
    CompletionStage<Boolean> admitsLater(String service, InetSocketAddress client) {
        CompletionStage<Boolean> verdict = CompletableFuture.completedFuture(true);
        for (Registry.Ref<Admission> ref : admissions) {
            verdict = verdict.thenCompose(admittedSoFar -> {
                if (!admittedSoFar) {
                    return CompletableFuture.completedFuture(false);
                }
                Admission admission = ref.get();
                if (admission == null || !admission.asksPlugin()) {
                    return CompletableFuture.completedFuture(admitsByRules(ref, service, client, ip(client)));
                }
                return admission.admitsLater(service, client).thenApply(admitted -> {
                    if (!admitted) {
                        refusedBy(ref, service, client);
                    }
                    return admitted;
                });
            });
        }
        return verdict;
    }

    private void refusedBy(Registry.Ref<Admission> ref, String service, InetSocketAddress client) {
        admissionRefusals.refused(service, "refused by admission " + ref.name() + " (latest from " + client + ")");
    }

    /**
     * A connection slot for {@code client}: a permit to release when the connection closes, a refusal (logged
     * here), or {@code null} when the service has no connection limit.
     */
    Object acquireConnection(String service, InetSocketAddress client) {
        if (connections == null) {
            return null;
        }
        ConnectionLimiter limiter = connections.get();
        if (limiter == null) {
            missing(connections);
            return null;
        }
        ConnectionLimiter.Outcome outcome = limiter.acquire(ip(client));
        if (outcome instanceof ConnectionLimiter.Refused refused) {
            connectionRefusals.refused(service, "over the connection limit of " + refused.describe() + " (latest from "
                    + client + ")");
            return new Refusal(Refusal.Reason.CONNECTION_LIMIT, "climiter " + refused.limiter() + " ("
                    + refused.line() + ")", "too many connections: " + refused.describe());
        }
        return outcome;
    }

    /** The refusal of one request from {@code client} by the request-rate limit (logged here), or {@code null}. */
    Refusal checkRequest(String service, InetSocketAddress client) {
        if (requests == null) {
            return null;
        }
        RequestLimiter limiter = requests.get();
        if (limiter == null) {
            missing(requests);
            return null;
        }
        Count line = limiter.tryAcquire(ip(client));
        if (line == null) {
            return null;
        }
        requestRefusals.refused(service, "over the request rate of rlimiter " + limiter.name() + " (" + line
                + " per second; latest from " + client + ")");
        return new Refusal(Refusal.Reason.RATE_LIMIT, "rlimiter " + limiter.name() + " (" + line + ")",
                "too many requests: rlimiter " + limiter.name() + " (" + line + " per second)");
    }

    /**
     * The pacing of a new connection, or {@code null} when no traffic limit applies to it.
     *
     * @param service its service, told to a limiter plugin
     * @param network {@code tcp} or {@code udp}, told to a limiter plugin
     */
    ClientPacing throttle(String service, String network, InetSocketAddress client) {
        if (traffic == null) {
            return null;
        }
        TrafficLimiter limiter = traffic.get();
        if (limiter == null) {
            missing(traffic);
            return null;
        }
        if (limiter.asksPlugin() != null) {
            return limiter.asksPlugin().openForService(service, network, client, scope, refreshInterval);
        }
        TrafficLimiter.ConnectionThrottle throttle = limiter.open(client, scope, refreshInterval);
        if (!throttle.limits()) {
            throttle.close();
            return null;
        }
        return throttle;
    }

    private void missing(Registry.Ref<?> ref) {
        String key = ref.kind() + " " + ref.name();
        if (!key.equals(missingReported)) {
            missingReported = key;
            log.warn("{} {} is no longer defined; {}", ref.kind(), ref.name(), ref.kind().equals("admission")
                    ? "its service refuses every client until it is defined again"
                    : "its service is not limited by it until it is defined again");
        }
    }

    private static byte[] ip(InetSocketAddress client) {
        return client == null || client.isUnresolved() || client.getAddress() == null ? null
                : IpAddress.of(client.getAddress());
    }

    @Override
    public String toString() {
        return "AccessControl[admissions=" + admissions + ", climiter=" + connections + ", rlimiter=" + requests
                + ", limiter=" + traffic + "]";
    }
}
