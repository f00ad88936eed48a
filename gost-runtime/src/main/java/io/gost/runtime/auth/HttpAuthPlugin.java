package io.gost.runtime.auth;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.gost.runtime.config.ControlPlugin;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GOST's HTTP auth plugin: every login is sent as {@code POST addr} with
 * {@code {"service":..., "username":..., "password":..., "client":"ip:port"}} and accepted when the answer is
 * 200 with {@code {"ok": true}} (an {@code id} in it is GOST's client id, which gost-java does not use yet).
 * With a {@code token}, the request carries {@code Authorization: Bearer TOKEN}. Anything else (another status,
 * no answer within the timeout, a body that is not that JSON) is a refusal, logged once per kind of failure.
 *
 * <p>Asynchronous: the answer completes on the HTTP client's thread; handlers hop back to their event loop.
 */
public final class HttpAuthPlugin implements CredentialCheck, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpAuthPlugin.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final URI uri;
    private final String token;
    private final Duration timeout;
    private final HttpClient client;
    private volatile String lastFailure;

    /**
     * @param name   the auther's name
     * @param plugin its configuration ({@code type: http})
     */
    public HttpAuthPlugin(String name, ControlPlugin plugin) {
        this.name = Objects.requireNonNull(name, "name");
        this.uri = URI.create(plugin.addr());
        this.token = plugin.token();
        this.timeout = plugin.timeout() == null ? DEFAULT_TIMEOUT : plugin.timeout();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
        if (!plugin.secure() && "https".equalsIgnoreCase(uri.getScheme())) {
            builder.sslContext(trustingEverything()); // GOST's default: tls.secure is false
        }
        this.client = builder.build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean checkNow(String username, String password) {
        return false;
    }

    @Override
    public CompletionStage<Boolean> check(String username, String password, InetSocketAddress clientAddress) {
        return check(username, password, clientAddress, "");
    }

    /** As {@link #check(String, String, InetSocketAddress)}, naming the service the login is for. */
    public CompletionStage<Boolean> check(String username, String password, InetSocketAddress clientAddress,
                                          String service) {
        String body = "{\"service\":" + json(service) + ",\"username\":" + json(username) + ",\"password\":"
                + json(password) + ",\"client\":" + json(clientAddress == null ? "" : hostAndPort(clientAddress))
                + "}";
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        try {
            client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                if (error != null) {
                    failed("cannot reach " + uri + ": " + error);
                    result.complete(false);
                } else if (response.statusCode() != 200) {
                    failed(uri + " answered HTTP " + response.statusCode());
                    result.complete(false);
                } else {
                    result.complete(accepted(response.body()));
                }
            });
        } catch (RuntimeException e) {
            failed("cannot ask " + uri + ": " + e);
            result.complete(false);
        }
        return result;
    }

    private boolean accepted(String body) {
        try {
            var answer = ConfigFactory.parseString(body, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
            lastFailure = null;
            return answer.hasPath("ok") && answer.getBoolean("ok");
        } catch (RuntimeException e) {
            failed(uri + " answered something that is not {\"ok\": true|false}: " + e.getMessage());
            return false;
        }
    }

    private void failed(String why) {
        if (!why.equals(lastFailure)) {
            lastFailure = why;
            log.warn("auther {}: {}; refusing the login", name, why);
        }
    }

    private static String hostAndPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** A JSON string literal. */
    static String json(String text) {
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

    private static SSLContext trustingEverything() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a TLS context", e);
        }
    }

    @Override
    public void close() {
        // The JDK's client has no close before Java 21; its threads end when it is no longer referenced.
    }

    @Override
    public String toString() {
        return "HttpAuthPlugin[" + name + ", " + uri + "]";
    }
}
