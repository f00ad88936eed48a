package io.gost.plugin.http.testing;

import io.gost.api.Forwarder;
import io.gost.api.HandlerContext;
import io.gost.api.RelayResult;
import io.gost.api.Router;
import io.gost.api.Transport;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link HandlerContext} that records what the handler reports with {@link #recordError} (what the runtime
 * puts into the connection's log line) and passes everything else to another context.
 */
public final class ErrorRecordingContext implements HandlerContext {

    private final HandlerContext delegate;
    private final List<Throwable> errors;

    /** @param errors where the reported errors go; shared by the contexts of several connections */
    public ErrorRecordingContext(HandlerContext delegate, List<Throwable> errors) {
        this.delegate = delegate;
        this.errors = errors;
    }

    /** A list the contexts of several connections can report into from their event loops. */
    public static List<Throwable> errorList() {
        return new CopyOnWriteArrayList<>();
    }

    @Override
    public void recordError(Throwable error) {
        errors.add(error);
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public String sessionId() {
        return delegate.sessionId();
    }

    @Override
    public InetSocketAddress clientAddress() {
        return delegate.clientAddress();
    }

    @Override
    public Transport transport() {
        return delegate.transport();
    }

    @Override
    public Router router() {
        return delegate.router();
    }

    @Override
    public Optional<Forwarder> forwarder() {
        return delegate.forwarder();
    }

    @Override
    public Future<RelayResult> relay(Channel upstream) {
        return delegate.relay(upstream);
    }

    @Override
    public void countBytes(long fromClient, long toClient) {
        delegate.countBytes(fromClient, toClient);
    }

    @Override
    public <T> CompletionStage<T> createClientSideSocket(Callable<T> work) {
        return delegate.createClientSideSocket(work);
    }
}
