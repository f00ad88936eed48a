package io.gost.plugin.tls.stage;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS as a {@link ChannelStage}: {@link #server} for a listener's accepted connections, {@link #client} for a
 * dialer's. After the stage the pipeline holds the TLS handler (named {@value #HANDLER_NAME}) and, until the
 * next layer's first read, a {@link io.gost.api.handshake.HeldInbound} with whatever came right after the
 * handshake; the channel then carries the plain byte stream.
 *
 * <p>A half-close passes through as TCP's ({@code shutdownOutput()} sends a FIN without a TLS
 * {@code close_notify}); a full close sends {@code close_notify} first. The peer's {@code close_notify} ends
 * the input like a FIN ({@link CloseNotifyAsEndOfInput}).
 */
public final class TlsStage {

    /** The pipeline name of the TLS handler. */
    public static final String HANDLER_NAME = "gost-tls";
    /** The pipeline name of the handler that makes the peer's {@code close_notify} the end of the stream. */
    public static final String CLOSE_NOTIFY_NAME = "gost-tls-close-notify";
    /** The pipeline name of the handler that watches the handshake. */
    public static final String WATCH_NAME = "gost-tls-handshake";
    /** The pipeline name of the holder of what came right after the handshake. */
    public static final String HELD_NAME = "gost-tls-held";

    private static final Logger LOGGER = LoggerFactory.getLogger(TlsStage.class);

    private TlsStage() {
    }

    /**
     * The server's handshake on each accepted connection, within {@code handshakeTimeout}. A failure closes
     * the connection and is logged in one line naming the client and why ("does not speak TLS", "sent no
     * certificate", "no complete handshake within 15s" ...); a client that closes before sending anything
     * (a port probe) is logged at debug level only.
     */
    public static ChannelStage server(ServerTls tls, Duration handshakeTimeout, String ownerName) {
        return (channel, peer) -> {
            Promise<Channel> done = channel.eventLoop().newPromise();
            channel.eventLoop().execute(() -> {
                try {
                    install(channel, tls.newHandler(channel.alloc()), done, handshakeTimeout);
                } catch (RuntimeException e) {
                    done.tryFailure(e);
                    channel.close();
                }
            });
            done.addListener(outcome -> {
                if (!outcome.isSuccess() && !outcome.isCancelled()) {
                    logServerFailure(ownerName, channel, outcome.cause(), handshakeTimeout);
                }
            });
            return done;
        };
    }

    /**
     * The client's handshake on a dialed connection to {@code peer} (whose host is the default server name),
     * within {@code handshakeTimeout} (zero: no limit of its own; the runtime bounds the whole dial). The
     * future fails with an {@link SSLException} saying what went wrong ("the server's certificate is not
     * trusted ...", "the server closed the connection during the handshake" ...), after closing the channel.
     */
    public static ChannelStage client(ClientTls tls, Duration handshakeTimeout) {
        return (channel, peer) -> {
            Promise<Channel> stage = channel.eventLoop().newPromise();
            channel.eventLoop().execute(() -> {
                try {
                    install(channel, tls.newHandler(channel.alloc(), peer.getHostString(), peer.getPort()), stage,
                            handshakeTimeout);
                } catch (RuntimeException e) {
                    stage.tryFailure(e);
                    channel.close();
                }
            });
            Promise<Channel> done = channel.eventLoop().newPromise();
            stage.addListener(outcome -> {
                if (outcome.isSuccess()) {
                    done.trySuccess(channel);
                } else if (!outcome.isCancelled()) {
                    done.tryFailure(clientFailure(tls.serverName(peer.getHostString()) + ":" + peer.getPort(),
                            outcome.cause(), handshakeTimeout));
                }
            });
            done.addListener(outcome -> {
                if (outcome.isCancelled()) {
                    stage.cancel(false);
                    channel.close();
                }
            });
            return done;
        };
    }

    private static void install(Channel channel, ChannelHandler tlsHandler, Promise<Channel> done, Duration timeout) {
        if (!channel.isActive()) {
            io.netty.util.ReferenceCountUtil.release(tlsHandler);
            done.tryFailure(new ClosedChannelException());
            return;
        }
        channel.pipeline().addLast(HANDLER_NAME, tlsHandler);
        channel.pipeline().addLast(CLOSE_NOTIFY_NAME, new CloseNotifyAsEndOfInput());
        channel.pipeline().addLast(WATCH_NAME, new HandshakeWatch(done, timeout,
                event -> event == SslHandshakeCompletionEvent.SUCCESS,
                event -> event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()
                        ? completion.cause() : null,
                HELD_NAME));
        // Auto-read is off: the TLS handler reads by itself only once it has read something.
        channel.read();
    }

