package io.gost.testkit.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module descriptor's {@code provides} and the {@code META-INF/services} files must name the same
 * providers, or the plugin would behave differently on the module path and on the class path. A plugin
 * runs this check by subclassing it in its tests; it reads the plugin's sources
 * ({@code src/main/java/module-info.java}, {@code src/main/resources/META-INF/services}).
 */
public abstract class AbstractServiceRegistrationTest {

    private static final Pattern PROVIDES = Pattern.compile("provides\\s+([\\w.]+)\\s+with\\s+([\\w.,\\s]+);");

    /** The module's directory: surefire runs tests there and also passes it as {@code basedir}. */
    private static final Path MODULE_DIR = Path.of(System.getProperty("basedir", "."));

    @Test
    void moduleInfoProvidesExactlyWhatMetaInfServicesLists() throws IOException {
        Map<String, Set<String>> provided = providedByModuleInfo();
        Map<String, Set<String>> listed = listedInMetaInfServices();

        assertThat(provided).isNotEmpty();
        assertThat(listed).isEqualTo(provided);
    }

    @Test
    void everyProviderIsALoadableImplementationOfItsService() throws Exception {
        for (Map.Entry<String, Set<String>> entry : providedByModuleInfo().entrySet()) {
            Class<?> service = Class.forName(entry.getKey());
            for (String provider : entry.getValue()) {
                Class<?> implementation = Class.forName(provider);
                assertThat(service.isAssignableFrom(implementation)).as("%s implements %s", provider, service).isTrue();
                assertThat(implementation.getConstructor()).as("%s public no-arg constructor", provider).isNotNull();
            }
        }
    }

    private static Map<String, Set<String>> providedByModuleInfo() throws IOException {
        String source = Files.readString(MODULE_DIR.resolve("src/main/java/module-info.java"));
        String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
        Map<String, Set<String>> provided = new TreeMap<>();
        Matcher matcher = PROVIDES.matcher(code);
        while (matcher.find()) {
            Set<String> providers = Arrays.stream(matcher.group(2).split(","))
                    .map(String::strip)
                    .collect(Collectors.toCollection(TreeSet::new));
            provided.computeIfAbsent(matcher.group(1), service -> new TreeSet<>()).addAll(providers);
        }
        return provided;
    }

    private static Map<String, Set<String>> listedInMetaInfServices() throws IOException {
        Path directory = MODULE_DIR.resolve("src/main/resources/META-INF/services");
        Map<String, Set<String>> listed = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                List<String> lines = Files.readAllLines(file);
                Set<String> providers = lines.stream()
                        .map(line -> line.replaceAll("#.*", "").strip())
                        .filter(line -> !line.isEmpty())
                        .collect(Collectors.toCollection(TreeSet::new));
                listed.put(file.getFileName().toString(), providers);
            }
        }
        return listed;
    }
}
