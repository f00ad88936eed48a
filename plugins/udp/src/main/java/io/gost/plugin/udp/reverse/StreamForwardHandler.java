package io.gost.plugin.udp.reverse;

import io.gost.api.Forwarder;
import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GOST's handler {@code rtcp} ({@code x/handler/forward/remote}): each connection that arrived at the remote port
 * is forwarded to one of the service's targets, reached through the handler's router (directly, unless the
 * handler has a chain of its own), and relayed. The client the log line names is the peer that connected to the
 * remote port.
 */
final class StreamForwardHandler implements Handler {

    private static final Logger LOGGER = LoggerFactory.getLogger(StreamForwardHandler.class);

    @Override
    public void handle(Channel client, HandlerContext context) {
        Optional<Forwarder> forwarder = context.forwarder();
        if (forwarder.isEmpty()) {
            LOGGER.error("service {}: handler rtcp needs a forwarder (targets), e.g. -L rtcp://:2222/127.0.0.1:22;"
                    + " closing connection {} from {}", context.serviceName(), context.sessionId(),
                    context.clientAddress());
            client.close();
            return;
        }
        Future<Channel> dial;
        try {
            dial = forwarder.get().dial("tcp");
        } catch (RuntimeException e) {
            LOGGER.warn("service {}: connection {} from {}: the forwarder failed to start a dial; closing it",
                    context.serviceName(), context.sessionId(), context.clientAddress(), e);
            client.close();
            return;
        }
        dial.addListener(done -> {
            if (client.eventLoop().inEventLoop()) {
                onDialed(client, context, dial);
            } else {
                client.eventLoop().execute(() -> onDialed(client, context, dial));
            }
        });
    }

    private void onDialed(Channel client, HandlerContext context, Future<Channel> dial) {
        if (!dial.isSuccess()) {
            Throwable cause = dial.cause();
            LOGGER.info("service {}: connection {} from {}: cannot reach the target: {}; closing it",
                    context.serviceName(), context.sessionId(), context.clientAddress(),
                    cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage());
            client.close();
            return;
        }
        Channel upstream = dial.getNow();
        if (!client.isActive()) {
            upstream.close();
            return;
        }
        context.relay(upstream);
    }

    @Override
    public String toString() {
        return "StreamForwardHandler[rtcp]";
    }
}
