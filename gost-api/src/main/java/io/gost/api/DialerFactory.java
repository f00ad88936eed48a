package io.gost.api;

/** Creates dialers of one type ({@code tcp}, {@code tls} ...). */
public interface DialerFactory extends PluginFactory {

    /** Plans a dialer for one node. Allocates nothing. */
    Dialer create(Metadata metadata, PluginContext context);
}
