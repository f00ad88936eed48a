package io.gost.plugin.udp.handler;

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
 * Forwards a client's datagram session to one of the service's targets: GOST's handlers {@code udp} and
 * {@code rudp} ({@code x/handler/forward/local} and {@code remote} with network udp).
 *
 * <p>Per session: the forwarder selects a target and dials it as {@code udp} through the service's router (a UDP
 * socket connected to the target in {@code netns.out}, or a datagram tunnel through the chain's last hop), then
 * {@link HandlerContext#relayDatagrams} carries the datagrams both ways until the session ends (idle for its
 * {@code ttl}, or closed with the listener) or the target answers "port unreachable". The datagrams that arrived
 * meanwhile wait in the session. A target that cannot be reached closes the session; the next datagram from the
 * client opens a new one, which tries again (with the next target, for round-robin selection).
 *
 * <p>Stateless: one instance serves every session of a service.
 */
public final class DatagramForwardHandler implements Handler {

    private static final Logger LOGGER = LoggerFactory.getLogger(DatagramForwardHandler.class);

    private final String type;

    /** @param type the handler type it was configured as ({@code udp} or {@code rudp}), for messages */
    public DatagramForwardHandler(String type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public void handle(Channel client, HandlerContext context) {
        Optional<Forwarder> forwarder = context.forwarder();
        if (forwarder.isEmpty()) {
            LOGGER.error("service {}: handler {} needs a forwarder (targets), e.g. -L {}://:10053/127.0.0.1:53;"
                    + " closing the session of {}", context.serviceName(), type, type, context.clientAddress());
            client.close();
            return;
        }
        Future<Channel> dial;
        try {
            dial = forwarder.get().dial("udp");
        } catch (RuntimeException e) {
            LOGGER.warn("service {}: session {} of {}: the forwarder failed to start a dial; closing the session",
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
            LOGGER.info("service {}: session {} of {}: cannot reach the target: {}; closing the session",
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
        context.relayDatagrams(upstream);
    }

    @Override
    public String toString() {
        return "DatagramForwardHandler[" + type + "]";
    }
}
