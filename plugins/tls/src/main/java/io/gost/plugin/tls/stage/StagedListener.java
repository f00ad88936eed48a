package io.gost.plugin.tls.stage;

import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.Transport;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener made of a plain one (the {@code tcp} listener: its socket, backlog, keep-alive and accept-error
 * handling) and a {@link ChannelStage} run on each accepted connection before the service sees it. A
 * connection whose stage fails never reaches the service: the stage has closed it and said why.
 *
 * <p>Binding is the plain listener's, on the calling thread, so a service's network namespace applies to the
 * socket as it does for {@code tcp}.
 */
public final class StagedListener implements Listener {

    private static final Logger LOGGER = LoggerFactory.getLogger(StagedListener.class);

    private final Listener transport;
    private final ChannelStage stage;
    private final Runnable onBind;
    private final String ownerName;

    /**
     * @param transport the listener whose accepted connections get the stage
     * @param stage     run on every accepted connection
     * @param onBind    run once before binding (a TLS server makes or checks its certificate there)
     * @param ownerName the service, for messages
     */
    public StagedListener(Listener transport, ChannelStage stage, Runnable onBind, String ownerName) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.stage = Objects.requireNonNull(stage, "stage");
        this.onBind = Objects.requireNonNull(onBind, "onBind");
        this.ownerName = Objects.requireNonNull(ownerName, "ownerName");
    }

    @Override
    public Future<SocketAddress> bind(ListenContext context) {
        onBind.run();
        ListenContext.Acceptor service = context.acceptor();
        return transport.bind(new ListenContext() {
            @Override
            public InetSocketAddress address() {
                return context.address();
            }

            @Override
            public Transport transport() {
                return context.transport();
            }

            @Override
            public Acceptor acceptor() {
                return channel -> accept(channel, service);
            }
        });
    }

    private void accept(Channel channel, ListenContext.Acceptor service) {
        InetSocketAddress peer = channel.remoteAddress() instanceof InetSocketAddress inet ? inet : null;
        stage.apply(channel, peer).addListener(done -> {
            if (!done.isSuccess()) {
                return; // the stage closed the connection and logged why
            }
            try {
                service.accept(channel);
            } catch (RuntimeException e) {
                LOGGER.warn("{}: the service failed to take the connection from {}; closing it", ownerName,
                        channel.remoteAddress(), e);
                channel.close();
            }
        });
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "StagedListener[" + ownerName + ", " + transport + "]";
    }
}
