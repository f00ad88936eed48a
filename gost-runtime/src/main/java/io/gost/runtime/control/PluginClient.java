package io.gost.runtime.control;

import com.typesafe.config.Config;
import io.gost.runtime.config.ControlPlugin;
import java.util.concurrent.CompletableFuture;

/**
 * One control object's plugin (GOST's {@code plugin} block), whatever protocol it speaks: the question is a JSON
 * object with GOST's HTTP plugin field names, the answer a JSON object with GOST's HTTP plugin answer fields. The
 * {@code http} type posts it as it is; other types (GOST's {@code grpc}) translate it to their own messages and
 * back, so the control objects (authers, admissions, bypasses, hosts, resolvers, limiters) do not care which.
 */
public interface PluginClient {

    /** What a plugin is asked about; each has its own request and answer (GOST's plugin protocols). */
    enum Kind { AUTHER, ADMISSION, BYPASS, HOSTS, RESOLVER, LIMITER }

    /**
     * Asks the plugin and completes with its answer; fails (and logs why, once per kind of failure until the
     * plugin answers again) when it cannot be asked. Completes on the client's own threads: callers hop back to
     * their event loop.
     *
     * @param json        the question, a JSON object (see {@link HttpPluginClient#object})
     * @param consequence what a failure means, for the log line: {@code "refusing the client"}
     */
    CompletableFuture<Config> post(String json, String consequence);

    /** Where the plugin is, as configured ({@code addr}), for messages. */
    String address();

    /**
     * The client for {@code plugin}, by its type.
     *
     * @param kind  what it is asked about
     * @param owner the control object, for messages: {@code "admission admission-0"}
     * @throws IllegalArgumentException for a type gost-java does not speak (the planner refuses those first)
     */
    static PluginClient of(Kind kind, String owner, ControlPlugin plugin) {
        if (plugin.type().equals("http")) {
            return new HttpPluginClient(owner, plugin);
        }
        throw new IllegalArgumentException(owner + ": plugin type '" + plugin.type() + "' is not supported");
    }
}
