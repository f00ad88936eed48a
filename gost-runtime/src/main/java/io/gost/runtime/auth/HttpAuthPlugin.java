package io.gost.runtime.auth;

import io.gost.runtime.config.ControlPlugin;
import io.gost.runtime.control.HttpPluginClient;
import io.gost.runtime.control.PluginClient;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * GOST's auth plugin, over HTTP or gRPC ({@link PluginClient#of}: {@code /proto.Authenticator/Authenticate} with the
 * same fields). Over HTTP every login is sent as {@code POST addr} with
 * {@code {"service":..., "username":..., "password":..., "client":"ip:port"}} and accepted when the answer is
 * 200 with {@code {"ok": true}}; an {@code id} in it is GOST's client id (the user a handler's own limiter asks about).
 * The exchange ({@code token}, {@code timeout}, {@code tls}) is {@link HttpPluginClient}'s; anything else than
 * that answer (another status, no answer within the timeout, a body that is not that JSON) is a refusal, logged
 * once per kind of failure.
 *
 * <p>Asynchronous: the answer completes on the HTTP client's thread; handlers hop back to their event loop.
 */
public final class HttpAuthPlugin implements CredentialCheck, AutoCloseable {

    private final String name;
    private final PluginClient client;
    /** The id of each user's latest accepted login that had one (GOST's client id). */
    private final java.util.Map<String, String> ids = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_IDS = 100_000;

    /**
     * @param name   the auther's name
     * @param plugin its configuration ({@code type: http})
     */
    public HttpAuthPlugin(String name, ControlPlugin plugin) {
        this.name = Objects.requireNonNull(name, "name");
        this.client = PluginClient.of(PluginClient.Kind.AUTHER, "auther " + name, plugin);
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
        return client.post(HttpPluginClient.object("service", service, "username", username, "password", password,
                        "client", clientAddress == null ? "" : hostAndPort(clientAddress)), "refusing the login")
                .handle((answer, error) -> {
                    boolean accepted = error == null && HttpPluginClient.ok(answer);
                    if (accepted) {
                        rememberId(username, answer);
                    }
                    return accepted;
                });
    }

    /** GOST's client id of {@code username}: the {@code id} its latest accepted login was answered with. */
    public String clientId(String username) {
        return ids.get(username);
    }

    private void rememberId(String username, com.typesafe.config.Config answer) {
        String id;
        try {
            id = answer.hasPath("id") ? answer.getString("id") : null;
        } catch (RuntimeException e) {
            id = null; // not text: GOST would fail to decode the answer; the login stands, the id is the name
        }
        if (id == null || id.isEmpty()) {
            ids.remove(username);
        } else {
            if (ids.size() >= MAX_IDS) {
                ids.clear(); // a bound, not a cache policy: ids are asked again at the next logins
            }
            ids.put(username, id);
        }
    }

    private static String hostAndPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "HttpAuthPlugin[" + name + ", " + client.address() + "]";
    }
}
