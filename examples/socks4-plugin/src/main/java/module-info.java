/**
 * SOCKS4 and SOCKS4a for gost-java, as a third-party plugin: handler {@code socks4} (alias
 * {@code socks4a}), a SOCKS4 server, and connector {@code socks4} (alias {@code socks4a}), which asks a
 * SOCKS4 hop of a chain for a tunnel.
 *
 * <p>It needs nothing but gost-api, the Netty modules gost's {@code lib/} ships, and SLF4J (which gost logs
 * through). It exports nothing:
 * gost finds the factories with {@link java.util.ServiceLoader}. The {@code META-INF/services} files list
 * the same factories, so the jar works on the class path too.
 */
module com.example.gost.socks4 {
    requires io.gost.api;
    requires io.netty.codec;
    requires org.slf4j;

    provides io.gost.api.HandlerFactory with com.example.gost.socks4.handler.Socks4HandlerFactory;
    provides io.gost.api.ConnectorFactory with com.example.gost.socks4.connector.Socks4ConnectorFactory;
}
