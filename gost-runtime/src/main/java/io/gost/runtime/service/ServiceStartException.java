package io.gost.runtime.service;

import java.net.BindException;

/** A service that could not start; the message names the service and its address. */
public final class ServiceStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ServiceStartException(Service service, String problem) {
        super("service '" + service.name() + "' (" + service.address() + "): " + problem);
    }

    ServiceStartException(Service service, String problem, Throwable cause) {
        super("service '" + service.name() + "' (" + service.address() + "): " + problem, cause);
    }

    static String describe(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        // Both arrive as BindException: EADDRNOTAVAIL must not be reported as a port in use.
        if (lower.contains("cannot assign requested address")) {
            return "cannot listen: address not available on this host (or not in the service's network namespace);"
                    + " use an address of one of its interfaces, or :PORT for all of them (" + message + ")";
        }
        if (cause instanceof BindException || lower.contains("address already in use")) {
            return "cannot listen: address already in use (" + message + "); stop the other program or choose"
                    + " another port";
        }
        return "cannot listen: " + message;
    }
}
