package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GOST's gRPC plugins (the default plugin type) as a user runs them: bin/gost with GOST's example configurations
 * pointed at a gRPC plugin server in the test (grpc-java, GOST's .proto services), deciding logins, admission,
 * bypass, host mapping, resolution and rate limits for curl through the proxy; a plugin that is down, one over TLS with
 * {@code secure: false}, and the plugin connections let go at a reload.
 */
class GrpcPluginsIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void grpcPluginsDecideLoginsAdmissionBypassHostsAndResolution() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        AtomicBoolean admitting = new AtomicBoolean(true);
        PluginServer plugins = resources.add(new PluginServer(InsecureServerCredentials.create(), admitting));
        int proxyPort = resources.freePort();
        int socksPort = resources.freePort();
        int guardedPort = resources.freePort();
        int unreachablePort = resources.freePort(); // nothing listens there: a plugin that is down
        // GOST's documentation examples (auth, admission, bypass, hosts, resolver "Plugin" sections), with the
        // test server's port; the auther's without type, GOST's default being grpc.
        Path config = resources.write("gost.yaml", """
                services:
                - name: proxy
                  addr: 127.0.0.1:%1$d
                  admission: admission-0
                  bypass: bypass-0
                  hosts: hosts-0
                  resolver: resolver-0
                  handler: {type: http, auther: auther-0}
                  listener: {type: tcp}
                - name: socks
                  addr: 127.0.0.1:%2$d
                  bypass: bypass-0
                  handler: {type: socks5}
                  listener: {type: tcp}
                - name: guarded
                  addr: 127.0.0.1:%3$d
                  admission: admission-down
                  handler: {type: http}
                  listener: {type: tcp}
                authers:
                - name: auther-0
                  plugin:
                    addr: 127.0.0.1:%4$d
                    token: s3cret
                admissions:
                - name: admission-0
                  plugin:
                    type: grpc
                    addr: 127.0.0.1:%4$d
                - name: admission-down
                  plugin:
                    type: grpc
                    addr: 127.0.0.1:%5$d
                    timeout: 2s
                bypasses:
                - name: bypass-0
                  plugin:
                    type: grpc
                    addr: 127.0.0.1:%4$d
                hosts:
                - name: hosts-0
                  plugin:
                    type: grpc
                    addr: 127.0.0.1:%4$d
                resolvers:
                - name: resolver-0
                  plugin:
                    type: grpc
                    addr: 127.0.0.1:%4$d
                """.formatted(proxyPort, socksPort, guardedPort, plugins.port(), unreachablePort));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(proxyPort).awaitPort(socksPort)
                .awaitPort(guardedPort);
        String proxy = "http://alice:4l1ce@127.0.0.1:" + proxyPort;

        Curl.Result mapped = Curl.run(resources.dir(), "-x", proxy, "http://mapped.gost.test:" + origin.port()
                + "/hello");
        Curl.Result wrongPassword = Curl.run(resources.dir(), "-x", "http://alice:nope@127.0.0.1:" + proxyPort,
                "http://mapped.gost.test:" + origin.port() + "/hello");
        Curl.Result resolved = Curl.run(resources.dir(), "-x", proxy, "http://resolved.gost.test:" + origin.port()
                + "/hello");
        Curl.Result unknown = Curl.run(resources.dir(), "-x", proxy, "http://unknown.gost.test:" + origin.port()
                + "/hello");
        Curl.Result bypassed = Curl.run(resources.dir(), "-x", proxy, "http://blocked.gost.test:" + origin.port()
                + "/hello");
        int socksBypassed = socks5ConnectReply(socksPort, "blocked.gost.test", origin.port());
        int socksAllowed = socks5ConnectReply(socksPort, "127.0.0.1", origin.port());
        admitting.set(false);
        Curl.Result refused = Curl.run(resources.dir(), "-x", proxy, origin.url("/hello"));
        Curl.Result pluginDown = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + guardedPort,
                origin.url("/hello"));

        assertThat(mapped.status()).as("the auther and hosts plugins said yes: " + mapped + "\n" + gost.describe())
                .isEqualTo(200);
        assertThat(mapped.body()).isEqualTo(OriginServer.HELLO);
        assertThat(wrongPassword.status()).as("the auther plugin answered ok false: " + wrongPassword).isEqualTo(407);
        assertThat(resolved.status()).as("the hosts plugin has none, the resolver plugin's: " + resolved)
                .isEqualTo(200);
        assertThat(unknown.status()).as("the resolver plugin answered ok false: " + unknown).isEqualTo(502);
        assertThat(bypassed.status()).as("the bypass plugin answered ok true: " + bypassed).isEqualTo(403);
        assertThat(socksBypassed).as("SOCKS5: connection not allowed by ruleset").isEqualTo(0x02);
        assertThat(socksAllowed).as("SOCKS5: succeeded").isEqualTo(0x00);
        assertThat(refused.status()).as("the admission plugin answered ok false: " + refused).isZero();
        assertThat(refused.exitCode()).isNotZero();
        assertThat(pluginDown.status()).as("an admission plugin that cannot be asked admits nobody: " + pluginDown)
                .isZero();

        assertThat(plugins.asked).anySatisfy(asked -> {
            assertThat(asked.method()).isEqualTo("proto.Authenticator/Authenticate");
            AuthenticateRequest login = (AuthenticateRequest) asked.request();
            assertThat(login.getService()).isEqualTo("proxy");
            assertThat(login.getUsername()).isEqualTo("alice");
            assertThat(login.getPassword()).isEqualTo("4l1ce");
            assertThat(login.getClient()).startsWith("127.0.0.1:");
            assertThat(asked.token()).as("the token metadata, as GOST sends it").isEqualTo("s3cret");
        });
        assertThat(plugins.asked).anySatisfy(asked -> {
            assertThat(asked.method()).isEqualTo("proto.Admission/Admit");
            assertThat(((AdmissionRequest) asked.request()).getAddr()).startsWith("127.0.0.1:");
            assertThat(((AdmissionRequest) asked.request()).getService()).isEqualTo("proxy");
            assertThat(asked.token()).as("only the auther has a token").isNull();
        });
        assertThat(plugins.asked).extracting(Asked::request).contains(
                BypassRequest.newBuilder().setService("proxy").setNetwork("tcp")
                        .setAddr("blocked.gost.test:" + origin.port()).build(),
                BypassRequest.newBuilder().setService("socks").setNetwork("tcp")
                        .setAddr("blocked.gost.test:" + origin.port()).build(),
                LookupRequest.newBuilder().setNetwork("tcp").setHost("mapped.gost.test").build(),
                ResolveRequest.newBuilder().setNetwork("tcp").setHost("resolved.gost.test").build());
        Waits.until("gost to log the plugin that is down", ManagedProcess.START_TIMEOUT,
                () -> gost.output().contains("admission admission-down: cannot reach 127.0.0.1:" + unreachablePort),
                () -> !gost.isAlive(), gost::describe);
        assertThat(gost.output()).contains("refused by admission admission-0");
    }

    @Test
    void aTlsPluginWithSecureFalseIsAskedOverTlsAndReloadsLetOldConnectionsGo() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        ProcessBuilder openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", "plugin.key", "-out", "plugin.pem", "-days", "2",
                "-subj", "/CN=plugin.gost.test").directory(resources.dir().toFile()).redirectErrorStream(true)
                .redirectOutput(resources.dir().resolve("openssl.log").toFile());
        assertThat(openssl.start().waitFor()).as(() -> read(resources.dir().resolve("openssl.log"))).isZero();
        PluginServer plugins = resources.add(new PluginServer(TlsServerCredentials.create(
                resources.dir().resolve("plugin.pem").toFile(), resources.dir().resolve("plugin.key").toFile()),
                new AtomicBoolean(true)));
        int port = resources.freePort();
        // GOST's auth page example (091), pointed at the test's server.
        String yaml = """
                services:
                - name: proxy
                  addr: 127.0.0.1:%d
                  handler: {type: http, auther: auther-0}
                  listener: {type: tcp}
                authers:
                - name: auther-0
                  plugin:
                    type: grpc
                    addr: 127.0.0.1:%d
                    tls:
                      secure: false
                      serverName: example.com
                """.formatted(port, plugins.port());
        Path config = resources.write("gost.yaml", yaml);
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port);
        String proxy = "http://alice:4l1ce@127.0.0.1:" + port;

        Curl.Result first = Curl.run(resources.dir(), "-x", proxy, origin.url("/hello"));
        for (int reload = 1; reload <= 3; reload++) {
            Files.writeString(config, yaml + "# reload " + reload + "\n    token: t" + reload + "\n");
            int applied = reload;
            ReloadIT.signal(gost, "HUP");
            Waits.until("reload " + reload + " to be applied", ManagedProcess.START_TIMEOUT,
                    () -> count(gost.output(), "SIGHUP: configuration applied") == applied, () -> !gost.isAlive(),
                    gost::describe);
            Curl.Result again = Curl.run(resources.dir(), "-x", proxy, origin.url("/hello"));
            assertThat(again.status()).as(again + "\n" + gost.describe()).isEqualTo(200);
        }

        assertThat(first.status()).as(first + "\n" + gost.describe()).isEqualTo(200);
        assertThat(plugins.asked).hasSize(4).allSatisfy(asked ->
                assertThat(asked.authority()).as("tls.serverName is the :authority").isEqualTo("example.com"));
        assertThat(plugins.asked).extracting(Asked::token).containsExactly(null, "t1", "t2", "t3");
        Waits.until("the replaced autherss' connections to close", ManagedProcess.START_TIMEOUT,
                () -> plugins.open.get() == 1 && plugins.closed.get() == 3, () -> !gost.isAlive(),
                () -> "open " + plugins.open + ", closed " + plugins.closed + "\n" + gost.describe());
    }

    @Test
    void aGrpcLimiterPluginPacesEachConnectionAtTheRatesItAnswers() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        PluginServer plugins = resources.add(new PluginServer(InsecureServerCredentials.create(),
                new AtomicBoolean(true)));
        int port = resources.freePort();
        // GOST's limiter page example (138): a limiter plugin without type, so gRPC.
        Path config = resources.write("gost.yaml", """
                services:
                - name: paced
                  addr: 127.0.0.1:%d
                  limiter: limiter-0
                  handler: {type: http}
                  listener: {type: tcp}
                limiters:
                - name: limiter-0
                  plugin:
                    addr: 127.0.0.1:%d
                """.formatted(port, plugins.port()));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port);

        long started = System.nanoTime();
        Curl.Result fetched = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port,
                origin.url("/bytes/" + 512 * 1024));
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(fetched.status()).as(fetched + "\n" + gost.describe()).isEqualTo(200);
        assertThat(fetched.body()).hasSize(512 * 1024);
        // 512 KB out at the 256 KB/s the plugin answers for the connection: 2 s (less the first burst).
        assertThat(seconds).as("download seconds").isBetween(1.6, 8.0);
        assertThat(plugins.asked).anySatisfy(asked -> {
            assertThat(asked.method()).isEqualTo("proto.Limiter/Limit");
            LimitRequest question = (LimitRequest) asked.request();
            assertThat(question.getService()).isEqualTo("paced");
            assertThat(question.getScope()).isEqualTo("conn");
            assertThat(question.getNetwork()).isEqualTo("tcp");
            assertThat(question.getSrc()).startsWith("127.0.0.1:");
        });
        assertThat(plugins.asked).anySatisfy(asked -> assertThat(asked.request()).isEqualTo(LimitRequest.newBuilder()
                .setService("paced").setScope("service").setNetwork("tcp").build()));
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The reply code of a SOCKS5 CONNECT to {@code host:port} (no authentication). */
    private static int socks5ConnectReply(int proxyPort, String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 2_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(new byte[] {5, 1, 0});
            byte[] method = new byte[2];
            in.readFully(method);
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[7 + name.length];
            request[0] = 5;
            request[1] = 1;
            request[3] = 3;
            request[4] = (byte) name.length;
            System.arraycopy(name, 0, request, 5, name.length);
            request[5 + name.length] = (byte) (port >> 8);
            request[6 + name.length] = (byte) port;
            out.write(request);
            byte[] reply = new byte[2];
            in.readFully(reply);
            return reply[1];
        }
    }

    /** One question as the plugin server received it. */
    record Asked(String method, Message request, String token, String authority) {
    }

    /**
     * GOST's plugin services on a free loopback port: alice/4l1ce logs in, {@code admitting} admits, targets on
     * blocked.gost.test are bypassed, mapped.gost.test maps and resolved.gost.test resolves to 127.0.0.1; each
     * connection's limit is 256 KB/s out.
     */
    static final class PluginServer implements AutoCloseable {

        private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
        private static final Context.Key<String> TOKEN_SEEN = Context.key("token");
        private static final Context.Key<String> AUTHORITY_SEEN = Context.key("authority");

        final Queue<Asked> asked = new ConcurrentLinkedQueue<>();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        private final Server server;

        PluginServer(ServerCredentials credentials, AtomicBoolean admitting) throws IOException {
            ServerInterceptor headers = new ServerInterceptor() {
                @Override
                public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata metadata,
                                                                   ServerCallHandler<Q, A> next) {
                    return Contexts.interceptCall(Context.current().withValue(TOKEN_SEEN, metadata.get(TOKEN))
                            .withValue(AUTHORITY_SEEN, call.getAuthority()), call, metadata, next);
                }
            };
            server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                            credentials)
                    .addService(ServerInterceptors.intercept(new AuthenticatorGrpc.AuthenticatorImplBase() {
                        @Override
                        public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateReply> out) {
                            boolean ok = request.getUsername().equals("alice") && request.getPassword().equals("4l1ce");
                            reply("proto.Authenticator/Authenticate", request,
                                    AuthenticateReply.newBuilder().setOk(ok).setId(ok ? "alice" : "").build(), out);
                        }
                    }, headers))
                    .addService(ServerInterceptors.intercept(new AdmissionGrpc.AdmissionImplBase() {
                        @Override
                        public void admit(AdmissionRequest request, StreamObserver<AdmissionReply> out) {
                            reply("proto.Admission/Admit", request,
                                    AdmissionReply.newBuilder().setOk(admitting.get()).build(), out);
                        }
                    }, headers))
                    .addService(ServerInterceptors.intercept(new BypassGrpc.BypassImplBase() {
                        @Override
                        public void bypass(BypassRequest request, StreamObserver<BypassReply> out) {
                            reply("proto.Bypass/Bypass", request, BypassReply.newBuilder()
                                    .setOk(request.getAddr().startsWith("blocked.gost.test:")).build(), out);
                        }
                    }, headers))
                    .addService(ServerInterceptors.intercept(new HostMapperGrpc.HostMapperImplBase() {
                        @Override
                        public void lookup(LookupRequest request, StreamObserver<LookupReply> out) {
                            boolean ok = request.getHost().equals("mapped.gost.test");
                            reply("proto.HostMapper/Lookup", request, ok
                                    ? LookupReply.newBuilder().addIps("127.0.0.1").setOk(true).build()
                                    : LookupReply.getDefaultInstance(), out);
                        }
                    }, headers))
                    .addService(ServerInterceptors.intercept(new ResolverGrpc.ResolverImplBase() {
                        @Override
                        public void resolve(ResolveRequest request, StreamObserver<ResolveReply> out) {
                            boolean ok = request.getHost().equals("resolved.gost.test");
                            reply("proto.Resolver/Resolve", request, ok
                                    ? ResolveReply.newBuilder().addIps("127.0.0.1").setOk(true).build()
                                    : ResolveReply.getDefaultInstance(), out);
                        }
                    }, headers))
                    .addService(ServerInterceptors.intercept(new LimiterGrpc.LimiterImplBase() {
                        @Override
                        public void limit(LimitRequest request, StreamObserver<LimitReply> out) {
                            // Each connection 256 KB/s out and no limit in; the whole service no limit.
                            reply("proto.Limiter/Limit", request, request.getScope().equals("conn")
                                    ? LimitReply.newBuilder().setOut(256 * 1024).build()
                                    : LimitReply.getDefaultInstance(), out);
                        }
                    }, headers))
                    .addTransportFilter(new ServerTransportFilter() {
                        @Override
                        public Attributes transportReady(Attributes attributes) {
                            open.incrementAndGet();
                            return attributes;
                        }

                        @Override
                        public void transportTerminated(Attributes attributes) {
                            open.decrementAndGet();
                            closed.incrementAndGet();
                        }
                    })
                    .build()
                    .start();
        }

        int port() {
            return server.getPort();
        }

        private <A> void reply(String method, Message request, A answer, StreamObserver<A> out) {
            asked.add(new Asked(method, request, TOKEN_SEEN.get(), AUTHORITY_SEEN.get()));
            out.onNext(answer);
            out.onCompleted();
        }

        @Override
        public void close() throws InterruptedException {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
