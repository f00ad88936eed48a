package io.gost.runtime.registry;

import io.gost.api.PluginFactory;

/**
 * One registered type.
 *
 * @param kind    listener, handler, dialer or connector
 * @param type    the name it is configured by (an alias has its own entry pointing at the same factory)
 * @param factory the factory
 * @param source  where it came from: module name and jar, e.g. {@code io.gost.plugin.http (lib/gost-plugin-http.jar)}
 * @param alias   true when {@code type} is one of the factory's aliases
 */
public record PluginEntry(PluginKind kind, String type, PluginFactory factory, String source, boolean alias) {
}
