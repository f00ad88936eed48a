package io.gost.runtime.chain;

import io.gost.api.RouteException;
import io.gost.api.RouteException.Reason;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Turns the transport's exceptions into {@link RouteException}s whose messages say who failed and how. */
final class RouteFailures {

    private RouteFailures() {
    }

    /** The kind of failure, from the first cause in the chain that tells. */
    static Reason reasonOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RouteException routeException) {
                return routeException.reason();
            }
            // Netty's ConnectTimeoutException is a ConnectException, so timeouts are checked first.
            if (cause instanceof ConnectTimeoutException || cause instanceof SocketTimeoutException
                    || cause instanceof TimeoutException
                    || cause instanceof io.netty.handler.timeout.TimeoutException) {
                return Reason.TIMEOUT;
            }
            if (cause instanceof NoRouteToHostException || cause instanceof UnknownHostException
                    || cause instanceof UnresolvedAddressException || cause instanceof PortUnreachableException) {
                return Reason.UNREACHABLE;
            }
            if (cause instanceof ConnectException) {
                String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
                return message.contains("unreachable") || message.contains("no route")
                        ? Reason.UNREACHABLE : Reason.REFUSED;
            }
        }
        return Reason.GENERAL;
    }

    /**
     * A failure of {@code subject} (e.g. {@code "target 127.0.0.1:9"} or {@code "hop hop-0 node node-0
     * (127.0.0.1:3128)"}). A {@link RouteException} from a connector keeps its reason and message (which
     * names what it asked for), with the subject put in front; anything else becomes
     * "SUBJECT refused the connection CONTEXT (cause)".
     *
     * @param context what was being attempted, e.g. {@code "while reaching 127.0.0.1:9"}, or empty
     */
    static RouteException failure(String subject, String context, Throwable cause, Duration timeout) {
        if (cause instanceof RouteException routeException) {
            return new RouteException(routeException.reason(), subject + " " + routeException.getMessage(),
                    routeException);
        }
        String suffix = context.isEmpty() ? "" : " " + context;
        Reason reason = reasonOf(cause);
        String what = switch (reason) {
            case REFUSED -> "refused the connection";
            case TIMEOUT -> "did not answer within " + format(timeout);
            case UNREACHABLE -> "is unreachable";
            default -> "failed";
        };
        return new RouteException(reason, subject + " " + what + suffix + " (" + describe(cause) + ")", cause);
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    /** {@code 15s}, {@code 1.5s} or {@code 200ms}, as GOST users write durations. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1_000) {
            return millis + "ms";
        }
        return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis / 1_000.0 + "s";
    }
}
