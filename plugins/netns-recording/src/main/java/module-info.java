/**
 * NetnsProvider {@code recording}, for tests without root, and the test kit that builds real namespaces
 * for tests with root.
 *
 * <p>Unlike other plugins it exports packages, because tests use them directly: the provider's records
 * ({@code io.gost.plugin.netns.recording}) and the namespace topology helper ({@code io.gost.testkit.netns}).
 */
module io.gost.plugin.netns.recording {
    requires transitive io.gost.api;

    exports io.gost.plugin.netns.recording;
    exports io.gost.testkit.netns;

    provides io.gost.api.NetnsProvider with io.gost.plugin.netns.recording.RecordingNetnsProvider;
}
