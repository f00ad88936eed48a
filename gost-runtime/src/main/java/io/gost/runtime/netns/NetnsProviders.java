package io.gost.runtime.netns;

import io.gost.api.NetnsException;
import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Chooses the network namespace provider: the one named in configuration ({@code netns.provider}) or by
 * {@code -Dgost.netns.provider}, else the one with the highest priority; when none is installed, one that
 * serves the process's own namespace and refuses to open others.
 */
public final class NetnsProviders {

    /** The system property that names a provider when the configuration does not. */
    public static final String PROPERTY = "gost.netns.provider";

    private NetnsProviders() {
    }

    /**
     * Selects a provider.
     *
     * @param configured the name from configuration, or {@code null}
     * @throws IllegalArgumentException when a provider is named that is not installed
     */
    public static NetnsProvider select(String configured, ModuleLayer layer, ClassLoader classLoader) {
        List<NetnsProvider> found = new ArrayList<>();
        ServiceLoader.load(layer, NetnsProvider.class).forEach(found::add);
        ServiceLoader.load(NetnsProvider.class, classLoader).forEach(provider -> {
            if (found.stream().noneMatch(known -> known.getClass() == provider.getClass())) {
                found.add(provider);
            }
        });
        String wanted = configured != null && !configured.isBlank() ? configured.trim()
                : System.getProperty(PROPERTY, "").trim();
        if (!wanted.isEmpty()) {
            return found.stream().filter(provider -> provider.name().equalsIgnoreCase(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("network namespace provider '" + wanted
                            + "' is not installed; installed: " + (found.isEmpty() ? "(none)"
                            : found.stream().map(NetnsProvider::name).collect(Collectors.joining(", ")))));
        }
        return found.stream().max(Comparator.comparingInt(NetnsProvider::priority)).orElseGet(NoNamespaces::new);
    }

    /** Used when no provider is installed: sockets go where the process is; namespaces are refused. */
    static final class NoNamespaces implements NetnsProvider {

        @Override
        public String name() {
            return "none";
        }

        @Override
        public NetworkNamespace open(NetnsRef namespace) throws NetnsException {
            throw new NetnsException("cannot use network namespace '" + namespace + "': no network namespace"
                    + " provider is installed (the linux provider ships as gost-plugin-netns-linux)");
        }

        @Override
        public NetworkNamespace current() {
            return NetworkNamespace.processOwn();
        }
    }
}
