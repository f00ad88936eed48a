package com.example.gost.socks4;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * module-info's {@code provides} and the {@code META-INF/services} files must name the same factories,
 * or the jar would offer different types on the module path (gost's plugins/) and on a class path.
 */
class ServiceRegistrationTest {

    /** The project directory: surefire runs tests there and passes it as {@code basedir}. */
    private static final Path PROJECT = Path.of(System.getProperty("basedir", "."));

    @Test
    void moduleInfoProvidesExactlyWhatMetaInfServicesLists() throws IOException {
        Map<String, Set<String>> provided = new TreeMap<>();
        for (ModuleDescriptor.Provides provides : compiledDescriptor().provides()) {
            provided.put(provides.service(), new TreeSet<>(provides.providers()));
        }

        assertThat(provided).isNotEmpty().isEqualTo(listedInMetaInfServices());
    }

    private static ModuleDescriptor compiledDescriptor() throws IOException {
        try (var in = Files.newInputStream(PROJECT.resolve("target/classes/module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    private static Map<String, Set<String>> listedInMetaInfServices() throws IOException {
        Map<String, Set<String>> listed = new TreeMap<>();
        try (Stream<Path> files = Files.list(PROJECT.resolve("src/main/resources/META-INF/services"))) {
            for (Path file : files.toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                listed.put(file.getFileName().toString(), lines.stream()
                        .map(line -> line.replaceAll("#.*", "").strip())
                        .filter(line -> !line.isEmpty())
                        .collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        return listed;
    }
}
