package io.gost.runtime.dns;

import io.gost.api.NetnsRef;
import io.gost.api.SocketPurpose;
import io.gost.api.Transport;
import io.gost.runtime.chain.ChainRouter;
import io.gost.runtime.chain.SocketPlacement;
import io.gost.runtime.control.HttpPluginClient;
import io.gost.runtime.control.PluginClient;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.dns.DefaultDnsOptEcsRecord;
import io.netty.handler.codec.dns.DefaultDnsQuery;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryEncoder;
import io.netty.handler.codec.dns.TcpDnsResponseDecoder;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of GOST's resolvers: nameservers asked in order until one answers with addresses, each with its own
 * protocol, preferred family, cache and timeout.
 *
 * <ul>
 *   <li>UDP nameservers are asked through Netty's {@link DnsNameResolver} (its query path: timeouts and ids are
 *       Netty's), TCP nameservers (and a UDP answer cut short, TC) over a TCP connection with Netty's DNS codec,
 *       DNS over TLS the same inside TLS, DNS over HTTPS as an RFC 8484 POST over HTTP/1.1 inside TLS
 *       ({@link DnsOverHttpsCodec}); each query on a connection of its own.</li>
 *   <li>The sockets are created in the namespace of the dial the lookup is for ({@code netns.out} for a
 *       service's targets, a node's {@code netns} for its address): one UDP resolver per nameserver and
 *       namespace, made the first time it is needed, and a TCP socket per query.</li>
 *   <li>A nameserver with a {@code chain} is asked through it, as GOST's exchanger dials through its router:
 *       each query on a connection of its own through the chain (its first node dialed in that node's
 *       namespace), TCP, DNS over TLS and DNS over HTTPS inside it as above, and a UDP nameserver over the last
 *       hop's datagram tunnel (SOCKS5 UDP-TUN, relay), one datagram each way; a hop that cannot carry
 *       datagrams (HTTP) fails the query naming it. The nameserver's {@code timeout} covers the whole
 *       exchange, the route included.</li>
 *   <li>Cache, per nameserver, namespace, family and name: {@code ttl} unset uses the answer's own TTL, a
 *       negative {@code ttl} caches nothing, a positive one is used instead of the answer's. With
 *       {@code async}, an expired answer is served at once while a fresh one is fetched.</li>
 *   <li>{@code prefer} asks that family first and the other when it has no addresses; {@code only} asks just
 *       one family. {@code clientIP} is sent as an EDNS Client Subnet option (/24 for IPv4, /56 for IPv6).</li>
 * </ul>
 * The nameservers can be replaced while in use ({@link #update}).
 *
 * <p>Why this class is long: the cache, the per-namespace sockets and GOST's options (prefer/only, ttl,
 * async, client subnet) share one lookup path; the wire format is Netty's DNS codec, not ours.
 */
public final class Resolver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Resolver.class);
    /** The largest DNS over HTTPS answer read (a DNS message is at most 65,535 bytes). */
    private static final int MAX_HTTPS_ANSWER = 65_535;

    private final String name;
    private final Transport transport;
    private final SocketPlacement placement;
    private final PluginClient plugin;
    private final Function<Nameserver, ChainRouter> chainRoutes;
    private volatile List<Server> servers;

    /**
     * @param name        the resolver's name, for messages
     * @param nameservers asked in this order
     * @param transport   the runtime's event loops and channel types
     * @param placement   creates sockets in the namespace of the dial
     */
    public Resolver(String name, List<Nameserver> nameservers, Transport transport, SocketPlacement placement) {
        this(name, nameservers, transport, placement, nameserver -> null);
    }

    /**
     * @param chainRoutes the route through the chain of each nameserver that names one ({@link Nameserver#chain()});
     *                    {@code null} for one it has no route for, which then fails every query naming the chain
     */
    public Resolver(String name, List<Nameserver> nameservers, Transport transport, SocketPlacement placement,
                    Function<Nameserver, ChainRouter> chainRoutes) {
        this.name = Objects.requireNonNull(name, "name");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.placement = Objects.requireNonNull(placement, "placement");
        this.plugin = null;
        this.chainRoutes = Objects.requireNonNull(chainRoutes, "chainRoutes");
        this.servers = servers(nameservers);
    }

    private Resolver(String name, PluginClient plugin) {
        this.name = Objects.requireNonNull(name, "name");
        this.transport = null;
        this.placement = null;
        this.plugin = Objects.requireNonNull(plugin, "plugin");
        this.chainRoutes = nameserver -> null;
        this.servers = List.of();
    }

    /**
     * A resolver whose plugin answers every name (GOST's {@code plugin: {type: http}}): the name is posted as
     * {@code {"network", "host", "client"}} and the answer's {@code ips} are the addresses when its {@code ok} is
     * true; {@code ok: false}, no addresses, or a plugin that cannot be asked fail the lookup (and the dial), as
     * in GOST.
     */
    public static Resolver plugin(String name, PluginClient plugin) {
        return new Resolver(name, plugin);
    }

    private List<Server> servers(List<Nameserver> nameservers) {
        if (nameservers.isEmpty()) {
            throw new IllegalArgumentException("resolver '" + name + "' has no nameservers");
        }
        return nameservers.stream().map(nameserver -> new Server(nameserver,
                nameserver.chain() == null ? null : chainRoutes.apply(nameserver))).toList();
    }

    public String name() {
        return name;
    }

    public List<Nameserver> nameservers() {
        return servers.stream().map(server -> server.nameserver).toList();
    }

    /** Replaces the nameservers (and drops their caches). */
    public void update(List<Nameserver> nameservers) {
        List<Server> old = servers;
        servers = servers(nameservers);
        old.forEach(Server::close);
    }

    /**
     * The addresses of {@code host} (a name; an IP literal is returned as it is), from the first nameserver
     * that has any, asked from {@code namespace}. Fails with an {@link UnknownHostException} saying what each
     * nameserver answered.
     *
     * @param loop completes the returned future
     */
    public Future<List<InetAddress>> resolve(String host, NetnsRef namespace, EventLoop loop) {
        return resolve("tcp", host, namespace, loop);
    }

    /** As {@link #resolve(String, NetnsRef, EventLoop)}, for a dial over {@code network} (named to a plugin). */
    public Future<List<InetAddress>> resolve(String network, String host, NetnsRef namespace, EventLoop loop) {
        Promise<List<InetAddress>> result = loop.newPromise();
        if (plugin != null) {
            plugin.post(HttpPluginClient.object("network", network, "host", host, "client", ""), "the name does not"
                    + " resolve").whenComplete((answer, error) -> {
                        if (error != null) {
                            result.tryFailure(new UnknownHostException(host + ": resolver " + name + " could not ask"
                                    + " its plugin (" + error.getMessage() + ")"));
                            return;
                        }
                        List<InetAddress> addresses = HttpPluginClient.ok(answer)
                                ? HostMapper.addresses(host, HttpPluginClient.ips(answer)) : List.of();
                        if (addresses.isEmpty()) {
                            result.tryFailure(new UnknownHostException(host + ": resolver " + name + "'s plugin found"
                                    + " no address"));
                        } else {
                            result.trySuccess(addresses);
                        }
                    });
            return result;
        }
        new Lookup(host, namespace, loop, servers, result).next(0, new StringBuilder());
        return result;
    }

    @Override
    public void close() {
        servers.forEach(Server::close);
    }

    @Override
    public String toString() {
        return "Resolver[" + name + ", " + (plugin != null ? "plugin " + plugin.address() : nameservers()) + "]";
    }

    /** One lookup walking the nameservers. */
    private final class Lookup {
        private final String host;
        private final NetnsRef namespace;
        private final EventLoop loop;
        private final List<Server> walk;
        private final Promise<List<InetAddress>> result;

        Lookup(String host, NetnsRef namespace, EventLoop loop, List<Server> walk, Promise<List<InetAddress>> result) {
            this.host = host;
            this.namespace = namespace;
            this.loop = loop;
            this.walk = walk;
            this.result = result;
        }

        void next(int index, StringBuilder answers) {
            if (index == walk.size()) {
                result.tryFailure(new UnknownHostException(host + ": resolver " + name + " found no address ("
                        + answers + ")"));
                return;
            }
            Server server = walk.get(index);
            server.resolve(host, namespace, loop).addListener(done -> {
                @SuppressWarnings("unchecked")
                List<InetAddress> addresses = done.isSuccess() ? (List<InetAddress>) done.getNow() : List.of();
                if (!addresses.isEmpty()) {
                    result.trySuccess(addresses);
                    return;
                }
                if (answers.length() > 0) {
                    answers.append("; ");
                }
                answers.append(server.nameserver).append(": ")
                        .append(done.isSuccess() ? "no address" : describe(done.cause()));
                next(index + 1, answers);
            });
        }
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** A cached answer. */
    private record Cached(List<InetAddress> addresses, long expiresNanos) {
        boolean fresh(long now) {
            return expiresNanos - now > 0;
        }
    }

    /** One nameserver: how to ask it from each namespace, and its cache. */
    private final class Server {
        private final Nameserver nameserver;
        /** The route through the nameserver's chain, or {@code null}: asked directly. */
        private final ChainRouter chainRoute;
        /** UDP resolvers by namespace ({@code null} key: the process's own, stored as "-"). */
        private final Map<String, Future<DnsNameResolver>> udp = new ConcurrentHashMap<>();
        private final Map<String, Cached> cache = new ConcurrentHashMap<>();
        private volatile SslContext tlsContext;

        Server(Nameserver nameserver, ChainRouter chainRoute) {
            this.nameserver = nameserver;
            this.chainRoute = chainRoute;
        }

        Future<List<InetAddress>> resolve(String host, NetnsRef namespace, EventLoop loop) {
            List<DnsRecordType> families = new ArrayList<>(2);
            if (nameserver.only() != null) {
                families.add(nameserver.only().equals("ipv6") ? DnsRecordType.AAAA : DnsRecordType.A);
            } else if (nameserver.prefer().equals("ipv6")) {
                families.add(DnsRecordType.AAAA);
                families.add(DnsRecordType.A);
            } else {
                families.add(DnsRecordType.A);
                families.add(DnsRecordType.AAAA);
            }
            Promise<List<InetAddress>> result = loop.newPromise();
            resolveFamily(host, namespace, loop, families, 0, null, result);
            return result;
        }

        private void resolveFamily(String host, NetnsRef namespace, EventLoop loop, List<DnsRecordType> families,
                                   int index, Throwable lastFailure, Promise<List<InetAddress>> result) {
            if (index == families.size()) {
                if (lastFailure != null) {
                    result.tryFailure(lastFailure);
                } else {
                    result.trySuccess(List.of());
                }
                return;
            }
            DnsRecordType type = families.get(index);
            cached(host, namespace, type, loop).addListener(done -> {
                if (done.isSuccess()) {
                    @SuppressWarnings("unchecked")
                    List<InetAddress> addresses = (List<InetAddress>) done.getNow();
                    if (!addresses.isEmpty()) {
                        result.trySuccess(addresses);
                        return;
                    }
                    resolveFamily(host, namespace, loop, families, index + 1, lastFailure, result);
                } else {
                    resolveFamily(host, namespace, loop, families, index + 1, done.cause(), result);
                }
            });
        }

        /** From the cache, or asked; with {@code async}, an expired answer now and a fresh one for later. */
        private Future<List<InetAddress>> cached(String host, NetnsRef namespace, DnsRecordType type, EventLoop loop) {
            boolean caching = nameserver.ttl() == null || !nameserver.ttl().isNegative();
            String key = (namespace == null ? "-" : namespace.toString()) + " " + type.name() + " "
                    + host.toLowerCase(java.util.Locale.ROOT);
            long now = System.nanoTime();
            Cached hit = caching ? cache.get(key) : null;
            if (hit != null && hit.fresh(now)) {
                return loop.newSucceededFuture(hit.addresses());
            }
            Future<Answer> asked = ask(host, namespace, type, loop);
            Promise<List<InetAddress>> result = loop.newPromise();
            if (hit != null && nameserver.async()) {
                result.trySuccess(hit.addresses()); // stale, while the fresh one is fetched
            }
            asked.addListener(done -> {
                if (done.isSuccess()) {
                    Answer answer = (Answer) done.getNow();
                    if (caching && !answer.addresses().isEmpty()) {
                        long ttlNanos = nameserver.ttl() != null ? nameserver.ttl().toNanos()
                                : TimeUnit.SECONDS.toNanos(answer.ttlSeconds());
                        cache.put(key, new Cached(answer.addresses(), System.nanoTime() + ttlNanos));
                    }
                    result.trySuccess(answer.addresses());
                } else {
                    result.tryFailure(done.cause());
                }
            });
            return result;
        }

        /** Asks the nameserver once. */
        private Future<Answer> ask(String host, NetnsRef namespace, DnsRecordType type, EventLoop loop) {
            Promise<Answer> answer = loop.newPromise();
            if (nameserver.chain() != null && chainRoute == null) {
                answer.tryFailure(new java.io.IOException(nameserver + ": resolver " + name + " has no route through"
                        + " chain " + nameserver.chain()));
                return answer;
            }
            if (!nameserver.protocol().equals("udp") || chainRoute != null) {
                // Through a chain a UDP nameserver is asked over the last hop's datagram tunnel, as GOST's
                // exchanger dials "udp" through its router (SOCKS5 UDP-TUN, relay).
                askStream(host, namespace, type, loop, answer, nameserver.protocol());
                return answer;
            }
            udpResolver(namespace, loop).addListener(created -> {
                if (!created.isSuccess()) {
                    answer.tryFailure(created.cause());
                    return;
                }
                DnsNameResolver resolver = (DnsNameResolver) created.getNow();
                resolver.query(new DefaultDnsQuestion(host, type), additionals()).addListener(queried -> {
                    if (!queried.isSuccess()) {
                        answer.tryFailure(queried.cause());
                        return;
                    }
                    @SuppressWarnings("unchecked")
                    AddressedEnvelope<DnsResponse, ?> envelope = (AddressedEnvelope<DnsResponse, ?>) queried.getNow();
                    try {
                        DnsResponse response = envelope.content();
                        if (response.isTruncated()) {
                            // the whole answer comes over TCP
                            askStream(host, namespace, type, loop, answer, "tcp");
                        } else {
                            complete(response, host, type, answer);
                        }
                    } finally {
                        envelope.release();
                    }
                });
            });
            return answer;
        }

        private Future<DnsNameResolver> udpResolver(NetnsRef namespace, EventLoop loop) {
            String key = namespace == null ? "-" : namespace.toString();
            return udp.computeIfAbsent(key, k -> {
                EventLoop resolverLoop = transport.ioGroup().next();
                Future<DnsNameResolver> created = placement.place(namespace,
                        new SocketPurpose(SocketPurpose.Kind.DIAL_TARGET, "resolver " + name, nameserver.toString()),
                        resolverLoop, () -> resolverLoop.newSucceededFuture(new DnsNameResolverBuilder(resolverLoop)
                                .datagramChannelFactory(transport.datagramChannelFactory())
                                .nameServerProvider(new SingletonDnsServerAddressStreamProvider(nameserver.address()))
                                .queryTimeoutMillis(nameserver.timeout().toMillis())
                                .resolveCache(NoopDnsCache.INSTANCE)
                                .cnameCache(NoopDnsCnameCache.INSTANCE)
                                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                                .recursionDesired(true)
                                .maxQueriesPerResolve(1)
                                .build()));
                created.addListener(done -> {
                    if (!done.isSuccess()) {
                        udp.remove(k, created); // tried again next time
                    }
                });
                return created;
            });
        }

        /**
         * Asks over a connection of its own: {@code tcp} with Netty's DNS-over-TCP codec, {@code tls} the same
         * inside TLS, {@code https} a POST of the query (RFC 8484's {@code application/dns-message}) over
         * HTTP/1.1 inside TLS. The timeout covers connecting, the TLS handshake and the answer.
         */
        private void askStream(String host, NetnsRef namespace, DnsRecordType type, EventLoop loop,
                               Promise<Answer> answer, String protocol) {
            long timeoutMillis = nameserver.timeout().toMillis();
            Future<Channel> connected;
            if (chainRoute != null) {
                // GOST dials through the chain (its first node in the node's own namespace, as every chain dial):
                // the last hop connects to the nameserver, over TCP or its datagram tunnel.
                connected = chainRoute.dial(loop, protocol.equals("udp") ? "udp" : "tcp", nameserver.address(),
                        null);
                connected.addListener(done -> {
                    if (done.isSuccess()) {
                        Channel channel = (Channel) done.getNow();
                        exchangeOn(channel, host, type, answer, protocol);
                        channel.config().setAutoRead(true); // a routed channel comes with auto-read off
                    }
                });
            } else {
                connected = placement.place(namespace, new SocketPurpose(SocketPurpose.Kind.DIAL_TARGET,
                        "resolver " + name, nameserver.toString()), loop, () -> {
                            Promise<Channel> promise = loop.newPromise();
                            new Bootstrap().group(loop).channelFactory(transport.socketChannelFactory())
                                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeoutMillis))
                                    .handler(new ChannelInitializer<Channel>() {
                                        @Override
                                        protected void initChannel(Channel channel) {
                                            exchangeOn(channel, host, type, answer, protocol);
                                        }
                                    })
                                    .connect(nameserver.address()).addListener(done -> {
                                        if (done.isSuccess()) {
                                            promise.trySuccess(((io.netty.channel.ChannelFuture) done).channel());
                                        } else {
                                            promise.tryFailure(done.cause());
                                        }
                                    });
                            return promise;
                        });
            }
            io.netty.util.concurrent.ScheduledFuture<?> timer = loop.schedule(() -> {
                if (answer.tryFailure(new TimeoutException(nameserver + " did not answer within "
                        + timeoutMillis + "ms"))) {
                    connected.addListener(done -> {
                        if (done.isSuccess()) {
                            ((Channel) done.getNow()).close();
                        }
                    });
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            answer.addListener(done -> timer.cancel(false));
            connected.addListener(done -> {
                if (!done.isSuccess()) {
                    answer.tryFailure(done.cause());
                    return;
                }
                Channel channel = (Channel) done.getNow();
                if (answer.isDone()) {
                    channel.close();
                    return;
                }
                DefaultDnsQuery query = new DefaultDnsQuery(ThreadLocalRandom.current().nextInt(65536),
                        DnsOpCode.QUERY);
                query.setRecursionDesired(true);
                query.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(host, type));
                for (DnsRecord additional : additionals()) {
                    query.addRecord(DnsSection.ADDITIONAL, additional);
                }
                channel.writeAndFlush(query).addListener(written -> {
                    if (!written.isSuccess()) {
                        answer.tryFailure(written.cause());
                        channel.close();
                    }
                });
            });
        }

        /**
         * The handlers of one exchange on {@code channel}: TLS for {@code tls} and {@code https}, then the DNS
         * codec of the protocol ({@code udp}: one datagram each way, only on a chain's datagram tunnel), then
         * what completes {@code answer}.
         */
        private void exchangeOn(Channel channel, String host, DnsRecordType type, Promise<Answer> answer,
                                String protocol) {
            if (protocol.equals("tls") || protocol.equals("https")) {
                channel.pipeline().addLast(tls().newHandler(channel.alloc(), tlsPeerName(),
                        nameserver.address().getPort()));
            }
            switch (protocol) {
                case "https" -> channel.pipeline().addLast(new HttpClientCodec(),
                        new HttpObjectAggregator(MAX_HTTPS_ANSWER), new DnsOverHttpsCodec(nameserver));
                case "udp" -> channel.pipeline().addLast(new DatagramDnsCodec(nameserver));
                default -> channel.pipeline().addLast(new TcpDnsQueryEncoder(), new TcpDnsResponseDecoder());
            }
            channel.pipeline().addLast(new SimpleChannelInboundHandler<DnsResponse>() {
                /** The answer is asked for again over TCP: this channel's end is no failure. */
                private boolean handedOver;

                @Override
                protected void channelRead0(ChannelHandlerContext ctx, DnsResponse response) {
                    if (response.isTruncated() && protocol.equals("udp")) {
                        handedOver = true;
                        ctx.close();
                        // the whole answer over TCP, through the same chain
                        askStream(host, null, type, ctx.channel().eventLoop(), answer, "tcp");
                        return;
                    }
                    complete(response, host, type, answer);
                    ctx.close();
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    if (!handedOver) {
                        answer.tryFailure(new java.io.IOException(nameserver
                                + " closed the connection without an answer"));
                    }
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    answer.tryFailure(cause);
                    ctx.close();
                }
            });
        }

        /**
         * The TLS client context of a DoT or DoH nameserver, made once. As GOST, the server's certificate is not
         * verified (GOST's resolver has no option to verify it): what DoT and DoH add here is privacy on the
         * path, not authentication of the server.
         */
        private SslContext tls() {
            SslContext context = tlsContext;
            if (context == null) {
                try {
                    // Netty 4.2 checks the host name by default; GOST's resolver checks nothing.
                    context = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                            .endpointIdentificationAlgorithm(null).build();
                } catch (javax.net.ssl.SSLException e) {
                    throw new IllegalStateException("cannot make a TLS client context for " + nameserver, e);
                }
                tlsContext = context;
            }
            return context;
        }

        /** The name sent as SNI: {@code hostname}, else the IP (which TLS does not send as SNI). */
        private String tlsPeerName() {
            return nameserver.serverName() != null ? nameserver.serverName()
                    : nameserver.address().getAddress().getHostAddress();
        }

        private List<DnsRecord> additionals() {
            InetAddress subnet = nameserver.clientSubnet();
            if (subnet == null) {
                return List.of();
            }
            byte[] address = subnet.getAddress();
            return List.of(new DefaultDnsOptEcsRecord(4096, address.length == 4 ? 24 : 56, address));
        }

        void close() {
            udp.values().forEach(created -> created.addListener(done -> {
                if (done.isSuccess()) {
                    ((DnsNameResolver) done.getNow()).close();
                }
            }));
            udp.clear();
            cache.clear();
        }
    }

    /** The addresses of one answer and its smallest TTL. */
    private record Answer(List<InetAddress> addresses, long ttlSeconds) {
    }

    private static void complete(DnsResponse response, String host, DnsRecordType type, Promise<Answer> answer) {
        if (response.code() != DnsResponseCode.NOERROR && response.code() != DnsResponseCode.NXDOMAIN) {
            answer.tryFailure(new UnknownHostException(host + ": the nameserver answered " + response.code()));
            return;
        }
        List<InetAddress> addresses = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
            DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
            if (record.type() != type || !(record instanceof DnsRawRecord raw)) {
                continue;
            }
            ByteBuf content = raw.content();
            byte[] bytes = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), bytes);
            if ((type == DnsRecordType.A && bytes.length != 4) || (type == DnsRecordType.AAAA && bytes.length != 16)) {
                continue;
            }
            try {
                addresses.add(InetAddress.getByAddress(host, bytes));
                ttl = Math.min(ttl, record.timeToLive());
            } catch (UnknownHostException e) {
                log.debug("skipping a malformed {} record for {}", type, host);
            }
        }
        answer.trySuccess(new Answer(List.copyOf(addresses), ttl == Long.MAX_VALUE ? 0 : ttl));
    }
}
