package io.gost.plugin.control.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import com.typesafe.config.Config;
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
import io.gost.runtime.config.ControlPlugin;
import io.gost.runtime.config.Origin;
import io.gost.runtime.control.PluginClient;
import io.gost.runtime.control.PluginClient.Kind;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC plugin client against a real grpc-java server with GOST's services: each kind's method and request
 * fields as GOST sends them, the answer in GOST's HTTP field names, the token, TLS, and a plugin that is down,
 * hangs or whose client is closed.
 */
class GrpcPluginClientTest {

    private static TestPluginServer server;
    private final List<PluginClient> clients = new ArrayList<>();

    @BeforeAll
    static void startServer() throws IOException {
        server = TestPluginServer.plaintext();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        server.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(PluginClient::close);
    }

    private PluginClient client(Kind kind, ControlPlugin plugin) {
        PluginClient client = PluginClient.of(kind, kind.name().toLowerCase() + " test", plugin);
        clients.add(client);
        return client;
    }

    private static ControlPlugin plaintext(String addr, String token) {
        return new ControlPlugin("grpc", addr, Duration.ofSeconds(5), token, false, true, null, Origin.UNKNOWN);
    }

    private static Config ask(PluginClient client, String json) throws Exception {
        return client.post(json, "testing").get(10, TimeUnit.SECONDS);
    }

    private static <T extends Message> T last(Class<T> type) {
        List<TestPluginServer.Asked> asked = server.asked();
        return type.cast(asked.get(asked.size() - 1).request());
    }

