package io.gost.plugin.tcp.listener;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server channel's answer to a failed {@code accept(2)}, typically EMFILE when the process is out of file
 * descriptors: stop accepting for {@value #PAUSE_MILLIS} ms, then try again, and say so in the log once, not
 * at every attempt.
 *
 * <p>The connection that could not be accepted stays in the kernel's queue, so retrying at once would spin
 * on the same error; Netty's own reaction is a one-second pause with a stack trace per attempt. A short
 * fixed pause costs ten failed system calls a second while the process is at its limit and lets a freed
 * descriptor be used within a tenth of a second.
 *
 * <p>Sits in the server channel's pipeline before Netty's acceptor; one instance per server channel.
 */
final class AcceptErrorHandler extends ChannelInboundHandlerAdapter {

    static final long PAUSE_MILLIS = 100;

    /** How often a continuing failure is reported again. */
    private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final Logger LOGGER = LoggerFactory.getLogger(AcceptErrorHandler.class);

    private final String ownerName;
    /** Accept attempts that failed since accepting last worked; touched on the server channel's loop only. */
    private long failures;
    private long failingSinceNanos;
    private long lastReportNanos;

    AcceptErrorHandler(String ownerName) {
        this.ownerName = ownerName;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object acceptedChannel) {
        if (failures > 0) {
            LOGGER.info("{}: accepting connections again after {} failed attempts in {} ms", ownerName, failures,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failingSinceNanos));
            failures = 0;
        }
        ctx.fireChannelRead(acceptedChannel);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        long now = System.nanoTime();
        if (failures++ == 0) {
            failingSinceNanos = now;
        }
        if (failures == 1 || now - lastReportNanos >= REPORT_INTERVAL_NANOS) {
            lastReportNanos = now;
            LOGGER.warn("{}: cannot accept connections ({}); retrying every {} ms, {} failed attempts so far;"
                            + " raise the descriptor limit (ulimit -n) or set the service's maxConnections",
                    ownerName, cause.getMessage(), PAUSE_MILLIS, failures);
        }
        ctx.channel().config().setAutoRead(false);
        ctx.channel().eventLoop().schedule(() -> {
            if (ctx.channel().isOpen()) {
                ctx.channel().config().setAutoRead(true);
            }
        }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    }
}
