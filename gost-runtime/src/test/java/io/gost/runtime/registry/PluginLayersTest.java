package io.gost.runtime.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.GostApi;
import io.gost.api.HandlerFactory;
import io.gost.api.PluginFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLayersTest {

    @TempDir
    Path temp;

    private final AtomicInteger builds = new AtomicInteger();

    private Path plugins() throws IOException {
        return Files.createDirectories(temp.resolve("plugins"));
    }

    private PluginJarBuilder jar() throws IOException {
        return new PluginJarBuilder(Files.createDirectories(temp.resolve("build-" + builds.incrementAndGet())));
    }

    /** A modular plugin jar: module {@code moduleName}, one handler factory of {@code type}. */
    private Path modularPlugin(Path jar, String moduleName, String type) throws IOException {
        String factory = moduleName + ".Handlers";
        return jar().source("module-info.java", "module " + moduleName + " {\n"
                        + "    requires io.gost.api;\n"
                        + "    provides io.gost.api.HandlerFactory with " + factory + ";\n}\n")
                .handlerFactory(factory, type)
                .writeTo(jar);
    }

    private static List<String> handlerTypes(ModuleLayer layer) {
        return ServiceLoader.load(layer, HandlerFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .map(PluginFactory::type)
                .toList();
    }

    private static String moduleOfType(ModuleLayer layer, String type) {
        return ServiceLoader.load(layer, HandlerFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(factory -> factory.type().equals(type))
                .map(factory -> factory.getClass().getModule().getName())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void modularPluginJarLoadsIntoALayerWhereServiceLoaderFindsItsFactory() throws IOException {
        Path plugins = plugins();
        modularPlugin(plugins.resolve("alpha.jar"), "test.alpha", "layer-alpha");

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).isEmpty();
        assertThat(result.layer()).isNotSameAs(ModuleLayer.boot());
        assertThat(result.layer().parents()).containsExactly(ModuleLayer.boot());
        assertThat(result.layer().findModule("test.alpha")).get()
                .satisfies(module -> assertThat(module.getDescriptor().isAutomatic()).isFalse());
        assertThat(handlerTypes(result.layer())).contains("layer-alpha");
        assertThat(result.spiVersionByModule()).containsExactly(Map.entry("test.alpha", "1"));
    }

    @Test
    void registryOverThePluginLayerAlsoSeesWhatTheParentLayerProvides() throws IOException {
        Path lib = Files.createDirectories(temp.resolve("lib"));
        modularPlugin(lib.resolve("bundled.jar"), "test.bundled", "layer-bundled");
        ModuleLayer gostLayer = PluginLayers.load(List.of(lib), ModuleLayer.boot()).layer();
        Path plugins = plugins();
        modularPlugin(plugins.resolve("alpha.jar"), "test.alpha", "layer-alpha");

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), gostLayer);
        PluginRegistry registry = PluginRegistry.load(result.layer(), ClassLoader.getSystemClassLoader());

        assertThat(result.layer().parents()).containsExactly(gostLayer);
        assertThat(registry.require(PluginKind.HANDLER, "layer-alpha").source()).isEqualTo("test.alpha (alpha.jar)");
        assertThat(registry.require(PluginKind.HANDLER, "layer-bundled").source())
                .isEqualTo("test.bundled (bundled.jar)");
    }

    @Test
    void plainJarWithServicesFileLoadsAsAnAutomaticModuleNamedAfterTheFile() throws IOException {
        Path plugins = plugins();
        jar().handlerFactory("beta.BetaHandlers", "layer-beta").writeTo(plugins.resolve("beta-plugin-1.2.jar"));

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).isEmpty();
        assertThat(result.layer().findModule("beta.plugin")).get()
                .extracting(Module::getDescriptor)
                .satisfies(descriptor -> assertThat(descriptor.isAutomatic()).isTrue());
        assertThat(handlerTypes(result.layer())).contains("layer-beta");
        assertThat(moduleOfType(result.layer(), "layer-beta")).isEqualTo("beta.plugin");
    }

    @Test
    void plainJarTakesItsModuleNameFromAutomaticModuleName() throws IOException {
        Path plugins = plugins();
        jar().handlerFactory("beta.BetaHandlers", "layer-beta").automaticModuleName("com.example.beta")
                .writeTo(plugins.resolve("beta-plugin-1.2.jar"));

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(moduleOfType(result.layer(), "layer-beta")).isEqualTo("com.example.beta");
    }

    @Test
    void jarWithoutSpiVersionLoadsAndIsRecordedAsUnknown() throws IOException {
        Path plugins = plugins();
        modularPlugin(plugins.resolve("alpha.jar"), "test.alpha", "layer-alpha");
        jar().handlerFactory("beta.BetaHandlers", "layer-beta").spiVersion(null).writeTo(plugins.resolve("beta.jar"));

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).isEmpty();
        assertThat(handlerTypes(result.layer())).contains("layer-alpha", "layer-beta");
        assertThat(result.spiVersionByModule())
                .containsExactly(Map.entry("beta", PluginLayers.UNKNOWN_SPI_VERSION), Map.entry("test.alpha", "1"));
    }

    @Test
    void jarBuiltForAnotherSpiVersionIsRejectedNamingItAndTheOthersStillLoad() throws IOException {
        Path plugins = plugins();
        modularPlugin(plugins.resolve("alpha.jar"), "test.alpha", "layer-alpha");
        jar().handlerFactory("old.OldHandlers", "layer-old").spiVersion("2").writeTo(plugins.resolve("foo.jar"));

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(GostApi.SPI_VERSION).as("the message below is written for SPI version 1").isEqualTo(1);
        assertThat(result.problems()).containsExactly(
                "plugins/foo.jar was built for SPI version 2, this gost has SPI version 1; rebuild it against gost-api 1");
        assertThat(handlerTypes(result.layer())).contains("layer-alpha").doesNotContain("layer-old");
        assertThat(result.spiVersionByModule()).containsOnlyKeys("test.alpha");
    }

    @Test
    void jarRequiringAMissingModuleIsRejectedNamingBothAndTheOthersStillLoad() throws IOException {
        Path plugins = plugins();
        Path elsewhere = temp.resolve("not-installed/zw.jar");
        jar().source("module-info.java", "module z.w { exports z.w; }\n")
                .source("z/w/Helper.java", "package z.w; public final class Helper { }\n")
                .writeTo(elsewhere);
        jar().source("module-info.java", "module x.y {\n    requires io.gost.api;\n    requires z.w;\n"
                        + "    provides io.gost.api.HandlerFactory with x.y.Handlers;\n}\n")
                .handlerFactory("x.y.Handlers", "layer-xy")
                .compileAgainst(elsewhere)
                .writeTo(plugins.resolve("foo.jar"));
        modularPlugin(plugins.resolve("alpha.jar"), "test.alpha", "layer-alpha");

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).containsExactly(
                "plugins/foo.jar (module x.y) requires module z.w, which is not in lib/ or plugins/");
        assertThat(handlerTypes(result.layer())).contains("layer-alpha").doesNotContain("layer-xy");
    }

    @Test
    void jarRequiringAJdkModuleGostDidNotLoadIsToldHowToAddIt() throws IOException {
        Path plugins = plugins();
        // Incubator modules are never resolved unless asked for, so the test JVM's boot layer lacks it.
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isEmpty();
        jar().source("module-info.java", "module x.y {\n    requires io.gost.api;\n    requires jdk.incubator.vector;\n"
                        + "    provides io.gost.api.HandlerFactory with x.y.Handlers;\n}\n")
                .handlerFactory("x.y.Handlers", "layer-xy")
                .writeTo(plugins.resolve("foo.jar"));

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).containsExactly("plugins/foo.jar (module x.y) requires module"
                + " jdk.incubator.vector, which this Java runtime has but gost did not load; add it with"
                + " JAVA_OPTS=\"--add-modules jdk.incubator.vector\"");
    }

    @Test
    void jarRequiringARejectedJarIsRejectedTooPointingAtThatJar() throws IOException {
        Path plugins = plugins();
        Path library = jar().source("module-info.java", "module z.w { exports z.w; }\n")
                .source("z/w/Helper.java", "package z.w; public final class Helper { }\n")
                .spiVersion("2")
                .writeTo(plugins.resolve("zw.jar"));
        jar().source("module-info.java", "module x.y {\n    requires io.gost.api;\n    requires z.w;\n"
                        + "    provides io.gost.api.HandlerFactory with x.y.Handlers;\n}\n")
                .handlerFactory("x.y.Handlers", "layer-xy")
                .compileAgainst(library)
                .writeTo(plugins.resolve("foo.jar"));

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).containsExactly(
                "plugins/zw.jar was built for SPI version 2, this gost has SPI version 1; rebuild it against gost-api 1",
                "plugins/foo.jar (module x.y) requires module z.w, which plugins/zw.jar has, but that jar was not"
                        + " loaded (see its own message)");
        assertThat(result.layer()).isSameAs(ModuleLayer.boot());
    }

    @Test
    void jarRequiringAnotherPluginJarLoadsWithIt() throws IOException {
        Path plugins = plugins();
        Path library = jar().source("module-info.java", "module z.w { exports z.w; }\n")
                .source("z/w/Helper.java", "package z.w; public final class Helper { }\n")
                .writeTo(plugins.resolve("zw.jar"));
        jar().source("module-info.java", "module a.user {\n    requires io.gost.api;\n    requires z.w;\n"
                        + "    provides io.gost.api.HandlerFactory with a.user.Handlers;\n}\n")
                .handlerFactory("a.user.Handlers", "layer-user")
                .compileAgainst(library)
                .writeTo(plugins.resolve("a-user.jar"));

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).isEmpty();
        assertThat(result.spiVersionByModule()).containsOnlyKeys("a.user", "z.w");
        assertThat(handlerTypes(result.layer())).contains("layer-user");
    }

    @Test
    void secondJarWithTheSameModuleNameIsRejectedNamingBoth() throws IOException {
        Path plugins = plugins();
        Path extra = Files.createDirectories(temp.resolve("extra"));
        modularPlugin(plugins.resolve("alpha-1.0.jar"), "test.alpha", "layer-alpha");
        modularPlugin(extra.resolve("alpha-2.0.jar"), "test.alpha", "layer-alpha");

        PluginLayers.Result result = PluginLayers.load(List.of(plugins, extra), ModuleLayer.boot());

        assertThat(result.problems()).containsExactly("extra/alpha-2.0.jar (module test.alpha) has the same module"
                + " name as plugins/alpha-1.0.jar; keep only one of the two");
        assertThat(result.layer().findModule("test.alpha").flatMap(module -> module.getLayer().configuration()
                .findModule("test.alpha")).flatMap(resolved -> resolved.reference().location()))
                .get().asString().endsWith("plugins/alpha-1.0.jar");
    }

    @Test
    void twoJarsProvidingTheSameTypeMakeTheRegistryFailNamingBothJars() throws IOException {
        Path plugins = plugins();
        modularPlugin(plugins.resolve("one.jar"), "conflict.one", "layer-same");
        jar().handlerFactory("conflict.two.Handlers", "layer-same").writeTo(plugins.resolve("two.jar"));

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).isEmpty();
        String first = "conflict.one (one.jar)";
        String second = "two (two.jar)";
        assertThatThrownBy(() -> PluginRegistry.load(result.layer(), ClassLoader.getSystemClassLoader()))
                .isInstanceOf(PluginRegistry.PluginConflictException.class)
                .satisfies(failure -> assertThat(failure.getMessage()).isIn(
                        "handler type 'layer-same' is provided twice: by " + first + " and by " + second
                                + "; remove one of the two plugins",
                        "handler type 'layer-same' is provided twice: by " + second + " and by " + first
                                + "; remove one of the two plugins"));
    }

    @Test
    void jarThatCannotLiveWithAnAcceptedOneIsRejectedAndTheOthersStillLoad() throws IOException {
        Path plugins = plugins();
        // Two modules with the same package cannot share the layer's one class loader.
        jar().source("module-info.java", "module first.owner { }\n")
                .source("shared/pkg/First.java", "package shared.pkg; public final class First { }\n")
                .writeTo(plugins.resolve("a.jar"));
        jar().source("module-info.java", "module second.owner { }\n")
                .source("shared/pkg/Second.java", "package shared.pkg; public final class Second { }\n")
                .writeTo(plugins.resolve("b.jar"));
        modularPlugin(plugins.resolve("c.jar"), "test.alpha", "layer-alpha");

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).containsExactly("plugins/b.jar (module second.owner) cannot be loaded"
                + " together with the other plugins: it holds package shared.pkg, which plugins/a.jar (module"
                + " first.owner) holds too; two plugin jars cannot share a package");
        assertThat(result.spiVersionByModule()).containsOnlyKeys("first.owner", "test.alpha");
        assertThat(handlerTypes(result.layer())).contains("layer-alpha");
    }

    @Test
    void aTypeOnlyARejectedJarProvidesIsUnknownNamingThatJarWhileTheOthersWork() throws IOException {
        Path plugins = plugins();
        modularPlugin(plugins.resolve("alpha.jar"), "test.alpha", "layer-alpha");
        jar().handlerFactory("old.OldHandlers", "layer-old").spiVersion("2").writeTo(plugins.resolve("foo.jar"));

        PluginRegistry registry = PluginRegistry.load(PluginLayers.load(List.of(plugins), ModuleLayer.boot()),
                ClassLoader.getSystemClassLoader());

        assertThat(registry.require(PluginKind.HANDLER, "layer-alpha").source()).isEqualTo("test.alpha (alpha.jar)");
        assertThat(registry.problems()).containsExactly(
                "plugins/foo.jar was built for SPI version 2, this gost has SPI version 1; rebuild it against gost-api 1");
        assertThatThrownBy(() -> registry.require(PluginKind.HANDLER, "layer-old"))
                .isInstanceOf(PluginRegistry.UnknownPluginException.class)
                .hasMessageStartingWith("unknown handler type 'layer-old'; known handler types: ")
                .hasMessageEndingWith("; a plugin with handler types could not be loaded and may be the one that has"
                        + " it: plugins/foo.jar was built for SPI version 2, this gost has SPI version 1; rebuild it"
                        + " against gost-api 1");
        // The jar provides handlers only: an unknown connector is not blamed on it.
        assertThat(registry.knownTypesMessage(PluginKind.CONNECTOR, "layer-old")).doesNotContain("foo.jar");
    }

    @Test
    void aJarThatCannotBeReadIsNamedForAnUnknownTypeOfAnyKind() throws IOException {
        Path plugins = plugins();
        Files.writeString(plugins.resolve("broken.jar"), "not a zip file");
        modularPlugin(plugins.resolve("alpha.jar"), "test.alpha", "layer-alpha");

        PluginRegistry registry = PluginRegistry.load(PluginLayers.load(List.of(plugins), ModuleLayer.boot()),
                ClassLoader.getSystemClassLoader());

        assertThat(registry.has(PluginKind.HANDLER, "layer-alpha")).isTrue();
        for (PluginKind kind : PluginKind.values()) {
            assertThat(registry.knownTypesMessage(kind, "layer-missing"))
                    .contains("could not be loaded and may be the one that has it: plugins/broken.jar cannot be read");
        }
    }

    @Test
    void fileThatIsNotAJarIsRejectedNamingIt() throws IOException {
        Path plugins = plugins();
        Files.writeString(plugins.resolve("broken.jar"), "not a zip file");
        modularPlugin(plugins.resolve("alpha.jar"), "test.alpha", "layer-alpha");

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).singleElement().asString()
                .startsWith("plugins/broken.jar cannot be read as a jar (")
                .endsWith("); replace it or remove it from " + plugins);
        assertThat(handlerTypes(result.layer())).contains("layer-alpha");
    }

    @Test
    void plainJarWithoutAValidModuleNameIsRejectedSayingHowToFixIt() throws IOException {
        Path plugins = plugins();
        jar().handlerFactory("beta.BetaHandlers", "layer-beta").writeTo(plugins.resolve("1.jar"));

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).singleElement().asString()
                .startsWith("plugins/1.jar is not a usable module: ")
                .endsWith("; if it is a plain jar, give it an Automatic-Module-Name in its manifest");
        assertThat(result.layer()).isSameAs(ModuleLayer.boot());
    }

    @Test
    void copyOfAModuleGostAlreadyHasIsNotLoadedAgain() throws IOException {
        Path plugins = plugins();
        jar().source("copy/Marker.java", "package copy; public final class Marker { }\n")
                .automaticModuleName("io.gost.api")
                .writeTo(plugins.resolve("gost-api-copy.jar"));

        PluginLayers.Result result = PluginLayers.load(List.of(plugins), ModuleLayer.boot());

        assertThat(result.problems()).isEmpty();
        assertThat(result.layer()).isSameAs(ModuleLayer.boot());
        assertThat(result.spiVersionByModule()).isEmpty();
    }

    @Test
    void missingOrEmptyDirectoriesGiveTheParentLayer() throws IOException {
        PluginLayers.Result result = PluginLayers.load(List.of(plugins(), temp.resolve("absent")), ModuleLayer.boot());

        assertThat(result.layer()).isSameAs(ModuleLayer.boot());
        assertThat(result.problems()).isEmpty();
        assertThat(result.spiVersionByModule()).isEmpty();
    }

    @Test
    void spiVersionOfALoadedModuleIsReadFromItsJar() throws IOException {
        Path plugins = plugins();
        modularPlugin(plugins.resolve("alpha.jar"), "test.alpha", "layer-alpha");
        jar().handlerFactory("beta.BetaHandlers", "layer-beta").spiVersion(null).writeTo(plugins.resolve("beta.jar"));
        ModuleLayer layer = PluginLayers.load(List.of(plugins), ModuleLayer.boot()).layer();

        assertThat(PluginLayers.builtForSpiVersion(layer.findModule("test.alpha").orElseThrow())).contains("1");
        assertThat(PluginLayers.builtForSpiVersion(layer.findModule("beta").orElseThrow())).isEmpty();
        assertThat(PluginLayers.builtForSpiVersion(Object.class.getModule())).isEmpty();
    }
}