    @Test
    void theRuntimeFindsTheGrpcTypeThroughItsProviderAndConnectsAtTheFirstQuestion() throws Exception {
        try (TestPluginServer own = TestPluginServer.plaintext()) {
            PluginClient client = client(Kind.BYPASS, plaintext(own.addr(), null));

            assertThat(client).isInstanceOf(GrpcPluginClient.class);
            assertThat(((GrpcPluginClient) client).method()).isEqualTo("proto.Bypass/Bypass");
            assertThat(own.closedConnections() + own.openConnections()).as("not connected before a question").isZero();
            ask(client, "{\"addr\":\"a:1\"}");
            assertThat(own.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void anAutherAsksAuthenticateWithTheLoginAndReadsOkAndId() throws Exception {
        server.answer(AuthenticatorGrpc.getAuthenticateMethod(), request -> AuthenticateReply.newBuilder()
                .setOk(request.getPassword().equals("pass")).setId("id-" + request.getUsername()).build());
        PluginClient client = client(Kind.AUTHER, plaintext(server.addr(), null));

        Config answer = ask(client, "{\"service\":\"proxy\",\"username\":\"user\",\"password\":\"pass\","
                + "\"client\":\"127.0.0.1:40000\"}");
        Config refused = ask(client, "{\"service\":\"proxy\",\"username\":\"user\",\"password\":\"nope\","
                + "\"client\":\"127.0.0.1:40000\"}");

        assertThat(answer.getBoolean("ok")).isTrue();
        assertThat(answer.getString("id")).isEqualTo("id-user");
        assertThat(refused.getBoolean("ok")).isFalse();
        assertThat(last(AuthenticateRequest.class)).isEqualTo(AuthenticateRequest.newBuilder().setService("proxy")
                .setUsername("user").setPassword("nope").setClient("127.0.0.1:40000").build());
        assertThat(server.asked().get(server.asked().size() - 1).method()).isEqualTo("proto.Authenticator/Authenticate");
    }

    @Test
    void anAdmissionAsksAdmitWithTheClientsAddressAndService() throws Exception {
        server.answer(AdmissionGrpc.getAdmitMethod(), request -> AdmissionReply.newBuilder()
                .setOk(request.getAddr().startsWith("127.")).build());
        PluginClient client = client(Kind.ADMISSION, plaintext(server.addr(), null));

        Config answer = ask(client, "{\"service\":\"proxy\",\"network\":\"tcp\",\"addr\":\"127.0.0.1:40000\"}");

        assertThat(answer.getBoolean("ok")).isTrue();
        // GOST's newer plugin protocol adds network; the .proto it publishes has addr and service only.
        assertThat(last(AdmissionRequest.class)).isEqualTo(AdmissionRequest.newBuilder().setService("proxy")
                .setAddr("127.0.0.1:40000").build());
    }

    @Test
    void aBypassAsksBypassWithEveryFieldGostSends() throws Exception {
        server.answer(BypassGrpc.getBypassMethod(), request -> BypassReply.newBuilder()
                .setOk(request.getAddr().startsWith("blocked.")).build());
        PluginClient client = client(Kind.BYPASS, plaintext(server.addr(), null));

        Config answer = ask(client, "{\"service\":\"proxy\",\"network\":\"udp\",\"addr\":\"blocked.example:443\","
                + "\"client\":\"user-1\",\"host\":\"blocked.example\",\"path\":\"/x\"}");

        assertThat(answer.getBoolean("ok")).isTrue();
        assertThat(last(BypassRequest.class)).isEqualTo(BypassRequest.newBuilder().setService("proxy")
                .setNetwork("udp").setAddr("blocked.example:443").setClient("user-1").setHost("blocked.example")
                .setPath("/x").build());
    }

    @Test
    void hostsAndResolversAskLookupAndResolveAndReadIpsAndOk() throws Exception {
        server.answer(HostMapperGrpc.getLookupMethod(), request -> LookupReply.newBuilder()
                .addIps("127.0.0.1").addIps("::1").setOk(true).build());
        server.answer(ResolverGrpc.getResolveMethod(), request -> ResolveReply.newBuilder()
                .addIps("127.0.0.2").setOk(true).build());
        PluginClient hosts = client(Kind.HOSTS, plaintext(server.addr(), null));
        PluginClient resolver = client(Kind.RESOLVER, plaintext(server.addr(), null));

        Config mapped = ask(hosts, "{\"network\":\"tcp\",\"host\":\"mapped.example\",\"client\":\"\"}");
        LookupRequest lookup = last(LookupRequest.class);
        Config resolved = ask(resolver, "{\"network\":\"ip6\",\"host\":\"resolved.example\",\"client\":\"c\"}");

        assertThat(mapped.getStringList("ips")).containsExactly("127.0.0.1", "::1");
        assertThat(mapped.getBoolean("ok")).isTrue();
        assertThat(lookup).isEqualTo(LookupRequest.newBuilder().setNetwork("tcp").setHost("mapped.example").build());
        assertThat(resolved.getStringList("ips")).containsExactly("127.0.0.2");
        assertThat(last(ResolveRequest.class)).isEqualTo(ResolveRequest.newBuilder().setNetwork("ip6")
                .setHost("resolved.example").setClient("c").build());
        assertThat(server.asked().get(server.asked().size() - 1).method()).isEqualTo("proto.Resolver/Resolve");
    }

    @Test
    void aLimiterAsksLimitAndAnswersInAndOut() throws Exception {
        server.answer(LimiterGrpc.getLimitMethod(), request -> LimitReply.newBuilder()
                .setIn(request.getScope().equals("client") ? 1024 : 0).setOut(1L << 40).build());
        PluginClient client = client(Kind.LIMITER, plaintext(server.addr(), null));

        Config answer = ask(client, "{\"service\":\"proxy\",\"scope\":\"client\",\"network\":\"tcp\","
                + "\"addr\":\"example.com:443\",\"client\":\"user-1\",\"src\":\"127.0.0.1:40000\"}");

        assertThat(server.asked().get(server.asked().size() - 1).method()).isEqualTo("proto.Limiter/Limit");
        assertThat(last(LimitRequest.class)).isEqualTo(LimitRequest.newBuilder().setService("proxy")
                .setScope("client").setNetwork("tcp").setAddr("example.com:443").setClient("user-1")
                .setSrc("127.0.0.1:40000").build());
        assertThat(answer.getLong("in")).isEqualTo(1024);
        assertThat(answer.getLong("out")).isEqualTo(1L << 40);
    }

    @Test
    void fieldsThePluginLeavesUnsetAreInTheAnswerWithTheirDefaults() throws Exception {
        server.answer(HostMapperGrpc.getLookupMethod(), request -> LookupReply.getDefaultInstance());
        PluginClient client = client(Kind.HOSTS, plaintext(server.addr(), null));

        Config answer = ask(client, "{\"network\":\"tcp\",\"host\":\"unknown.example\",\"client\":\"\"}");

        assertThat(answer.getBoolean("ok")).isFalse();
        assertThat(answer.getStringList("ips")).isEmpty();
    }

    @Test
    void theTokenTravelsAsTheTokenMetadataOfEveryCall() throws Exception {
        PluginClient withToken = client(Kind.ADMISSION, plaintext(server.addr(), "s3cret"));
        PluginClient without = client(Kind.ADMISSION, plaintext(server.addr(), null));

        ask(withToken, "{\"service\":\"a\",\"addr\":\"127.0.0.1:1\"}");
        TestPluginServer.Asked first = server.asked().get(server.asked().size() - 1);
        ask(without, "{\"service\":\"b\",\"addr\":\"127.0.0.1:1\"}");
        TestPluginServer.Asked second = server.asked().get(server.asked().size() - 1);

        assertThat(first.token()).isEqualTo("s3cret");
        assertThat(second.token()).isNull();
        assertThat(first.authority()).isEqualTo(server.addr());
    }

    @Test
    void aPluginThatIsDownFailsTheQuestionSayingSo() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        PluginClient client = client(Kind.ADMISSION, plaintext("127.0.0.1:" + port, null));

        assertThatThrownBy(() -> ask(client, "{\"service\":\"a\",\"addr\":\"127.0.0.1:1\"}"))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class)
                .hasMessageStartingWith("admission test: cannot reach 127.0.0.1:" + port);
    }

    @Test
    void aPluginThatDoesNotAnswerWithinTheTimeoutFailsTheQuestion() {
        server.answer(ResolverGrpc.getResolveMethod(), request -> null);
        PluginClient client = client(Kind.RESOLVER, new ControlPlugin("grpc", server.addr(), Duration.ofMillis(300),
                null, false, true, null, Origin.UNKNOWN));

        long started = System.nanoTime();
        assertThatThrownBy(() -> ask(client, "{\"network\":\"ip\",\"host\":\"slow.example\",\"client\":\"\"}"))
                .cause().hasMessage("resolver test: " + server.addr() + " did not answer proto.Resolver/Resolve"
                        + " within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void closingLetsTheConnectionGoAndLaterQuestionsFail() throws Exception {
        try (TestPluginServer own = TestPluginServer.plaintext()) {
            GrpcPluginClient client = (GrpcPluginClient) client(Kind.BYPASS, plaintext(own.addr(), null));
            ask(client, "{\"addr\":\"a:1\"}");
            assertThat(own.openConnections()).isEqualTo(1);

            client.close();

            assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> own.openConnections() == 0);
            assertThatThrownBy(() -> ask(client, "{\"addr\":\"a:1\"}")).cause()
                    .hasMessageContaining("the plugin client is closed");
        }
    }

    @Test
    void tlsWithSecureFalseAcceptsASelfSignedServerAndSendsTheServerName(@TempDir Path dir) throws Exception {
        File certificate = dir.resolve("plugin.pem").toFile();
        File key = dir.resolve("plugin.key").toFile();
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.getPath(), "-out", certificate.getPath(), "-days",
                "2", "-subj", "/CN=plugin.gost.test").redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0)
                .as(Files.exists(dir.resolve("openssl.log")) ? Files.readString(dir.resolve("openssl.log")) : "")
                .isTrue();
        try (TestPluginServer tls = TestPluginServer.tls(certificate, key)) {
            tls.answer(AuthenticatorGrpc.getAuthenticateMethod(), request -> AuthenticateReply.newBuilder()
                    .setOk(true).build());
            PluginClient insecure = client(Kind.AUTHER, new ControlPlugin("grpc", tls.addr(), Duration.ofSeconds(5),
                    "t", true, false, "example.com", Origin.UNKNOWN));
            PluginClient verifying = client(Kind.AUTHER, new ControlPlugin("grpc", tls.addr(), Duration.ofSeconds(5),
                    null, true, true, null, Origin.UNKNOWN));
            PluginClient plaintext = client(Kind.AUTHER, plaintext(tls.addr(), null));

            Config answer = ask(insecure, "{\"username\":\"u\",\"password\":\"p\"}");

            assertThat(answer.getBoolean("ok")).isTrue();
            assertThat(tls.asked()).singleElement().satisfies(asked -> {
                assertThat(asked.authority()).as("tls.serverName is the :authority too").isEqualTo("example.com");
                assertThat(asked.token()).isEqualTo("t");
            });
            assertThatThrownBy(() -> ask(verifying, "{\"username\":\"u\",\"password\":\"p\"}"))
                    .as("tls.secure: true verifies the certificate, which nobody signed").cause()
                    .hasMessageStartingWith("auther test: cannot reach " + tls.addr());
            assertThatThrownBy(() -> ask(plaintext, "{\"username\":\"u\",\"password\":\"p\"}"))
                    .as("no tls block: plaintext, which a TLS server does not speak").cause()
                    .isInstanceOf(IOException.class);
            assertThat(tls.asked()).hasSize(1);
        }
    }

    @Test
    void anAddrThatIsNotHostAndPortIsRefusedWhenTheClientIsMade() {
        for (String addr : List.of("127.0.0.1", "http://127.0.0.1:8000/x", "::1:8000", "host:0", "host:65536", ":80")) {
            assertThatThrownBy(() -> PluginClient.of(Kind.HOSTS, "hosts test", plaintext(addr, null)))
                    .as(addr).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not host:port");
        }
        PluginClient.of(Kind.HOSTS, "hosts test", plaintext("[::1]:8000", null)).close();
    }
}
