package io.gost.runtime.control;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.gost.runtime.config.ControlPlugin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of GOST's HTTP plugin protocol, shared by every control object that asks one (authers,
 * admissions, bypasses, hosts, resolvers): each question is a {@code POST addr} with a JSON object, answered by
 * {@code 200} and a JSON object. With a {@code token} the request carries {@code Authorization: Bearer TOKEN};
 * {@code timeout} bounds the whole exchange (10 s when unset); for {@code https://}, {@code tls.secure} decides
 * whether the plugin's certificate is verified (GOST's default: not) and {@code tls.serverName} is the name sent
 * (SNI).
 *
 * <p>What the answer means is the caller's: it gets the parsed JSON, or a failure saying why (unreachable, another
 * status, not JSON). Failures are logged here, once per kind of failure and plugin until one succeeds again, so
 * a plugin that is down does not flood the log.
 */
public final class HttpPluginClient implements PluginClient {

    private static final Logger log = LoggerFactory.getLogger(HttpPluginClient.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String owner;
    private final URI uri;
    private final String token;
    private final Duration timeout;
    private final HttpClient client;
    private volatile String lastFailure;

    /**
     * @param owner  the control object, for messages: {@code "admission admission-0"}
     * @param plugin its plugin block ({@code type: http})
     */
    public HttpPluginClient(String owner, ControlPlugin plugin) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.uri = URI.create(plugin.addr());
        this.token = plugin.token();
        this.timeout = plugin.timeout() == null ? DEFAULT_TIMEOUT : plugin.timeout();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            if (!plugin.secure()) {
                builder.sslContext(trustingEverything());
            }
            if (plugin.serverName() != null) {
                SSLParameters parameters = new SSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(plugin.serverName())));
                builder.sslParameters(parameters);
            }
        }
        this.client = builder.build();
    }

    /** The plugin's URL. */
    public URI uri() {
        return uri;
    }

    @Override
    public String address() {
        return uri.toString();
    }

    /**
     * Posts {@code json} (an object, see {@link #object}) and completes with the answer's JSON object; fails (and
     * logs why, once) when the plugin cannot be reached, answers another status than 200, or answers something
     * that is not a JSON object. Completes on the HTTP client's threads: callers hop back to their event loop.
     *
     * @param consequence what a failure means, for the log line: {@code "refusing the client"}
     */
    @Override
    public CompletableFuture<Config> post(String json, String consequence) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        CompletableFuture<Config> result = new CompletableFuture<>();
        try {
            client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                if (error != null) {
                    fail(result, "cannot reach " + uri + ": " + rootCause(error), consequence);
                } else if (response.statusCode() != 200) {
                    fail(result, uri + " answered HTTP " + response.statusCode(), consequence);
                } else {
                    try {
                        Config answer = ConfigFactory.parseString(response.body(),
                                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
                        lastFailure = null;
                        result.complete(answer);
                    } catch (RuntimeException e) {
                        fail(result, uri + " answered something that is not a JSON object: " + e.getMessage(),
                                consequence);
                    }
                }
            });
        } catch (RuntimeException e) {
            fail(result, "cannot ask " + uri + ": " + e, consequence);
        }
        return result;
    }

    private void fail(CompletableFuture<Config> result, String why, String consequence) {
        if (!why.equals(lastFailure)) {
            lastFailure = why;
            log.warn("{}: {}; {}", owner, why, consequence);
        }
        result.completeExceptionally(new IOException(owner + ": " + why));
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.toString();
    }

    /** A JSON object of string members: {@code object("service", "s", "addr", "a")}; a null value is "". */
    public static String object(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                json.append(',');
            }
            json.append(string(namesAndValues[i])).append(':').append(string(namesAndValues[i + 1]));
        }
        return json.append('}').toString();
    }

    /** A JSON string literal ({@code null} is the empty string). */
    public static String string(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : (text == null ? "" : text).toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    /** {@code answer.ok} when it is there and a boolean, else false. */
    public static boolean ok(Config answer) {
        try {
            return answer.hasPath("ok") && answer.getBoolean("ok");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code answer.ips}: each one that is text; empty when there is no such list. */
    public static List<String> ips(Config answer) {
        try {
            return answer.hasPath("ips") ? answer.getStringList("ips") : List.of();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** GOST's {@code secure: false}: a TLS context that takes any certificate, for any name. */
    private static SSLContext trustingEverything() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {TrustingEverything.INSTANCE}, new SecureRandom());
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a TLS context", e);
        }
    }

    @Override
    public String toString() {
        return "HttpPluginClient[" + owner + ", " + uri + "]";
    }
}
