package io.gost.runtime.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.GostApi;
import io.gost.api.HandlerFactory;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds a small plugin jar the way a third party would: Java sources compiled against gost-api alone,
 * packed with a manifest (and {@code module-info.class} or {@code META-INF/services}).
 *
 * <p>javac is reached through {@link ToolProvider} ({@code java.base}) rather than {@code javax.tools}, so
 * the tests, which run inside module {@code io.gost.runtime}, need no {@code requires java.compiler}.
 */
final class PluginJarBuilder {

    private final Path workDirectory;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, String> services = new LinkedHashMap<>();
    private final List<Path> extraModulePath = new ArrayList<>();
    private String spiVersion = String.valueOf(GostApi.SPI_VERSION);
    private String automaticModuleName;

    /** @param workDirectory an empty directory of its own for sources and classes */
    PluginJarBuilder(Path workDirectory) {
        this.workDirectory = workDirectory;
    }

    /** A handler factory of {@code type} in class {@code className} (package-qualified). */
    static String handlerFactorySource(String className, String type) {
        int dot = className.lastIndexOf('.');
        return String.join("\n",
                "package " + className.substring(0, dot) + ";",
                "public final class " + className.substring(dot + 1) + " implements io.gost.api.HandlerFactory {",
                "    @Override public String type() { return \"" + type + "\"; }",
                "    @Override public String description() { return \"test plugin " + type + "\"; }",
                "    @Override public io.gost.api.Handler create(io.gost.api.Metadata metadata,",
                "            io.gost.api.PluginContext context) {",
                "        throw new UnsupportedOperationException(\"test plugin\");",
                "    }",
                "}",
                "");
    }

    /** Adds {@code text} as the source file {@code path}, e.g. {@code alpha/AlphaHandlers.java} or {@code module-info.java}. */
    PluginJarBuilder source(String path, String text) {
        sources.put(path, text);
        return this;
    }

    /** Adds a handler factory class (see {@link #handlerFactorySource}) and registers it in META-INF/services. */
    PluginJarBuilder handlerFactory(String className, String type) {
        source(className.replace('.', '/') + ".java", handlerFactorySource(className, type));
        return registerService(HandlerFactory.class.getName(), className);
    }

    /** Lists {@code implementation} in {@code META-INF/services/<serviceInterface>}. */
    PluginJarBuilder registerService(String serviceInterface, String implementation) {
        services.merge(serviceInterface, implementation, (known, added) -> known + "\n" + added);
        return this;
    }

    /** The manifest's Gost-SPI-Version; {@code null} leaves the attribute out. */
    PluginJarBuilder spiVersion(String version) {
        this.spiVersion = version;
        return this;
    }

    /** The manifest's Automatic-Module-Name, for a plain jar. */
    PluginJarBuilder automaticModuleName(String name) {
        this.automaticModuleName = name;
        return this;
    }

    /** More modules to compile against (not packed into the jar), e.g. one the plugin requires. */
    PluginJarBuilder compileAgainst(Path moduleJarOrDirectory) {
        extraModulePath.add(moduleJarOrDirectory);
        return this;
    }

    /** Compiles the sources and writes the jar to {@code jar}. */
    Path writeTo(Path jar) throws IOException {
        Path sourceRoot = Files.createDirectories(workDirectory.resolve("src"));
        Path classes = Files.createDirectories(workDirectory.resolve("classes"));
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "-implicit:none", "-d", classes.toString()));
        List<Path> path = new ArrayList<>(gostApiAndNetty());
        path.addAll(extraModulePath);
        boolean modular = sources.containsKey("module-info.java");
        arguments.add(modular ? "--module-path" : "--class-path");
        arguments.add(String.join(File.pathSeparator, path.stream().map(Path::toString).toList()));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = sourceRoot.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        compile(arguments);

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (spiVersion != null) {
            manifest.getMainAttributes().putValue(GostApi.SPI_VERSION_ATTRIBUTE, spiVersion);
        }
        if (automaticModuleName != null) {
            manifest.getMainAttributes().putValue("Automatic-Module-Name", automaticModuleName);
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path classFile : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(classFile).toString().replace(File.separatorChar, '/')));
                    out.write(Files.readAllBytes(classFile));
                    out.closeEntry();
                }
            }
            for (Map.Entry<String, String> service : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + service.getKey()));
                out.write((service.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void compile(List<String> arguments) {
        ToolProvider javac = ToolProvider.findFirst("javac")
                .orElseThrow(() -> new IllegalStateException("these tests need a JDK (javac), not a JRE"));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintWriter writer = new PrintWriter(output, true, StandardCharsets.UTF_8)) {
            exitCode = javac.run(writer, writer, arguments.toArray(String[]::new));
        }
        assertThat(exitCode).as("javac %s%n%s", arguments, output.toString(StandardCharsets.UTF_8)).isZero();
    }

    /** Where the API a plugin compiles against lives: gost-api and the Netty modules it requires. */
    private static List<Path> gostApiAndNetty() {
        return Stream.of(GostApi.class, Channel.class, ByteBuf.class, Future.class, AddressResolver.class,
                        classNamed("io.netty.handler.codec.ByteToMessageDecoder"),
                        classNamed("io.netty.channel.unix.UnixChannel"))
                .map(PluginJarBuilder::locationOf)
                .distinct()
                .toList();
    }

    /** A class of a module this one does not read (gost-api requires it, the runtime does not). */
    private static Class<?> classNamed(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("gost-api requires " + name + ", which is not here", e);
        }
    }

    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the jar of " + type, e);
        }
    }
}
