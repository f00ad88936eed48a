package io.gost.runtime.operations;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.runtime.GostRuntime;
import io.gost.runtime.config.ConfigLoader;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.reload.ConfigSource;
import io.gost.runtime.reload.Reloader;
import io.gost.runtime.transport.NettyTransport;
import io.gost.testkit.netns.RecordingNetnsProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Web API with curl as its client: GOST's routes and JSON shapes, changes applied like a reload (a bad
 * body changes nothing), HTTP Basic authentication, the refusal of web pages, and the health endpoint.
 */
class ApiTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.load();
    private static final String USER = "admin:s3cret";

    private static Greeter red;
    private static Greeter blue;

    @TempDir
    Path directory;

    private NettyTransport transport;
    private GostRuntime runtime;
    private Reloader reloader;
    private Operations operations;
    private Path configFile;
    private String api;
    private int servicePort;

    @BeforeAll
    static void targets() throws IOException {
        red = new Greeter("red");
        blue = new Greeter("blue");
    }

    @AfterAll
    static void closeTargets() throws IOException {
        red.close();
        blue.close();
    }

    @BeforeEach
    void start() throws IOException {
        servicePort = freePort();
        configFile = directory.resolve("gost.yaml");
        Files.writeString(configFile, "services:\n" + forward("web", servicePort, red)
                + "api:\n  addr: 127.0.0.1:0\n  pathPrefix: /api\n  auth: {username: admin, password: s3cret}\n");
        transport = NettyTransport.create(2);
        ConfigSource source = ConfigSource.file(configFile, () -> ConfigLoader.load(configFile));
        runtime = GostRuntime.create(source.load(), REGISTRY, new RecordingNetnsProvider(), transport);
        runtime.start();
        reloader = new Reloader(runtime, REGISTRY, source);
        operations = new Operations(reloader, transport, configFile);
        reloader.onApplied(operations::apply);
        operations.apply(runtime.plan());
        InetSocketAddress address = (InetSocketAddress) operations.apiAddress().orElseThrow();
        api = "http://127.0.0.1:" + address.getPort() + "/api";
    }

    @AfterEach
    void stop() {
        operations.close();
        reloader.close();
        runtime.close();
        transport.close();
    }

    @Test
    void getConfigShowsTheServicesWithGostsStats() throws Exception {
        assertThat(greeting(servicePort)).isEqualTo("red");

        Curl.Result reply = curl("-u", USER, api + "/config");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("\"name\": \"web\"").contains("\"addr\": \"127.0.0.1:" + servicePort + "\"")
                .contains("\"state\": \"running\"").contains("\"totalConns\": 1").contains("\"currentConns\": 0")
                .contains("\"totalErrs\": 0").containsPattern("\"outputBytes\": [1-9]");
        assertThat(curl("-u", USER, api + "/config?format=yaml").body()).contains("- name: web");
    }

    @Test
    void aPostedServiceServesWhenItsReplyArrives() throws Exception {
        int port = freePort();

        Curl.Result reply = curl("-u", USER, "-X", "POST", "-H", "Content-Type: application/json", "--data",
                "{\"name\":\"new\",\"addr\":\"127.0.0.1:" + port + "\",\"handler\":{\"type\":\"tcp\"},"
                        + "\"forwarder\":{\"nodes\":[{\"name\":\"t\",\"addr\":\"127.0.0.1:" + blue.port() + "\"}]}}",
                api + "/config/services");

        assertThat(reply.body()).isEqualTo("{\"msg\":\"OK\"}\n");
        assertThat(greeting(port)).isEqualTo("blue");
        assertThat(curl("-u", USER, api + "/config/services").body()).contains("\"count\": 2");
    }

    @Test
    void aBadBodyIsRefusedNamingWhereAndChangesNothing() throws Exception {
        int port = freePort();

        Curl.Result reply = curl("-u", USER, "-X", "POST", "--data", "{\n  \"name\": \"bad\",\n  \"addr\": \"127.0.0.1:"
                + port + "\",\n  \"handler\": {\"type\": \"tcpp\"}\n}", api + "/config/services");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).startsWith("{\"code\":40001,\"msg\":\"POST /api/config/services:4: services[1].handler.type:"
                + " unknown handler type 'tcpp'");
        assertThatThrownBy(() -> greeting(port)).isInstanceOf(ConnectException.class);
        assertThat(runtime.services()).hasSize(1);
        assertThat(greeting(servicePort)).isEqualTo("red");
    }

    @Test
    void aServiceThatCannotBindIsACreateFailureAndChangesNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Curl.Result reply = curl("-u", USER, "-X", "POST", "--data", "{\"name\":\"late\",\"addr\":\"127.0.0.1:"
                    + taken.getLocalPort() + "\",\"handler\":{\"type\":\"tcp\"},\"forwarder\":{\"nodes\":[{\"name\":\"t\","
                    + "\"addr\":\"127.0.0.1:1\"}]}}", api + "/config/services");

            assertThat(reply.status()).isEqualTo(500);
            assertThat(reply.body()).startsWith("{\"code\":40003,").contains("address already in use");
            assertThat(curl("-u", USER, api + "/config/services").body()).contains("\"count\": 1");
        }
    }

    @Test
    void aDuplicateNameAndAnUnknownNameAreGostsErrors() throws Exception {
        assertThat(curl("-u", USER, "-X", "POST", "--data", "{\"name\":\"web\",\"addr\":\":1\"}", api + "/config/services")
                .body()).startsWith("{\"code\":40002,");
        assertThat(curl("-u", USER, "-X", "DELETE", api + "/config/services/nope").body()).startsWith("{\"code\":40004,");
        assertThat(curl("-u", USER, api + "/config/services/nope").body()).isEqualTo("{}\n");
    }

    @Test
    void putReplacesAServiceWhoseOpenTunnelsGoOn() throws Exception {
        try (Socket open = connect(servicePort)) {
            assertThat(line(open)).isEqualTo("red");

            Curl.Result reply = curl("-u", USER, "-X", "PUT", "--data", "{\"addr\":\"127.0.0.1:" + servicePort + "\","
                    + "\"handler\":{\"type\":\"tcp\"},\"forwarder\":{\"nodes\":[{\"name\":\"t\",\"addr\":\"127.0.0.1:"
                    + blue.port() + "\"}]}}", api + "/config/services/web");

            assertThat(reply.body()).isEqualTo("{\"msg\":\"OK\"}\n");
            assertThat(greeting(servicePort)).isEqualTo("blue");
            OutputStream out = open.getOutputStream();
            out.write("still\n".getBytes(US_ASCII));
            assertThat(line(open)).isEqualTo("still");
        }
    }

    @Test
    void deleteStopsTheService() throws Exception {
        assertThat(curl("-u", USER, "-X", "DELETE", api + "/config/services/web").body()).isEqualTo("{\"msg\":\"OK\"}\n");

        assertThatThrownBy(() -> greeting(servicePort)).isInstanceOf(ConnectException.class);
    }

    @Test
    void chainsAndHopsAreObjectsToo() throws Exception {
        assertThat(curl("-u", USER, "-X", "POST", "--data", "{\"name\":\"h1\",\"nodes\":[{\"name\":\"n1\","
                + "\"addr\":\"127.0.0.1:3128\"}]}", api + "/config/hops").body()).isEqualTo("{\"msg\":\"OK\"}\n");
        assertThat(curl("-u", USER, "-X", "POST", "--data", "{\"name\":\"c1\",\"hops\":[{\"name\":\"h1\"}]}",
                api + "/config/chains").body()).isEqualTo("{\"msg\":\"OK\"}\n");

        assertThat(curl("-u", USER, api + "/config/hops/h1").body()).contains("\"addr\": \"127.0.0.1:3128\"");
        assertThat(curl("-u", USER, api + "/config/chains").body()).contains("\"count\": 1")
                .contains("\"hops\": [\n");
        assertThat(runtime.config().chains()).hasSize(1);
    }

    @Test
    void aKindGostHasAndGostJavaDoesNotIsSaidSo() throws Exception {
        Curl.Result reply = curl("-u", USER, api + "/config/routers");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).contains("'routers' is GOST's, but gost-java does not support it yet");
    }

    @Test
    void withoutTheRightCredentialsTheAnswerIs401() throws Exception {
        Curl.Result none = curl("-i", api + "/config");
        Curl.Result wrong = curl("-u", "admin:guess", api + "/config");

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body()).contains("WWW-Authenticate: Basic realm=\"gost\"").endsWith("{\"code\":401,\"msg\":\"Unauthorized\"}\n");
        assertThat(wrong.status()).isEqualTo(401);
    }

    @Test
    void requestsFromWebPagesAreRefused() throws Exception {
        Curl.Result reply = curl("-u", USER, "-X", "POST", "-H", "Origin: http://evil.example", "--data", "{}",
                api + "/config/reload");

        assertThat(reply.status()).isEqualTo(403);
    }

    @Test
    void theHealthEndpointNeedsNoCredentialsAndSays503WhenStopping() throws Exception {
        String health = api.replace("/api", "/health");
        assertThat(curl(health).status()).isEqualTo(200);

        operations.stopping();

        assertThat(curl(health).status()).isEqualTo(503);
    }

    @Test
    void reloadReadsTheFileAgain() throws Exception {
        Files.writeString(configFile, Files.readString(configFile).replace(Integer.toString(red.port()),
                Integer.toString(blue.port())));

        assertThat(curl("-u", USER, "-X", "POST", api + "/config/reload").body()).isEqualTo("{\"msg\":\"OK\"}\n");

        assertThat(greeting(servicePort)).isEqualTo("blue");
    }

    @Test
    void saveWritesTheRunningConfigurationToItsFileOnly() throws Exception {
        curl("-u", USER, "-X", "DELETE", api + "/config/services/web");

        assertThat(curl("-u", USER, "-X", "POST", api + "/config?path=/etc/passwd").status()).isEqualTo(400);
        assertThat(curl("-u", USER, "-X", "POST", api + "/config").body()).isEqualTo("{\"msg\":\"OK\"}\n");

        assertThat(Files.readString(configFile)).doesNotContain("name: web").contains("pathPrefix: /api");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private Curl.Result curl(String... args) throws IOException, InterruptedException {
        return Curl.run(args);
    }

    @Test
    void quotasAreCreatedShownReplacedAndResetAsGostsApiDoes() throws Exception {
        Path store = directory.resolve("quota.json");
        assertThat(curl("-u", USER, "-X", "POST", "--data", "{\"name\":\"q\",\"limit\":\"100B\",\"store\":"
                + "{\"file\":\"" + store + "\"}}", api + "/config/quotas").body()).isEqualTo("{\"msg\":\"OK\"}\n");
        assertThat(curl("-u", USER, "-X", "PUT", "--data", "{\"name\":\"web\",\"addr\":\"127.0.0.1:" + servicePort
                + "\",\"quotas\":[\"q\"],\"handler\":{\"type\":\"tcp\"},\"forwarder\":{\"nodes\":[{\"name\":\"t\","
                + "\"addr\":\"127.0.0.1:" + red.port() + "\"}]}}", api + "/config/services/web").body())
                .isEqualTo("{\"msg\":\"OK\"}\n");

        try (Socket socket = connect(servicePort)) {
            assertThat(line(socket)).isEqualTo("red");
            socket.getOutputStream().write(new byte[200]);
            // 4 bytes out and 200 in: the quota is used up, and the echo's write ends the connection.
            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
        }

        String quota = curl("-u", USER, api + "/config/quotas/q").body();
        assertThat(quota).contains("\"limit\": \"100B\"", "\"blocked\": true");
        // The 200 bytes normally arrive in one read; if in two, the second is refused uncounted.
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("\"used\": (\\d+)").matcher(quota);
        assertThat(used.find()).isTrue();
        assertThat(Long.parseLong(used.group(1))).isBetween(104L, 204L);
        assertThat(curl("-u", USER, api + "/config/services/web").body()).contains("\"stoppedByLimit\": true",
                "\"quotas\": [", "\"name\": \"q\"");

        // The service without the quota: the listener it takes over accepts again.
        assertThat(curl("-u", USER, "-X", "PUT", "--data", "{\"name\":\"web\",\"addr\":\"127.0.0.1:" + servicePort
                + "\",\"handler\":{\"type\":\"tcp\"},\"forwarder\":{\"nodes\":[{\"name\":\"t\","
                + "\"addr\":\"127.0.0.1:" + red.port() + "\"}]}}", api + "/config/services/web").body())
                .isEqualTo("{\"msg\":\"OK\"}\n");
        assertThat(greeting(servicePort)).isEqualTo("red");

        // A new limit keeps the counter (same window, same store) and lifts the stop.
        assertThat(curl("-u", USER, "-X", "PUT", "--data", "{\"name\":\"q\",\"limit\":\"1MB\",\"store\":"
                + "{\"file\":\"" + store + "\"}}", api + "/config/quotas/q").body()).isEqualTo("{\"msg\":\"OK\"}\n");
        assertThat(curl("-u", USER, api + "/config/quotas/q").body()).contains("\"used\": " + used.group(1) + ",",
                "\"blocked\": false");
        assertThat(greeting(servicePort)).isEqualTo("red");

        Curl.Result unknown = curl("-u", USER, "-X", "POST", api + "/config/quotas/nope/reset");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("\"code\":40004").contains("quota nope not found");
        assertThat(curl("-u", USER, "-X", "POST", "--data", "{\"used\": 5}", api + "/config/quotas/q/reset").body())
                .isEqualTo("{\"msg\":\"OK\"}\n");
        assertThat(curl("-u", USER, api + "/config/quotas/q").body()).contains("\"used\": 5,");
        assertThat(Files.readString(store)).contains("\"q\": {\"used\":5,\"limit\":1048576,");
    }

    private static String forward(String name, int port, Greeter target) {
        return "  - name: " + name + "\n"
                + "    addr: 127.0.0.1:" + port + "\n"
                + "    handler: {type: tcp}\n"
                + "    forwarder: {nodes: [{name: t, addr: 127.0.0.1:" + target.port() + "}]}\n";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    static String greeting(int port) throws IOException {
        try (Socket socket = connect(port)) {
            return line(socket);
        }
    }

    static String line(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("closed after '" + line + "'");
            }
            line.append((char) c);
        }
        return line.toString();
    }

    /** curl, the client operators use: the status and the body (headers too with -i). */
    static final class Curl {
        record Result(int status, String body) {
        }

        static Result run(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}"));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("curl did not finish: " + command);
            }
            int end = output.lastIndexOf('\n');
            return new Result(Integer.parseInt(output.substring(end + 1).trim()), output.substring(0, end)
                    .replace("\r\n", "\n"));
        }
    }

    /** Greets each connection with its name and a newline, then echoes. */
    static final class Greeter implements AutoCloseable {
        private final ServerSocket server;
        private final ExecutorService threads = Executors.newCachedThreadPool();

        Greeter(String name) throws IOException {
            server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
            threads.execute(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        threads.execute(() -> {
                            try (socket) {
                                OutputStream out = socket.getOutputStream();
                                out.write((name + "\n").getBytes(US_ASCII));
                                out.flush();
                                socket.getInputStream().transferTo(out);
                            } catch (IOException e) {
                                // the client went away
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }
}
