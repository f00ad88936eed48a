import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.tools.JavaCompiler;

/**
 * Build step of the distribution (run by distribution/pom.xml as a single-file program,
 * {@code java ModuleDescriptors.java LIB DESCRIPTORS WORK}): makes every jar in {@code LIB} cheap for the JVM
 * to read at start-up.
 *
 * <p>Java 17 resolves the module path at every start (only the JDK's own module graph is archived), and
 * {@code bin/gost} puts all of {@code lib/} on it. For each jar the JVM then reads its module descriptor, and
 * two kinds of jar make it do much more:
 * <ul>
 *   <li>an <em>automatic</em> module (a jar without {@code module-info.class}): the JVM lists every entry to
 *       derive its packages and services, and the resolver makes it read every other module. Each one gets the
 *       descriptor written for it in {@code DESCRIPTORS/<module name>/module-info.java}: an {@code open module}
 *       of the same name, so that at run time every package is exported and open to everyone as before, with
 *       the {@code requires} its classes need;</li>
 *   <li>an explicit module whose descriptor has no {@code ModulePackages} attribute (javac does not write one;
 *       the {@code jar} tool does): the JVM lists every entry of the jar to find its packages. The same
 *       descriptor is put back with the {@code jar} tool, which adds the attribute.</li>
 * </ul>
 * Both rewrite only {@code module-info.class} in the jar, through the JDK's own {@code javac} and {@code jar}.
 * A jar that cannot be handled, an automatic module without a descriptor here, or a descriptor whose jar is
 * gone fails the build with what to do, rather than leave a slower {@code lib/} behind without a word.
 */
public final class ModuleDescriptors {

    private static final String MODULE_INFO = "module-info.class";

    /** One module of lib/, as the JVM sees it at run time. */
    private record Jar(Path path, ModuleDescriptor descriptor, String moduleInfoEntry, boolean hasModulePackages) {

        String name() {
            return descriptor.name();
        }

        String fileName() {
            return path.getFileName().toString();
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            fail("usage: java ModuleDescriptors.java LIB_DIR DESCRIPTORS_DIR WORK_DIR");
        }
        Path lib = Path.of(args[0]);
        Path descriptors = Path.of(args[1]);
        Path work = Path.of(args[2]);

        Map<String, Jar> jars = scan(lib);
        Set<String> written = descriptorNames(descriptors);

        List<Jar> automatic = new ArrayList<>();
        for (Jar jar : jars.values()) {
            if (jar.descriptor().isAutomatic()) {
                if (!written.contains(jar.name())) {
                    fail("lib/" + jar.fileName() + " is an automatic module (it has no module-info.class), which"
                            + " costs every start of gost time to read: write its descriptor as "
                            + descriptors.resolve(jar.name()).resolve("module-info.java")
                            + " (open module " + jar.name() + " { requires ... }; `jdeps --generate-open-module`"
                            + " suggests the requires)");
                }
                automatic.add(jar);
            }
        }
        for (String name : written) {
            Jar jar = jars.get(name);
            if (jar == null || !jar.descriptor().isAutomatic()) {
                fail(descriptors.resolve(name) + ": lib/ has " + (jar == null ? "no module " + name
                        : "lib/" + jar.fileName() + " as module " + name + " with a module-info.class of its own"
                                + " (the library ships one now, or this lib/ has been through this step already)")
                        + "; remove this descriptor");
            }
        }

        if (!automatic.isEmpty()) {
            Path classes = work.resolve("classes");
            compile(descriptors, classes, automatic, jars.values());
            for (Jar jar : automatic) {
                // Written at the jar's root: the jars are plain (not multi-release), and gost runs on Java 17+.
                runJar("--update", "--file", jar.path().toString(), "-C", classes.resolve(jar.name()).toString(),
                        MODULE_INFO);
            }
        }

