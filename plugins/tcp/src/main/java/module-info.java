/**
 * Plain TCP for gost-java: the listener {@code tcp}, the dialer {@code tcp}, and the handlers {@code tcp}
 * and {@code forward}, which relay every accepted connection to the service's forwarder targets
 * ({@code -L tcp://:8000/127.0.0.1:9000}), and the connector {@code forward}, which hands the connection to its
 * hop over as the tunnel ({@code -F forward+tls://server:8443}).
 *
 * <p>The runtime finds the factories through {@link java.util.ServiceLoader}. Their packages are exported only to
 * the transports that stack a stage on a plain TCP socket (TLS, WebSocket): they reuse the tcp listener's and
 * dialer's sockets, options and error handling instead of copying them. Keep {@code META-INF/services} in step
 * with the {@code provides} clauses so the jar also works on the class path.
 */
module io.gost.plugin.tcp {
    requires io.gost.api;
    requires org.slf4j;
    // UnixChannelOption.SO_REUSEPORT, the option of both native transports (epoll and io_uring).
    requires io.netty.transport.unix.common;

    exports io.gost.plugin.tcp.listener to io.gost.plugin.tls, io.gost.plugin.ws;
    exports io.gost.plugin.tcp.dialer to io.gost.plugin.tls, io.gost.plugin.ws;

    provides io.gost.api.ListenerFactory with io.gost.plugin.tcp.listener.TcpListenerFactory;
    provides io.gost.api.DialerFactory with io.gost.plugin.tcp.dialer.TcpDialerFactory;
    provides io.gost.api.ConnectorFactory with io.gost.plugin.tcp.connector.ForwardConnectorFactory;
    provides io.gost.api.HandlerFactory with
            io.gost.plugin.tcp.forward.TcpHandlerFactory,
            io.gost.plugin.tcp.forward.ForwardHandlerFactory;
}
