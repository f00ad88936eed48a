package io.gost.api;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.time.Duration;

/**
 * The role of a {@link Connector} that can ask its hop to listen and hand back what arrives: GOST's
 * {@code connector.Binder} (SOCKS5 BIND, MBIND and UDP-TUN; relay BIND). A connector that has it implements this
 * interface too; the runtime uses it as the last hop of a chain for reverse services ({@code rtcp}, {@code rudp})
 * and for a client's BIND through a chain.
 */
public interface Binder {

    /**
     * Asks the hop at the far end of {@code channel} to listen as {@code request} says.
     *
     * @param channel  an active channel to the hop, auto-read off, on its event loop; the binding owns it from
     *                 now on (its end is the binding's end)
     * @param request  what to open
     * @param acceptor receives each incoming connection (tcp) or each peer's session (udp): registered, active,
     *                 auto-read off, with {@link Binding#PEER_ADDRESS} set when the channel's remote address is not
     *                 the peer's
     * @param timeout  how long the hop may take to confirm
     * @return the binding once the hop confirmed; fails with a {@link RouteException}: {@code HOP_REJECTED} when
     *         the hop refuses (naming its answer, e.g. SOCKS5 0x02 when binds are not allowed there),
     *         {@code GENERAL} for what this binder cannot ask for
     */
    Future<Binding> bind(Channel channel, BindRequest request, ListenContext.Acceptor acceptor, Duration timeout);
}
