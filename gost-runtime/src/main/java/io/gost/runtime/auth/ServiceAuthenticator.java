package io.gost.runtime.auth;

import io.gost.api.Authenticator;
import io.gost.api.Credentials;
import io.gost.runtime.control.Registry;
import io.gost.runtime.match.AddressPatterns;
import io.gost.runtime.match.IpAddress;
import io.gost.runtime.service.CredentialsAuthenticator;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The credentials a handler or listener checks: its inline {@code auth}, and its authers by name (any of them
 * accepting is enough, as in GOST), looked up at every check so that a replaced auther takes effect at once.
 * An auther name with nothing registered under it accepts nobody (GOST lets everyone in). Clients whose IP
 * matches {@code skipauth} need no credentials at all.
 */
public final class ServiceAuthenticator implements Authenticator {

    private final String service;
    private final CredentialsAuthenticator inline;
    private final boolean hasInline;
    private final List<Registry.Ref<CredentialCheck>> authers;
    private final AddressPatterns skipauth;

    /**
     * @param service  the service (or node) the credentials are checked for, told to auth plugins
     * @param inline   the inline credentials (may be empty)
     * @param authers  the authers named
     * @param skipauth clients let in without credentials (IPs and CIDRs), or empty
     */
    public ServiceAuthenticator(String service, List<Credentials> inline,
                                List<Registry.Ref<CredentialCheck>> authers, AddressPatterns skipauth) {
        this.service = Objects.requireNonNull(service, "service");
        this.inline = new CredentialsAuthenticator(inline);
        this.hasInline = !inline.isEmpty();
        this.authers = List.copyOf(authers);
        this.skipauth = Objects.requireNonNull(skipauth, "skipauth");
    }

    @Override
    public boolean requiredFor(InetSocketAddress client) {
        if (skipauth.isEmpty() || client == null || client.isUnresolved() || client.getAddress() == null) {
            return true;
        }
        return !skipauth.matches(IpAddress.of(client.getAddress()), client.getPort());
    }

    @Override
    public boolean authenticate(String username, String password) {
        if (hasInline && inline.authenticate(username, password)) {
            return true;
        }
        for (Registry.Ref<CredentialCheck> ref : authers) {
            CredentialCheck auther = ref.get();
            if (auther != null && auther.checkNow(username, password)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public CompletionStage<Boolean> authenticate(String username, String password, InetSocketAddress client) {
        if (authenticate(username, password)) {
            return CompletableFuture.completedFuture(true);
        }
        CompletionStage<Boolean> answer = CompletableFuture.completedFuture(false);
        for (Registry.Ref<CredentialCheck> ref : authers) {
            CredentialCheck auther = ref.get();
            if (auther instanceof HttpAuthPlugin plugin) {
                answer = answer.thenCompose(accepted -> accepted ? CompletableFuture.completedFuture(true)
                        : plugin.check(username, password, client, service));
            }
        }
        return answer;
    }

    /** The id an auth plugin answered for {@code username}'s latest login, else the user name. */
    @Override
    public String clientId(String username) {
        for (Registry.Ref<CredentialCheck> ref : authers) {
            if (ref.get() instanceof HttpAuthPlugin plugin) {
                String id = plugin.clientId(username);
                if (id != null) {
                    return id;
                }
            }
        }
        return username;
    }

    @Override
    public String toString() {
        return "ServiceAuthenticator[" + (hasInline ? "auth, " : "") + authers + (skipauth.isEmpty() ? ""
                : ", skipauth " + skipauth.size()) + "]";
    }
}