    private static void logServerFailure(String ownerName, Channel channel, Throwable cause, Duration timeout) {
        String reason = reason(cause, timeout, true);
        if (isQuietClose(cause)) {
            LOGGER.debug("{}: {} closed the connection before completing the TLS handshake", ownerName,
                    channel.remoteAddress());
        } else {
            LOGGER.info("{}: TLS handshake with {} failed: {}; connection closed", ownerName, channel.remoteAddress(),
                    reason);
        }
    }

    private static boolean isQuietClose(Throwable cause) {
        return cause instanceof ClosedChannelException
                || (cause instanceof SSLException && String.valueOf(cause.getMessage()).contains("closed"))
                        && !(cause instanceof SSLHandshakeException);
    }

    /** The failure of a client handshake with {@code server}, as one exception whose message says why. */
    static SSLException clientFailure(String server, Throwable cause, Duration timeout) {
        SSLHandshakeException failure = new SSLHandshakeException("TLS handshake with " + server + " failed: "
                + reason(cause, timeout, false));
        failure.initCause(cause);
        return failure;
    }

    /**
     * Why a handshake failed, in words: the usual causes get a sentence a user can act on, anything else the
     * TLS engine's own message.
     */
    static String reason(Throwable cause, Duration timeout, boolean server) {
        Throwable root = cause;
        while (root instanceof DecoderException && root.getCause() != null) {
            root = root.getCause();
        }
        String peer = server ? "the client" : "the server";
        if (root instanceof TimeoutException) {
            return root.getMessage() + (server ? " (handshakeTimeout)" : " (handshakeTimeout)");
        }
        if (root instanceof NotSslRecordException) {
            return peer + " does not speak TLS (" + (server ? "plaintext sent to a TLS port?" : "is it a TLS port?")
                    + ")";
        }
        if (root instanceof ClosedChannelException) {
            return peer + " closed the connection during the handshake";
        }
        for (Throwable c = root; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException) {
                return peer + "'s certificate has expired (" + c.getMessage() + ")";
            }
            if (c instanceof CertificateNotYetValidException) {
                return peer + "'s certificate is not valid yet (" + c.getMessage() + ")";
            }
        }
        // OpenSSL wraps the real reason ("General OpenSslEngine problem" around the trust manager's): look at
        // the whole chain, and quote the most specific message.
        String message = specificMessage(root);
        StringBuilder all = new StringBuilder();
        for (Throwable c = root; c != null; c = c.getCause()) {
            all.append(' ').append(c.getMessage());
        }
        String lower = all.toString().toLowerCase(Locale.ROOT);
        if (lower.contains("certificate_expired") || lower.contains("certificate expired")
                || lower.contains("validity check failed")) {
            return (server ? "the client refused this server's certificate or sent an expired one"
                    : "the server's certificate has expired") + " (" + message + ")";
        }
        if (lower.contains("empty client certificate chain") || lower.contains("peer_did_not_return_a_certificate")
                || lower.contains("certificate_required")) {
            return server ? "the client sent no certificate, and caFile requires one (" + message + ")"
                    : "the server requires a client certificate (certFile/keyFile) (" + message + ")";
        }
        if (lower.contains("pkix path") || lower.contains("unable to find valid certification path")
                || lower.contains("certificate_verify_failed") || lower.contains("unknown_ca")
                || lower.contains("certificate_unknown") || lower.contains("bad_certificate")
                || lower.contains("unable to get local issuer")) {
            return server ? "the certificates were not accepted (" + message + "): the client does not trust"
                    + " this server's certificate, or its own does not chain to caFile"
                    : "the server's certificate is not trusted (" + message + "); check caFile, or the node's"
                    + " secure setting";
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching")
                || lower.contains("hostname")) {
            return "the server's certificate is not for this name (" + message + "); set serverName to a name it"
                    + " is for";
        }
        if (lower.contains("no_shared_cipher") || lower.contains("no appropriate protocol")
                || lower.contains("protocol_version") || lower.contains("no cipher suites in common")
                || lower.contains("handshake_failure") || lower.contains("unsupported_protocol")) {
            return "no common TLS version or cipher suite (" + message + "); check minVersion, maxVersion and"
                    + " cipherSuites on both ends";
        }
        return message;
    }

    /** The deepest message of the chain that says something, or the class of the outermost failure. */
    private static String specificMessage(Throwable failure) {
        String message = null;
        for (Throwable c = failure; c != null; c = c.getCause()) {
            String text = c.getMessage();
            if (text != null && !text.isBlank() && !text.startsWith("General OpenSslEngine problem")
                    && !(c.getCause() != null && text.equals(c.getCause().toString()))) {
                message = text;
            }
        }
        return message != null ? message : failure.getClass().getSimpleName();
    }
}
