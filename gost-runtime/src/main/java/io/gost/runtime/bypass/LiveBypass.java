package io.gost.runtime.bypass;

import io.gost.runtime.control.Registry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bypasses a service, hop or node names, looked up by name at every check, so that a bypass replaced at run
 * time (reload, web API) applies at once. Combined as {@link BypassGroup} combines them. A name with nothing
 * registered under it (removed while in use) applies to every target: a missing rule fails closed.
 */
public final class LiveBypass implements BypassCheck {

    private static final Logger log = LoggerFactory.getLogger(LiveBypass.class);

    private final List<Registry.Ref<Bypass>> refs;
    private volatile String missingReported;

    private LiveBypass(List<Registry.Ref<Bypass>> refs) {
        this.refs = List.copyOf(refs);
    }

    /** The named bypasses, or {@code null} for none. */
    public static BypassCheck of(List<String> names, Registry<Bypass> registry) {
        return names.isEmpty() ? null : new LiveBypass(names.stream().map(registry::ref).toList());
    }

    private BypassCheck current() {
        List<BypassCheck> members = new ArrayList<>(refs.size());
        for (Registry.Ref<Bypass> ref : refs) {
            Bypass bypass = ref.get();
            if (bypass == null) {
                if (!ref.name().equals(missingReported)) {
                    missingReported = ref.name();
                    log.warn("bypass {} is no longer defined; everything it was asked about is refused until it is"
                            + " defined again", ref.name());
                }
                return MISSING;
            }
            members.add(bypass);
        }
        return BypassGroup.of(members);
    }

    @Override
    public String name() {
        return refs.stream().map(Registry.Ref::name).collect(Collectors.joining(", "));
    }

    @Override
    public boolean forbids(String network, String host, int port) {
        return current().forbids(network, host, port);
    }

    @Override
    public boolean blacklistForbids(String network, String host, int port) {
        return current().blacklistForbids(network, host, port);
    }

    @Override
    public boolean asksPlugin() {
        return current().asksPlugin();
    }

    @Override
    public java.util.concurrent.CompletionStage<Boolean> forbidsLater(String network, String host, int port,
                                                                      String service) {
        return current().forbidsLater(network, host, port, service);
    }

    @Override
    public String toString() {
        return "LiveBypass[" + name() + "]";
    }

    private static final BypassCheck MISSING = new BypassCheck() {
        @Override
        public String name() {
            return "(missing)";
        }

        @Override
        public boolean forbids(String network, String host, int port) {
            return true;
        }

        @Override
        public boolean blacklistForbids(String network, String host, int port) {
            return true;
        }
    };
}
