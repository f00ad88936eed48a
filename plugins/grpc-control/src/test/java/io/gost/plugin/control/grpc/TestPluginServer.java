package io.gost.plugin.control.grpc;

import com.google.protobuf.Message;
import io.gost.plugin.control.grpc.proto.AdmissionGrpc;
import io.gost.plugin.control.grpc.proto.AdmissionReply;
import io.gost.plugin.control.grpc.proto.AdmissionRequest;
import io.gost.plugin.control.grpc.proto.AuthenticateReply;
import io.gost.plugin.control.grpc.proto.AuthenticateRequest;
import io.gost.plugin.control.grpc.proto.AuthenticatorGrpc;
import io.gost.plugin.control.grpc.proto.BypassGrpc;
import io.gost.plugin.control.grpc.proto.BypassReply;
import io.gost.plugin.control.grpc.proto.BypassRequest;
import io.gost.plugin.control.grpc.proto.HostMapperGrpc;
import io.gost.plugin.control.grpc.proto.LimitReply;
import io.gost.plugin.control.grpc.proto.LimitRequest;
import io.gost.plugin.control.grpc.proto.LimiterGrpc;
import io.gost.plugin.control.grpc.proto.LookupReply;
import io.gost.plugin.control.grpc.proto.LookupRequest;
import io.gost.plugin.control.grpc.proto.ResolveReply;
import io.gost.plugin.control.grpc.proto.ResolveRequest;
import io.gost.plugin.control.grpc.proto.ResolverGrpc;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerTransportFilter;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A gRPC plugin server on a free loopback port, with GOST's six plugin services generated from the same .proto
 * files, recording every question (method, request, the {@code token} metadata, the {@code :authority}) and
 * answering what the test set for the method (or each reply's defaults: {@code ok: false}). Counts the
 * connections open to it, so a test can see a client let go.
 */
final class TestPluginServer implements AutoCloseable {

    /** One question as the server received it. */
    record Asked(String method, Message request, String token, String authority) {
    }

    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TOKEN_SEEN = Context.key("token");
    private static final Context.Key<String> AUTHORITY_SEEN = Context.key("authority");

    private final List<Asked> asked = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Message, Message>> answers = new ConcurrentHashMap<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final Server server;

    private TestPluginServer(ServerCredentials credentials) throws IOException {
        ServerInterceptor recordHeaders = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                               ServerCallHandler<Q, A> next) {
                Context context = Context.current().withValue(TOKEN_SEEN, headers.get(TOKEN))
                        .withValue(AUTHORITY_SEEN, call.getAuthority());
                return Contexts.interceptCall(context, call, headers, next);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials)
                .addService(ServerInterceptors.intercept(new AuthenticatorGrpc.AuthenticatorImplBase() {
                    @Override
                    public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateReply> reply) {
                        answer(AuthenticatorGrpc.getAuthenticateMethod().getFullMethodName(), request,
                                AuthenticateReply.getDefaultInstance(), reply);
                    }
                }, recordHeaders))
                .addService(ServerInterceptors.intercept(new AdmissionGrpc.AdmissionImplBase() {
                    @Override
                    public void admit(AdmissionRequest request, StreamObserver<AdmissionReply> reply) {
                        answer(AdmissionGrpc.getAdmitMethod().getFullMethodName(), request,
                                AdmissionReply.getDefaultInstance(), reply);
                    }
                }, recordHeaders))
                .addService(ServerInterceptors.intercept(new BypassGrpc.BypassImplBase() {
                    @Override
                    public void bypass(BypassRequest request, StreamObserver<BypassReply> reply) {
                        answer(BypassGrpc.getBypassMethod().getFullMethodName(), request,
                                BypassReply.getDefaultInstance(), reply);
                    }
                }, recordHeaders))
                .addService(ServerInterceptors.intercept(new HostMapperGrpc.HostMapperImplBase() {
                    @Override
                    public void lookup(LookupRequest request, StreamObserver<LookupReply> reply) {
                        answer(HostMapperGrpc.getLookupMethod().getFullMethodName(), request,
                                LookupReply.getDefaultInstance(), reply);
                    }
                }, recordHeaders))
                .addService(ServerInterceptors.intercept(new ResolverGrpc.ResolverImplBase() {
                    @Override
                    public void resolve(ResolveRequest request, StreamObserver<ResolveReply> reply) {
                        answer(ResolverGrpc.getResolveMethod().getFullMethodName(), request,
                                ResolveReply.getDefaultInstance(), reply);
                    }
                }, recordHeaders))
                .addService(ServerInterceptors.intercept(new LimiterGrpc.LimiterImplBase() {
                    @Override
                    public void limit(LimitRequest request, StreamObserver<LimitReply> reply) {
                        answer(LimiterGrpc.getLimitMethod().getFullMethodName(), request,
                                LimitReply.getDefaultInstance(), reply);
                    }
                }, recordHeaders))
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes attributes) {
                        openConnections.incrementAndGet();
                        return attributes;
                    }

                    @Override
                    public void transportTerminated(Attributes attributes) {
                        openConnections.decrementAndGet();
                        closedConnections.incrementAndGet();
                    }
                })
                .build()
                .start();
    }

    /** A plaintext (h2c) server. */
    static TestPluginServer plaintext() throws IOException {
        return new TestPluginServer(InsecureServerCredentials.create());
    }

    /** A TLS server with the certificate and PKCS#8 key in these PEM files. */
    static TestPluginServer tls(File certificate, File key) throws IOException {
        return new TestPluginServer(TlsServerCredentials.create(certificate, key));
    }

    int port() {
        return server.getPort();
    }

    String addr() {
        return "127.0.0.1:" + port();
    }

    /** What {@code method} ({@code proto.Bypass/Bypass}) answers from now on; {@code null} never answers. */
    <Q extends Message> void answer(io.grpc.MethodDescriptor<Q, ?> method, Function<Q, Message> answer) {
        @SuppressWarnings("unchecked")
        Function<Message, Message> generic = request -> answer.apply((Q) request);
        answers.put(method.getFullMethodName(), generic);
    }

    List<Asked> asked() {
        return asked;
    }

    int openConnections() {
        return openConnections.get();
    }

    int closedConnections() {
        return closedConnections.get();
    }

    @SuppressWarnings("unchecked")
    private <A extends Message> void answer(String method, Message request, A unset, StreamObserver<A> reply) {
        asked.add(new Asked(method, request, TOKEN_SEEN.get(), AUTHORITY_SEEN.get()));
        Function<Message, Message> answer = answers.get(method);
        Message value = answer == null ? unset : answer.apply(request);
        if (value == null) {
            return; // a plugin that hangs: the client's deadline ends the call
        }
        reply.onNext((A) value);
        reply.onCompleted();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
