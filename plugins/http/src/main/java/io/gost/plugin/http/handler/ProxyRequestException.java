package io.gost.plugin.http.handler;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the proxy refuses to carry out. The message is the short text sent to the client in the
 * error response, so it names the problem and, where it helps, what to send instead.
 */
final class ProxyRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;
    private final boolean authenticationRequired;

    private ProxyRequestException(HttpResponseStatus status, String message, boolean authenticationRequired) {
        super(message, null, false, false);
        this.status = status;
        this.authenticationRequired = authenticationRequired;
    }

    /** A refusal after which the connection is closed. */
    static ProxyRequestException of(HttpResponseStatus status, String message) {
        return new ProxyRequestException(status, message, false);
    }

    /** {@code 400 Bad Request}; the connection is closed. */
    static ProxyRequestException badRequest(String message) {
        return of(HttpResponseStatus.BAD_REQUEST, message);
    }

    /**
     * The runtime's refusal of a request by a service limit: {@code 503 Service Unavailable} for a connection
     * limit, {@code 429 Too Many Requests} for a request rate; the connection is closed.
     */
    static ProxyRequestException refused(io.gost.api.Refusal refusal) {
        return of(refusal.reason() == io.gost.api.Refusal.Reason.RATE_LIMIT ? HttpResponseStatus.TOO_MANY_REQUESTS
                : HttpResponseStatus.SERVICE_UNAVAILABLE, refusal.message());
    }

    /** {@code 407 Proxy Authentication Required}; the connection may stay open for a retry. */
    static ProxyRequestException authenticationRequired(String message) {
        return new ProxyRequestException(HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED, message, true);
    }

    HttpResponseStatus status() {
        return status;
    }

    /** True for 407: the answer carries {@code Proxy-Authenticate} and the connection may be kept. */
    boolean isAuthenticationRequired() {
        return authenticationRequired;
    }
}
