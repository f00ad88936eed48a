package io.gost.plugin.socks.testing;

import io.gost.api.Router;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A router whose dials the test completes by hand: it records each target and hands out a promise. */
public final class ScriptedRouter implements Router {

    private final List<InetSocketAddress> targets = new CopyOnWriteArrayList<>();
    private final List<Promise<Channel>> dials = new CopyOnWriteArrayList<>();

    @Override
    public Future<Channel> dial(String network, InetSocketAddress target) {
        targets.add(target);
        Promise<Channel> dial = ImmediateEventExecutor.INSTANCE.newPromise();
        dials.add(dial);
        return dial;
    }

    /** The targets asked for, in order. */
    public List<InetSocketAddress> targets() {
        return List.copyOf(targets);
    }

    /** The last dial asked for; fails the test when there was none. */
    public Promise<Channel> lastDial() {
        if (dials.isEmpty()) {
            throw new AssertionError("the handler did not dial");
        }
        return dials.get(dials.size() - 1);
    }
}
