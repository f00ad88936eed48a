/**
 * Test support for gost-java plugins, published so that a third-party plugin tests the way the bundled
 * ones do:
 * <ul>
 *   <li>{@link io.gost.testkit}: {@link io.gost.testkit.TestHandlerContext}, the one {@code HandlerContext}
 *       double (with {@link io.gost.testkit.PendingRouter} for dials the test completes, or
 *       {@link io.gost.testkit.DirectRouter} and {@link io.gost.testkit.TestRelay} over real sockets),
 *       {@link io.gost.testkit.TestTransport}, {@link io.gost.testkit.TestPluginContext}, a loopback
 *       {@link io.gost.testkit.EchoServer}, {@link io.gost.testkit.Bytes} for {@code EmbeddedChannel}
 *       tests, and {@link io.gost.testkit.NettyLeaks}, which turns Netty's leak reports into failures;</li>
 *   <li>{@link io.gost.testkit.netns}: the recording {@code NetnsProvider} (named {@code recording}), which
 *       runs socket-creating work as the Linux provider does and records where each socket would be made,
 *       for tests without root; and {@link io.gost.testkit.netns.NetnsTopology}, which builds and removes
 *       real namespaces for tests with root;</li>
 *   <li>{@link io.gost.testkit.plugin}: the checks every plugin jar must pass, which a plugin's tests call.</li>
 * </ul>
 *
 * <p>It needs nothing but gost-api (and so Netty), whatever test framework the plugin uses: checks fail
 * with {@link AssertionError}. The jar also loads into gost itself, e.g. from its {@code plugins/} directory
 * to try a configuration with {@code netns.provider: recording} without root.
 */
module io.gost.testkit {
    requires transitive io.gost.api;

    exports io.gost.testkit;
    exports io.gost.testkit.netns;
    exports io.gost.testkit.plugin;

    // PluginChecks finds each plugin's factories the way the runtime does.
    uses io.gost.api.ListenerFactory;
    uses io.gost.api.DialerFactory;
    uses io.gost.api.HandlerFactory;
    uses io.gost.api.ConnectorFactory;

    provides io.gost.api.NetnsProvider with io.gost.testkit.netns.RecordingNetnsProvider;
}