        // Explicit modules whose descriptor lacks ModulePackages: the same descriptor again, through the jar tool.
        Path extracted = work.resolve("packages");
        int withPackages = 0;
        for (Jar jar : jars.values()) {
            if (jar.descriptor().isAutomatic() || jar.hasModulePackages() || jar.descriptor().packages().isEmpty()) {
                continue;
            }
            Path dir = extracted.resolve(jar.name());
            Files.createDirectories(dir);
            try (JarFile file = new JarFile(jar.path().toFile())) {
                try (InputStream in = file.getInputStream(file.getEntry(jar.moduleInfoEntry()))) {
                    Files.copy(in, dir.resolve(MODULE_INFO), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            List<String> update = new ArrayList<>(List.of("--update", "--file", jar.path().toString()));
            String release = versionOf(jar.moduleInfoEntry());
            if (release != null) {
                update.addAll(List.of("--release", release));
            }
            update.addAll(List.of("-C", dir.toString(), MODULE_INFO));
            runJar(update.toArray(String[]::new));
            withPackages++;
        }

        // What the JVM will see now: no automatic module, and every module's packages listed in its descriptor.
        Map<String, Jar> after = scan(lib);
        for (Jar jar : after.values()) {
            if (jar.descriptor().isAutomatic()) {
                fail("lib/" + jar.fileName() + " is still an automatic module after adding its descriptor");
            }
            if (!jar.hasModulePackages() && !jar.descriptor().packages().isEmpty()) {
                fail("lib/" + jar.fileName() + "'s module descriptor still has no ModulePackages attribute");
            }
            // An automatic module's packages are those of its classes; the jar tool also counts resource
            // directories named like packages (jffi's jni/Darwin). Those are open, so their resources stay readable.
            Jar before = jars.get(jar.name());
            boolean same = before != null && (before.descriptor().isAutomatic()
                    ? jar.descriptor().packages().containsAll(before.descriptor().packages())
                    : jar.descriptor().packages().equals(before.descriptor().packages()));
            if (!same) {
                fail("lib/" + jar.fileName() + ": module " + jar.name() + " has other packages than before: "
                        + (before == null ? "(none)" : before.descriptor().packages()) + " -> "
                        + jar.descriptor().packages());
            }
        }
        System.out.println("module descriptors: " + automatic.size() + " automatic modules in " + lib
                + " given descriptors, " + withPackages + " descriptors given their packages; " + after.size()
                + " modules, none automatic");
    }

    /** Every jar directly in lib, by module name, as the JVM's module path would read it. */
    private static Map<String, Jar> scan(Path lib) throws IOException {
        Map<String, Jar> jars = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(lib)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted().collect(Collectors.toList());
        }
        for (Path path : files) {
            ModuleReference reference;
            try {
                reference = ModuleFinder.of(path).findAll().iterator().next();
            } catch (FindException e) {
                fail("lib/" + path.getFileName() + " is not a module the JVM can read: " + e.getMessage());
                return jars;
            }
            ModuleDescriptor descriptor = reference.descriptor();
            String entry = null;
            boolean hasModulePackages = false;
            if (!descriptor.isAutomatic()) {
                try (JarFile file = new JarFile(path.toFile(), false, ZipFile.OPEN_READ, Runtime.version())) {
                    JarEntry moduleInfo = file.getJarEntry(MODULE_INFO);
                    entry = moduleInfo.getRealName();
                    // The package finder is asked only when the descriptor does not list the packages itself.
                    AtomicBoolean scanned = new AtomicBoolean();
                    try (InputStream in = file.getInputStream(moduleInfo)) {
                        ModuleDescriptor.read(in, () -> {
                            scanned.set(true);
                            return descriptor.packages();
                        });
                    }
                    hasModulePackages = !scanned.get();
                }
            }
            Jar jar = new Jar(path, descriptor, entry, hasModulePackages);
            Jar other = jars.put(jar.name(), jar);
            if (other != null) {
                fail("lib/" + other.fileName() + " and lib/" + jar.fileName() + " are both module " + jar.name());
            }
        }
        return jars;
    }

    private static Set<String> descriptorNames(Path descriptors) throws IOException {
        try (Stream<Path> list = Files.list(descriptors)) {
            return list.filter(d -> Files.isRegularFile(d.resolve("module-info.java")))
                    .map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /**
     * Compiles the descriptors against lib/: each automatic module is patched with its jar (so that javac checks
     * the descriptor against the classes it describes), every other jar is on the module path.
     */
    private static void compile(Path descriptors, Path classes, List<Jar> automatic, Iterable<Jar> all) {
        List<String> modulePath = new ArrayList<>();
        for (Jar jar : all) {
            if (!automatic.contains(jar)) {
                modulePath.add(jar.path().toString());
            }
        }
        List<String> options = new ArrayList<>(List.of("-d", classes.toString(),
                "--module-source-path", descriptors.toString(),
                "--module-path", String.join(File.pathSeparator, modulePath)));
        for (Jar jar : automatic) {
            options.addAll(List.of("--patch-module", jar.name() + "=" + jar.path()));
        }
        for (Jar jar : automatic) {
            options.add(descriptors.resolve(jar.name()).resolve("module-info.java").toString());
        }
        JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            fail("this Java has no compiler (a JRE?): the distribution must be built with a JDK");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = javac.run(null, output, output, options.toArray(String[]::new));
        if (status != 0) {
            fail("javac could not compile the module descriptors in " + descriptors + ":\n" + output);
        }
    }

    private static void runJar(String... args) {
        ToolProvider jar = ToolProvider.findFirst("jar")
                .orElseThrow(() -> new IllegalStateException("this Java has no jar tool (a JRE?)"));
        StringWriter output = new StringWriter();
        PrintWriter out = new PrintWriter(output);
        int status = jar.run(out, out, args);
        out.flush();
        if (status != 0) {
            fail("jar " + String.join(" ", args) + " failed:\n" + output);
        }
    }

    /** "9" for META-INF/versions/9/module-info.class, null for the root module-info.class. */
    private static String versionOf(String entry) {
        String prefix = "META-INF/versions/";
        if (!entry.startsWith(prefix)) {
            return null;
        }
        return entry.substring(prefix.length(), entry.indexOf('/', prefix.length()));
    }

    private static void fail(String message) {
        System.err.println("ModuleDescriptors: " + message);
        System.exit(1);
    }

    private ModuleDescriptors() {
    }
}
