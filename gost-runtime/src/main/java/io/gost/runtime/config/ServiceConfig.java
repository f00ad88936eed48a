package io.gost.runtime.config;

import io.gost.api.Metadata;
import java.util.List;
import java.util.Objects;

/**
 * One service: a listener, a handler, and optionally a forwarder hop with fixed targets.
 *
 * @param name      e.g. {@code service-0}
 * @param addr      the listen address, {@code host:port} or {@code :port}
 * @param handler   the protocol spoken to clients (GOST default {@code auto})
 * @param listener  the transport accepting clients (GOST default {@code tcp})
 * @param forwarder fixed targets for forwarding handlers, or {@code null}
 * @param metadata  service options: {@code netns}, {@code netns.out}, timeouts ...
 * @param controls  the admissions, bypasses, limiters, host mapper and resolver it names
 * @param origin    where it was configured
 * @param metadataOrigins where each metadata key was written
 */
public record ServiceConfig(String name, String addr, PluginConfig handler, PluginConfig listener,
                            HopConfig forwarder, Metadata metadata, ControlRefs controls, Origin origin,
                            KeyOrigins metadataOrigins) {

    public ServiceConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "a service needs a name");
        }
        if (addr == null || addr.isBlank()) {
            throw new ConfigException(origin.child("addr"), "service '" + name + "' needs an addr such as :8080");
        }
        handler = Objects.requireNonNullElse(handler, PluginConfig.of("auto"));
        listener = Objects.requireNonNullElse(listener, PluginConfig.of("tcp"));
        metadata = Objects.requireNonNullElse(metadata, Metadata.empty());
        controls = Objects.requireNonNullElse(controls, ControlRefs.NONE);
        metadataOrigins = Objects.requireNonNullElse(metadataOrigins, KeyOrigins.at(origin.child("metadata")));
    }

    /** A service naming at most one bypass and no other control objects. */
    public ServiceConfig(String name, String addr, PluginConfig handler, PluginConfig listener,
                         HopConfig forwarder, Metadata metadata, String bypass, Origin origin,
                         KeyOrigins metadataOrigins) {
        this(name, addr, handler, listener, forwarder, metadata,
                bypass == null || bypass.isBlank() ? ControlRefs.NONE : ControlRefs.bypasses(List.of(bypass)),
                origin, metadataOrigins);
    }

    /** The first bypass it names, or {@code null}; {@link #controls()} has them all. */
    public String bypass() {
        return controls.bypasses().isEmpty() ? null : controls.bypasses().get(0);
    }

    /** A service whose metadata keys have no positions of their own. */
    public ServiceConfig(String name, String addr, PluginConfig handler, PluginConfig listener,
                         HopConfig forwarder, Metadata metadata, String bypass, Origin origin) {
        this(name, addr, handler, listener, forwarder, metadata, bypass, origin, (KeyOrigins) null);
    }

    /** A service without a bypass (the shape before bypasses were supported). */
    public ServiceConfig(String name, String addr, PluginConfig handler, PluginConfig listener,
                         HopConfig forwarder, Metadata metadata, Origin origin) {
        this(name, addr, handler, listener, forwarder, metadata, (String) null, origin);
    }
}
