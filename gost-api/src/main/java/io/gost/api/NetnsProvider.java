package io.gost.api;

/**
 * Opens network namespaces and creates sockets inside them. The runtime selects one provider (by
 * ServiceLoader, overridable with {@code netns.provider} or {@code -Dgost.netns.provider}); tests swap in
 * a recording one.
 *
 * <p>A socket's namespace is fixed when the socket is created, so only creation happens inside: the
 * runtime passes the work that creates a socket (a listener's bind, a dialer's dial) to
 * {@link NetworkNamespace#createSockets}, and everything after that runs on the normal event loops.
 */
public interface NetnsProvider {

    /** The name this provider is selected by, e.g. {@code "linux"} or {@code "recording"}. */
    String name();

    /** When several providers are found and none is chosen, the highest priority wins. */
    default int priority() {
        return 0;
    }

    /**
     * Opens {@code namespace}. The caller closes the handle when no service uses it any more.
     *
     * @throws NetnsException when it does not exist, cannot be entered, or the platform has none; the
     *                        message names the namespace, the path tried and what to do
     */
    NetworkNamespace open(NetnsRef namespace) throws NetnsException;

    /**
     * Checks that {@code namespace} exists and is a network namespace, without entering it, so that
     * {@code gost check} can report a missing one even when it does not run with the privileges to enter it.
     * The default opens and closes it.
     *
     * @throws NetnsException naming the namespace, the path tried and what to do
     */
    default void verify(NetnsRef namespace) throws NetnsException {
        open(namespace).close();
    }

    /**
     * The namespace the process already is in. Work passed to it runs inline. The runtime uses it for
     * sockets that have no namespace configured, so that every socket creation goes through the provider.
     */
    NetworkNamespace current();
}
