/**
 * UDP forwarding and reverse forwarding for gost-java, GOST's {@code udp}, {@code rtcp} and {@code rudp}:
 * <ul>
 *   <li>listener and handler {@code udp} ({@code -L udp://:10053/1.1.1.1:53}): a UDP socket whose clients become
 *       sessions, each forwarded to one of the service's targets, directly or through its chain;</li>
 *   <li>listeners and handlers {@code rtcp} and {@code rudp} ({@code -L rtcp://:2222/:22 -F socks5://server}): the
 *       port opens on the last hop of the listener's chain (or locally without one) and what arrives there is
 *       forwarded to the targets here. They are one feature, GOST's remote forwarding, in one module.</li>
 * </ul>
 *
 * <p>Exports nothing: the runtime finds the factories through {@link java.util.ServiceLoader}. Keep
 * {@code META-INF/services} in step with the {@code provides} clauses so the jar also works on the class path.
 */
module io.gost.plugin.udp {
    requires io.gost.api;
    requires org.slf4j;

    provides io.gost.api.ListenerFactory with
            io.gost.plugin.udp.listener.UdpListenerFactory,
            io.gost.plugin.udp.reverse.RtcpListenerFactory,
            io.gost.plugin.udp.reverse.RudpListenerFactory;
    provides io.gost.api.HandlerFactory with
            io.gost.plugin.udp.handler.UdpHandlerFactory,
            io.gost.plugin.udp.reverse.RtcpHandlerFactory,
            io.gost.plugin.udp.reverse.RudpHandlerFactory;
}
