package io.gost.plugin.tcp.forward;

import io.gost.api.Forwarder;
import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards every accepted connection, unchanged, to one of the service's forwarder targets: GOST's
 * handlers {@code tcp} (what {@code -L tcp://:8000/127.0.0.1:9000} configures) and {@code forward}.
 *
 * <p>Per connection: ask {@link HandlerContext#forwarder()} for an upstream connection, then hand both
 * channels to {@link HandlerContext#relay}. Nothing is read from the client before the upstream is
 * connected (auto-read is off and this handler never reads), so bytes a client sends early wait in the
 * socket and the relay forwards them. The client is closed when there is no forwarder or the dial
 * fails; an upstream that connects after the client has gone is closed at once.
 *
 * <p>Stateless: one instance serves every connection of a service.
 */
public final class ForwardHandler implements Handler {

    private static final Logger LOGGER = LoggerFactory.getLogger(ForwardHandler.class);

    private final String type;

    /** @param type the handler type it was configured as ({@code tcp} or {@code forward}), for messages */
    ForwardHandler(String type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public void handle(Channel client, HandlerContext context) {
        Optional<Forwarder> forwarder = context.forwarder();
        if (forwarder.isEmpty()) {
            LOGGER.error("service {}: handler {} needs a forwarder (targets), e.g. -L tcp://:8000/127.0.0.1:9000"
                            + " or a 'forwarder' block with nodes; closing connection {} from {}",
                    context.serviceName(), type, context.sessionId(), context.clientAddress());
            client.close();
            return;
        }
        Future<Channel> dial;
        try {
            dial = forwarder.get().dial();
        } catch (RuntimeException e) {
            LOGGER.warn("service {}: connection {} from {}: the forwarder failed to start a dial; closing the client",
                    context.serviceName(), context.sessionId(), context.clientAddress(), e);
            client.close();
            return;
        }
        dial.addListener(done -> {
            // HandlerContext is called on the client's event loop; the dial may complete on another.
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
            LOGGER.info("service {}: connection {} from {}: cannot reach the forwarder target: {}; closing the client",
                    context.serviceName(), context.sessionId(), context.clientAddress(),
                    cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage());
            client.close();
            return;
        }
        Channel upstream = dial.getNow();
        if (!client.isActive()) {
            LOGGER.debug("service {}: connection {} from {}: the client left while the upstream {} was being dialed;"
                            + " closing the upstream",
                    context.serviceName(), context.sessionId(), context.clientAddress(), upstream.remoteAddress());
            upstream.close();
            return;
        }
        context.relay(upstream);
    }

    @Override
    public String toString() {
        return "ForwardHandler[" + type + "]";
    }
}
