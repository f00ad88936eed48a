package io.gost.runtime.dns;

import io.gost.api.NetnsRef;
import io.gost.runtime.control.Registry;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * How a service's targets, or a node's address, are turned into an IP before a dial: the host mapper first,
 * then the resolver, as GOST's {@code Resolve} does; the first address found is dialed. Both are looked up by
 * name at every dial, so that replacing them at run time applies at once. A name whose object was removed is
 * skipped with a log line (the next step, or the dialer's own resolver, answers instead).
 */
public final class NameLookup {

    private final Registry.Ref<HostMapper> hosts;
    private final Registry.Ref<Resolver> resolver;

    private NameLookup(Registry.Ref<HostMapper> hosts, Registry.Ref<Resolver> resolver) {
        this.hosts = hosts;
        this.resolver = resolver;
    }

    /** The lookup through the named host mapper and resolver, or {@code null} when neither is named. */
    public static NameLookup of(String hostsName, Registry<HostMapper> hostsRegistry, String resolverName,
                                Registry<Resolver> resolvers) {
        if (hostsName == null && resolverName == null) {
            return null;
        }
        return new NameLookup(hostsName == null ? null : hostsRegistry.ref(hostsName),
                resolverName == null ? null : resolvers.ref(resolverName));
    }

    /**
     * {@code target} with its host replaced by an IP when the host mapper or resolver knows one; an IP target,
     * or a name neither knows when there is no resolver, comes back as it is. Fails with an
     * {@link UnknownHostException} when the resolver finds nothing.
     *
     * @param namespace where the resolver's sockets are created (the namespace of the dial)
     */
    public Future<InetSocketAddress> resolve(InetSocketAddress target, NetnsRef namespace, EventLoop loop) {
        return resolve("tcp", target, namespace, loop);
    }

    /** As {@link #resolve(InetSocketAddress, NetnsRef, EventLoop)} for a dial over {@code network}. */
    public Future<InetSocketAddress> resolve(String network, InetSocketAddress target, NetnsRef namespace,
                                             EventLoop loop) {
        if (!target.isUnresolved()) {
            return loop.newSucceededFuture(target);
        }
        String host = target.getHostString();
        if (io.gost.runtime.match.IpAddress.parse(host) != null) {
            return loop.newSucceededFuture(new InetSocketAddress(host, target.getPort()));
        }
        HostMapper mapper = hosts == null ? null : hosts.get();
        if (mapper != null && mapper.asksPlugin()) {
            Promise<InetSocketAddress> result = loop.newPromise();
            mapper.lookupLater(network, host).whenComplete((mapped, error) -> loop.execute(() -> {
                if (mapped != null && !mapped.isEmpty()) {
                    result.trySuccess(new InetSocketAddress(withName(host, mapped.get(0)), target.getPort()));
                } else {
                    io.netty.util.concurrent.PromiseNotifier.cascade(
                            byResolver(network, target, host, namespace, loop), result);
                }
            }));
            return result;
        }
        if (mapper != null) {
            List<InetAddress> mapped = mapper.lookup(host);
            if (!mapped.isEmpty()) {
                return loop.newSucceededFuture(new InetSocketAddress(withName(host, mapped.get(0)), target.getPort()));
            }
        }
        return byResolver(network, target, host, namespace, loop);
    }

    private Future<InetSocketAddress> byResolver(String network, InetSocketAddress target, String host,
                                                 NetnsRef namespace, EventLoop loop) {
        Resolver current = resolver == null ? null : resolver.get();
        if (current == null) {
            return loop.newSucceededFuture(target);
        }
        Promise<InetSocketAddress> result = loop.newPromise();
        current.resolve(network, host, namespace, loop).addListener(done -> {
            if (done.isSuccess()) {
                @SuppressWarnings("unchecked")
                List<InetAddress> addresses = (List<InetAddress>) done.getNow();
                result.trySuccess(new InetSocketAddress(withName(host, addresses.get(0)), target.getPort()));
            } else {
                result.tryFailure(done.cause());
            }
        });
        return result;
    }

    private static InetAddress withName(String host, InetAddress address) {
        try {
            return InetAddress.getByAddress(host, address.getAddress());
        } catch (UnknownHostException e) {
            return address;
        }
    }

    @Override
    public String toString() {
        return "NameLookup[" + (hosts == null ? "" : "hosts " + hosts.name()) + (hosts != null && resolver != null
                ? ", " : "") + (resolver == null ? "" : "resolver " + resolver.name()) + "]";
    }
}
