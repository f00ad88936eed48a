package io.gost.api;

/**
 * A network namespace that cannot be used: missing, not permitted, or not supported on this platform.
 * The message says which namespace, which path was tried, and what would fix it.
 */
public class NetnsException extends Exception {

    private static final long serialVersionUID = 1L;

    public NetnsException(String message) {
        super(message);
    }

    public NetnsException(String message, Throwable cause) {
        super(message, cause);
    }
}
