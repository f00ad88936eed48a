/**
 * Test code the bundled plugins (tcp, http, socks) share, so that each keeps only what is its own:
 * a loopback peer ({@link io.gost.testsupport.EchoServer}); stand-ins for what the runtime gives a plugin
 * ({@link io.gost.testsupport.TestTransport}, {@link io.gost.testsupport.TestRelay},
 * {@link io.gost.testsupport.DirectRouter}, {@link io.gost.testsupport.TestHandlerContext},
 * {@link io.gost.testsupport.TestPluginContext}); and the checks every plugin jar must pass
 * ({@link io.gost.testsupport.plugin}), which a plugin runs by subclassing them.
 *
 * <p>A test-scoped dependency of the plugins only: nothing at run time reads it, and the distribution does
 * not ship it. Surefire puts it on the class path when a plugin's tests run patched into the plugin's module
 * (the module reads the class path), so this descriptor matters only where the jar is on the module path.
 */
module io.gost.testsupport {
    requires transitive io.gost.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    requires org.assertj.core;

    exports io.gost.testsupport;
    exports io.gost.testsupport.plugin;

    // JUnit reflects on the inherited test methods.
    opens io.gost.testsupport.plugin;

    // The smoke test finds each plugin's factories the way the runtime does.
    uses io.gost.api.ListenerFactory;
    uses io.gost.api.DialerFactory;
    uses io.gost.api.HandlerFactory;
    uses io.gost.api.ConnectorFactory;
}
