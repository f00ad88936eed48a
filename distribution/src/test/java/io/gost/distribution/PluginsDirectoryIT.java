package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.gost.api.GostApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A third-party plugin jar dropped into plugins/ is picked up without touching lib/; a broken one is named,
 * and everything that does not need it keeps working.
 */
class PluginsDirectoryIT {

    private static final String PLUGIN_TYPE = "e2e-sample";

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void pluginJarInPluginsDirectoryIsListedWithItsJar() throws IOException {
        Path home = homeSharingTheBuiltLib();
        buildSamplePlugin(home.resolve("plugins/e2e-sample-plugin.jar"));

        GostProcess gost = resources.gostThrough(home.resolve("bin/gost"), "", "plugins");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe)
                .containsPattern("(?m)^.*\\b" + PLUGIN_TYPE + "\\b.*e2e-sample-plugin\\.jar.*$");
    }

    @Test
    void aBrokenJarIsNamedAndTheOtherPluginsAndServicesStillWork() throws IOException {
        Path home = homeSharingTheBuiltLib();
        buildSamplePlugin(home.resolve("plugins/e2e-sample-plugin.jar"));
        Files.writeString(home.resolve("plugins/broken-plugin.jar"), "not a zip file");
        String brokenJar = "plugins/broken-plugin.jar cannot be read as a jar";

        GostProcess listing = resources.gostThrough(home.resolve("bin/gost"), "", "plugins");
        assertThat(listing.awaitExit()).as(listing::describe).isEqualTo(1);
        assertThat(listing.stdout()).as(listing::describe).contains(PLUGIN_TYPE);
        assertThat(listing.stderr()).as(listing::describe).contains(brokenJar);

        int port = resources.freePort();
        GostProcess serving = resources.gostThrough(home.resolve("bin/gost"), "",
                "-L", "http://127.0.0.1:" + port).awaitPort(port);
        assertThat(serving.output()).as(serving::describe).contains("plugin not loaded (the others are): " + brokenJar);

        GostProcess needingIt = resources.gostThrough(home.resolve("bin/gost"), "",
                "-L", "e2e-missing://127.0.0.1:" + resources.freePort());
        assertThat(needingIt.awaitExit()).as(needingIt::describe).isNotZero();
        assertThat(needingIt.stderr()).as(needingIt::describe)
                .contains("unknown handler type 'e2e-missing'")
                .contains("could not be loaded and may be the one that has it: " + brokenJar);
    }

    /**
     * A gost home of this test's own: a copy of bin/gost (a link would lead the launcher back to the
     * built tree), links to the built lib/ and conf/, and an empty plugins/.
     */
    private Path homeSharingTheBuiltLib() throws IOException {
        Path built = GostProcess.home();
        Path home = resources.dir().resolve("home");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(built.resolve("bin/gost"), home.resolve("bin/gost"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createSymbolicLink(home.resolve("lib"), built.resolve("lib"));
        Files.createSymbolicLink(home.resolve("conf"), built.resolve("conf"));
        return home;
    }

    /**
     * A plain (non-modular) jar, as most third-party jars are: one handler factory registered in
     * META-INF/services, compiled here against the distribution's own lib/.
     */
    private void buildSamplePlugin(Path jar) throws IOException {
        Path sources = Files.createDirectories(resources.dir().resolve("plugin-src/sample"));
        Path classes = Files.createDirectories(resources.dir().resolve("plugin-classes"));
        Path source = Files.writeString(sources.resolve("SampleHandlerFactory.java"), String.join("\n",
                "package sample;",
                "public final class SampleHandlerFactory implements io.gost.api.HandlerFactory {",
                "    @Override public String type() { return \"" + PLUGIN_TYPE + "\"; }",
                "    @Override public String description() { return \"end-to-end test plugin\"; }",
                "    @Override public io.gost.api.Handler create(io.gost.api.Metadata metadata,",
                "            io.gost.api.PluginContext context) {",
                "        throw new UnsupportedOperationException(\"test plugin\");",
                "    }",
                "}",
                ""));
        String classPath;
        try (Stream<Path> jars = Files.list(GostProcess.home().resolve("lib"))) {
            classPath = jars.map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = compiler.getTask(diagnostics, null, null,
                List.of("--release", "17", "-cp", classPath, "-d", classes.toString()), null,
                compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(source.toFile()))
                .call();
        assertThat(compiled).as("compiling the sample plugin:\n%s", diagnostics).isTrue();

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(GostApi.SPI_VERSION_ATTRIBUTE, String.valueOf(GostApi.SPI_VERSION));
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("sample/SampleHandlerFactory.class"));
            out.write(Files.readAllBytes(classes.resolve("sample/SampleHandlerFactory.class")));
            out.closeEntry();
            out.putNextEntry(new JarEntry("META-INF/services/io.gost.api.HandlerFactory"));
            out.write("sample.SampleHandlerFactory\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }
}
