package io.gost.runtime.plan;

import io.gost.api.Credentials;
import io.gost.runtime.config.Origin;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * The operator's endpoints of a plan: the Web API and the Prometheus endpoint, with addresses resolved and
 * credentials collected (inline {@code auth}, or the users of the named {@code auther}).
 *
 * @param api     the Web API, or {@code null}
 * @param metrics the metrics endpoint, or {@code null}
 */
public record OperationsPlan(Api api, Metrics metrics) {

    /** Neither endpoint. */
    public static final OperationsPlan NONE = new OperationsPlan(null, null);

    /**
     * The Web API.
     *
     * @param address    where it listens ({@code :port} is loopback: see docs/operations.md)
     * @param pathPrefix the routes' prefix, empty for none
     * @param accessLog  one log line per request
     * @param users      who may use it; empty for anybody who can reach the address
     * @param origin     where it was configured
     */
    public record Api(InetSocketAddress address, String pathPrefix, boolean accessLog, List<Credentials> users,
                      Origin origin) {
        public Api {
            Objects.requireNonNull(address, "address");
            users = List.copyOf(users);
        }
    }

    /**
     * The metrics endpoint.
     *
     * @param address     where it listens
     * @param path        the URL path of the metrics
     * @param users       who may scrape; empty for anybody who can reach the address
     * @param clientLabel label per-connection metrics with the client address (unbounded series)
     * @param origin      where it was configured
     */
    public record Metrics(InetSocketAddress address, String path, List<Credentials> users, boolean clientLabel,
                          Origin origin) {
        public Metrics {
            Objects.requireNonNull(address, "address");
            users = List.copyOf(users);
        }
    }
}
