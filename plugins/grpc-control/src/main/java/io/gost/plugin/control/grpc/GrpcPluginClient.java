package io.gost.plugin.control.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.gost.plugin.control.grpc.proto.AdmissionGrpc;
import io.gost.plugin.control.grpc.proto.AdmissionRequest;
import io.gost.plugin.control.grpc.proto.AuthenticateRequest;
import io.gost.plugin.control.grpc.proto.AuthenticatorGrpc;
import io.gost.plugin.control.grpc.proto.BypassGrpc;
import io.gost.plugin.control.grpc.proto.BypassRequest;
import io.gost.plugin.control.grpc.proto.HostMapperGrpc;
import io.gost.plugin.control.grpc.proto.LimitRequest;
import io.gost.plugin.control.grpc.proto.LimiterGrpc;
import io.gost.plugin.control.grpc.proto.LookupRequest;
import io.gost.plugin.control.grpc.proto.ResolveRequest;
import io.gost.plugin.control.grpc.proto.ResolverGrpc;
import io.gost.runtime.config.ControlPlugin;
import io.gost.runtime.control.PluginClient;
import io.gost.runtime.control.TrustingEverything;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of GOST's gRPC plugin protocol (x/internal/plugin and each kind's plugin/grpc.go): one unary
 * RPC per question, {@code /proto.Authenticator/Authenticate}, {@code /proto.Admission/Admit},
 * {@code /proto.Bypass/Bypass}, {@code /proto.HostMapper/Lookup}, {@code /proto.Resolver/Resolve} or
 * {@code /proto.Limiter/Limit}, to {@code addr} ({@code host:port}).
 *
 * <p>As GOST: without a {@code tls} block the connection is plaintext HTTP/2 (h2c); with one it is TLS, the
 * certificate verified only with {@code tls.secure: true}, and {@code tls.serverName} is both the name sent (SNI)
 * and the {@code :authority}. A {@code token} travels as the {@code token} metadata of every call (GOST's
 * per-RPC credentials, sent on plaintext connections too). Unlike GOST, whose gRPC calls wait as long as the
 * connection does, {@code timeout} (10 s when unset) is each call's deadline, so a plugin that hangs cannot hold a
 * client forever.
 *
 * <p>The question and the answer are the JSON objects of GOST's HTTP protocol ({@link PluginClient}), whose
 * field names are the .proto fields' names for every kind: the question's fields are copied into the request
 * message by name (fields the message does not have, such as a newer GOST's {@code network} of an admission,
 * are not sent), and every field of the reply, set or not, becomes a member of the answer ({@code ok: false}
 * when the plugin left it out, as GOST reads it).
 *
 * <p>The channel is opened at the first question, reconnects by itself (gRPC's backoff) and is shut down by
 * {@link #close}, letting calls in flight finish. Failures are logged once per kind of failure until a call
 * succeeds again.
 */
public final class GrpcPluginClient implements PluginClient {

    private static final Logger log = LoggerFactory.getLogger(GrpcPluginClient.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

    /** Each kind's RPC and an empty request to build on. */
    private record Rpc(MethodDescriptor<Message, Message> method, Message prototype) {

        @SuppressWarnings("unchecked")
        static <Q extends Message, A extends Message> Rpc of(MethodDescriptor<Q, A> method, Q prototype) {
            return new Rpc((MethodDescriptor<Message, Message>) (MethodDescriptor<?, ?>) method, prototype);
        }
    }

    private final String owner;
    private final ControlPlugin plugin;
    private final String host;
    private final int port;
    private final Kind kind;
    private final Duration timeout;
    /** Resolved with the channel: loading gRPC and the descriptors takes a while the start should not wait for. */
    private Rpc rpc;
    private ManagedChannel channel;
    private boolean closed;
    private volatile String lastFailure;

    /**
     * @param kind   what the plugin is asked about
     * @param owner  the control object, for messages: {@code "admission admission-0"}
     * @param plugin its plugin block ({@code type: grpc})
     * @throws IllegalArgumentException when {@code addr} is not {@code host:port}
     */
    public GrpcPluginClient(Kind kind, String owner, ControlPlugin plugin) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.plugin = Objects.requireNonNull(plugin, "plugin");
        HostPort address = HostPort.parse(plugin.addr());
        this.host = address.host();
        this.port = address.port();
        this.kind = Objects.requireNonNull(kind, "kind");
        this.timeout = plugin.timeout() == null ? DEFAULT_TIMEOUT : plugin.timeout();
        // Loads gRPC, Netty's shaded copy and the messages' descriptors (seconds on a busy machine) off the
        // starting thread, so that neither the start nor the first question waits for it; connects nothing.
        CompletableFuture.runAsync(() -> {
            try {
                channel();
            } catch (RuntimeException e) {
                // closed already, or gRPC cannot be loaded: the first question fails saying why
            }
        });
    }

    private static Rpc rpc(Kind kind) {
        return switch (kind) {
            case AUTHER -> Rpc.of(AuthenticatorGrpc.getAuthenticateMethod(), AuthenticateRequest.getDefaultInstance());
            case ADMISSION -> Rpc.of(AdmissionGrpc.getAdmitMethod(), AdmissionRequest.getDefaultInstance());
            case BYPASS -> Rpc.of(BypassGrpc.getBypassMethod(), BypassRequest.getDefaultInstance());
            case HOSTS -> Rpc.of(HostMapperGrpc.getLookupMethod(), LookupRequest.getDefaultInstance());
            case RESOLVER -> Rpc.of(ResolverGrpc.getResolveMethod(), ResolveRequest.getDefaultInstance());
            case LIMITER -> Rpc.of(LimiterGrpc.getLimitMethod(), LimitRequest.getDefaultInstance());
        };
    }

    private synchronized Rpc rpc() {
        if (rpc == null) {
            rpc = rpc(kind);
        }
        return rpc;
    }

    /** The gRPC method every question goes to: {@code proto.Authenticator/Authenticate}. */
    public String method() {
        return rpc().method().getFullMethodName();
    }

    @Override
    public String address() {
        return plugin.addr();
    }

    @Override
    public CompletableFuture<Config> post(String json, String consequence) {
        CompletableFuture<Config> result = new CompletableFuture<>();
        Rpc rpc = rpc();
        Message request;
        try {
            request = request(rpc.prototype(), ConfigFactory.parseString(json,
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)));
        } catch (RuntimeException e) {
            // A question gost-java wrote itself: a bug, not the plugin's doing.
            result.completeExceptionally(new IllegalArgumentException(owner + ": cannot ask " + method() + ": " + e, e));
            return result;
        }
        try {
            ClientCall<Message, Message> call = channel().newCall(rpc.method(),
                    CallOptions.DEFAULT.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS));
            ClientCalls.asyncUnaryCall(call, request, new StreamObserver<>() {
                private Message reply;

                @Override
                public void onNext(Message value) {
                    reply = value;
                }

                @Override
                public void onError(Throwable error) {
                    fail(result, why(error), consequence);
                }

                @Override
                public void onCompleted() {
                    lastFailure = null;
                    result.complete(answer(reply));
                }
            });
        } catch (RuntimeException e) {
            fail(result, "cannot ask " + plugin.addr() + ": " + e.getMessage(), consequence);
        }
        return result;
    }

    private synchronized ManagedChannel channel() {
        if (closed) {
            throw new IllegalStateException("the plugin client is closed (its " + owner + " was replaced or removed)");
        }
        if (channel == null) {
            rpc();
            NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port, credentials());
            if (plugin.tls() && plugin.serverName() != null) {
                builder.overrideAuthority(plugin.serverName());
            }
            if (plugin.token() != null) {
                Metadata headers = new Metadata();
                headers.put(TOKEN, plugin.token());
                builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
            }
            channel = builder.build();
        }
        return channel;
    }

    private ChannelCredentials credentials() {
        if (!plugin.tls()) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        if (!plugin.secure()) {
            tls.trustManager(TrustingEverything.INSTANCE);
        }
        return tls.build();
    }

    /** Shuts the channel down; calls in flight finish, new questions fail. */
    @Override
    public void close() {
        ManagedChannel open;
        synchronized (this) {
            closed = true;
            open = channel;
        }
        if (open != null) {
            open.shutdown();
        }
    }

    /** True once {@link #close} ran and the channel (if one was opened) has ended, for tests. */
    public boolean awaitClosed(Duration wait) throws InterruptedException {
        ManagedChannel open;
        synchronized (this) {
            if (!closed) {
                return false;
            }
            open = channel;
        }
        return open == null || open.awaitTermination(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private String why(Throwable error) {
        Status status = error instanceof StatusRuntimeException e ? e.getStatus() : Status.fromThrowable(error);
        String detail = status.getDescription() == null ? "" : ": " + status.getDescription();
        if (status.getCause() != null && status.getDescription() != null
                && !status.getDescription().contains(String.valueOf(status.getCause().getMessage()))) {
            detail += " (" + status.getCause().getMessage() + ")";
        }
        return switch (status.getCode()) {
            case UNAVAILABLE -> "cannot reach " + plugin.addr() + detail;
            case DEADLINE_EXCEEDED -> plugin.addr() + " did not answer " + method() + " within " + timeout.toMillis()
                    + " ms";
            default -> plugin.addr() + " answered " + method() + " with " + status.getCode() + detail;
        };
    }

    private void fail(CompletableFuture<Config> result, String why, String consequence) {
        if (!why.equals(lastFailure)) {
            lastFailure = why;
            log.warn("{}: {}; {}", owner, why, consequence);
        }
        result.completeExceptionally(new IOException(owner + ": " + why));
    }

    /** The request message: each of its fields that the question has, by name. */
    static Message request(Message prototype, Config question) {
        Message.Builder builder = prototype.newBuilderForType();
        for (FieldDescriptor field : prototype.getDescriptorForType().getFields()) {
            String name = field.getName();
            if (!question.hasPath(name)) {
                continue;
            }
            if (field.isRepeated()) {
                for (String value : question.getStringList(name)) {
                    builder.addRepeatedField(field, scalar(field, value));
                }
            } else {
                builder.setField(field, switch (field.getJavaType()) {
                    case STRING -> question.getString(name);
                    case BOOLEAN -> question.getBoolean(name);
                    case LONG -> question.getLong(name);
                    case INT -> question.getInt(name);
                    default -> throw new IllegalArgumentException("no JSON reading for field " + field.getFullName());
                });
            }
        }
        return builder.build();
    }

    private static Object scalar(FieldDescriptor field, String text) {
        return switch (field.getJavaType()) {
            case STRING -> text;
            case BOOLEAN -> Boolean.parseBoolean(text);
            case LONG -> Long.parseLong(text);
            case INT -> Integer.parseInt(text);
            default -> throw new IllegalArgumentException("no JSON reading for field " + field.getFullName());
        };
    }

    /** The answer: every field of the reply by name, with its default when the plugin left it unset. */
    static Config answer(Message reply) {
        Map<String, Object> members = new LinkedHashMap<>();
        if (reply != null) {
            for (FieldDescriptor field : reply.getDescriptorForType().getFields()) {
                Object value = reply.getField(field);
                if (field.isRepeated()) {
                    value = new ArrayList<>((List<?>) value);
                }
                members.put(field.getName(), value);
            }
        }
        return ConfigFactory.parseMap(members, "the gRPC plugin's reply");
    }

    /** {@code host:port}, IPv6 hosts in brackets. */
    record HostPort(String host, int port) {

        static HostPort parse(String addr) {
            String text = addr == null ? "" : addr.trim();
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException("plugin addr '" + addr + "' is not host:port");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.indexOf(':') >= 0 || host.contains("/")) {
                throw new IllegalArgumentException("plugin addr '" + addr + "' is not host:port");
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535 || host.isEmpty()) {
                throw new IllegalArgumentException("plugin addr '" + addr + "' is not host:port");
            }
            return new HostPort(host, port);
        }
    }

    @Override
    public String toString() {
        return "GrpcPluginClient[" + owner + ", " + plugin.addr() + ", " + method() + "]";
    }
}
