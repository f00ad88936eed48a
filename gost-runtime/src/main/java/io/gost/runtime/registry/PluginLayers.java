package io.gost.runtime.registry;

import io.gost.api.GostApi;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.lang.module.ResolvedModule;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads third-party plugin jars from plugin directories into a {@link ModuleLayer} of their own, above the
 * layer gost runs in, so that a jar built against {@code gost-api} alone can be dropped into
 * {@code plugins/} and used with no rebuild of gost.
 *
 * <p>Every {@code *.jar} of each directory is a candidate, modular or plain (a plain jar becomes an
 * automatic module, named after its {@code Automatic-Module-Name} or its file name, whose services come
 * from {@code META-INF/services}). A jar is rejected, with one message naming it, when it
 * <ul>
 *   <li>cannot be read, or is not a usable module;</li>
 *   <li>was built for another SPI version (its manifest's {@value GostApi#SPI_VERSION_ATTRIBUTE});
 *       a jar that does not say is loaded, recorded as {@value #UNKNOWN_SPI_VERSION};</li>
 *   <li>has the same module name as a jar loaded before it (directories in the order given, jars of a
 *       directory by file name);</li>
 *   <li>requires a module that neither the parent layer ({@code lib/}) nor another accepted jar has;</li>
 *   <li>cannot be resolved or defined together with the jars already accepted (for example, two jars
 *       holding the same package).</li>
 * </ul>
 * One bad jar never stops the others: the rest are resolved again without it, and the bad one is reported
 * as a {@link RejectedJar} with the service types it would have provided, so that asking for a type only it
 * has can say which jar that probably was ({@link PluginRegistry#load(Result, ClassLoader)}). A jar whose module is
 * already in the parent layer is not loaded a second time: {@code lib/} wins, as it does on the module
 * path. All accepted jars share one class loader, whose parent is the system class loader.
 *
 * <p>{@link java.util.ServiceLoader#load(ModuleLayer, Class)} over the resulting layer also finds the
 * parent layers' providers, so {@link PluginRegistry#load(ModuleLayer, ClassLoader)} over it sees the
 * bundled plugins and the third-party ones together, and reports a type claimed by two jars naming both.
 *
 * <p>Why this class is long: each rejection rule above needs its own check and its own message naming the
 * jar, and they must run in this order within one resolution loop; splitting the loop would hide the order.
 */
public final class PluginLayers {

    /** The SPI version recorded for a jar whose manifest has no {@value GostApi#SPI_VERSION_ATTRIBUTE}. */
    public static final String UNKNOWN_SPI_VERSION = "unknown";

    private static final Logger LOGGER = LoggerFactory.getLogger(PluginLayers.class);
    private static final String THIS_SPI_VERSION = String.valueOf(GostApi.SPI_VERSION);

    private PluginLayers() {
    }

    /**
     * What {@link #load} found.
     *
     * @param layer              the layer holding every accepted plugin module, above the parent; the
     *                           parent itself when no jar was accepted
     * @param rejected           every jar that was not loaded, in the order found; empty when every jar loaded
     * @param spiVersionByModule for every loaded plugin module, the SPI version its jar was built for
     *                           ({@value #UNKNOWN_SPI_VERSION} when its manifest does not say), sorted by
     *                           module name
     */
    public record Result(ModuleLayer layer, List<RejectedJar> rejected, Map<String, String> spiVersionByModule) {

        public Result {
            Objects.requireNonNull(layer, "layer");
            rejected = List.copyOf(rejected);
            spiVersionByModule = Collections.unmodifiableMap(new TreeMap<>(spiVersionByModule));
        }

        /** One message per rejected jar, naming the jar, in the order found; empty when every jar loaded. */
        public List<String> problems() {
            return rejected.stream().map(RejectedJar::problem).toList();
        }
    }

    /**
     * A jar that was not loaded: the other jars were, and gost goes on without it.
     *
     * @param jar      as messages show it, e.g. {@code plugins/foo.jar}
     * @param problem  why, naming the jar, in one line a user can act on
     * @param services the service interfaces its module says it provides (its {@code provides}, or for a plain
     *                 jar its {@code META-INF/services} files), e.g. {@code io.gost.api.HandlerFactory};
     *                 empty when the jar could not even be read that far
     */
    public record RejectedJar(String jar, String problem, Optional<Set<String>> services) {

        public RejectedJar {
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(problem, "problem");
            services = services.map(Set::copyOf);
        }

        /** True when it provides (or, unreadable, might provide) implementations of {@code service}. */
        public boolean mayProvide(Class<?> service) {
            return services.map(names -> names.contains(service.getName())).orElse(true);
        }

        private static RejectedJar unreadable(String jar, String problem) {
            return new RejectedJar(jar, problem, Optional.empty());
        }

        private static RejectedJar of(String jar, String problem, ModuleReference reference) {
            return new RejectedJar(jar, problem, Optional.of(reference.descriptor().provides().stream()
                    .map(ModuleDescriptor.Provides::service)
                    .collect(Collectors.toSet())));
        }
    }

    /** A jar that passed the checks that need only the jar itself. */
    private record Candidate(Path jar, String shownAs, ModuleReference reference, String spiVersion) {

        String moduleName() {
            return reference.descriptor().name();
        }

        String describe() {
            return shownAs + " (module " + moduleName() + ")";
        }
    }

    /**
     * Loads every jar in {@code directories} into a layer above {@code parent}.
     *
     * <p>A directory that does not exist is skipped (logged), so the default {@code $GOST_HOME/plugins}
     * may be absent; a caller that wants an explicitly named directory to exist checks that itself.
     * Jars are shown in messages as {@code <directory name>/<jar name>}, e.g. {@code plugins/foo.jar}.
     *
     * @param directories searched in this order; earlier ones win a module-name clash
     * @param parent      the layer gost runs in, normally {@link ModuleLayer#boot()}
     */
    public static Result load(List<Path> directories, ModuleLayer parent) {
        Objects.requireNonNull(parent, "parent");
        List<RejectedJar> problems = new ArrayList<>();
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        // Module name -> jar, for jars whose module name is known but that were rejected: a jar that
        // requires one of them is told which jar it was, not that the module is missing.
        Map<String, String> rejected = new LinkedHashMap<>();

        for (Path directory : directories) {
            for (Path jar : jarsIn(directory)) {
                inspect(jar, directory, parent, problems, rejected).ifPresent(candidate -> {
                    Candidate first = candidates.get(candidate.moduleName());
                    if (first != null) {
                        problems.add(RejectedJar.of(candidate.shownAs(), candidate.describe()
                                + " has the same module name as " + first.shownAs + "; keep only one of the two",
                                candidate.reference()));
                    } else {
                        candidates.put(candidate.moduleName(), candidate);
                    }
                });
            }
        }
        dropThoseMissingARequiredModule(candidates, parent, problems, rejected);

        if (candidates.isEmpty()) {
            return new Result(parent, problems, Map.of());
        }
        List<Candidate> accepted = new ArrayList<>(candidates.values());
        ModuleLayer layer;
        try {
            layer = defineLayer(accepted, parent);
        } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException e) {
            // Something only visible with the jars together: find out which jars get along, one by one.
            accepted = new ArrayList<>();
            layer = addOneByOne(new ArrayList<>(candidates.values()), accepted, parent, problems);
        }
        Map<String, String> spiVersions = new LinkedHashMap<>();
        for (Candidate candidate : accepted) {
            spiVersions.put(candidate.moduleName(), candidate.spiVersion());
            LOGGER.debug("plugin module {} loaded from {} (SPI version {})",
                    candidate.moduleName(), candidate.jar(), candidate.spiVersion());
        }
        return new Result(layer, problems, spiVersions);
    }

    /**
     * The SPI version recorded in the manifest of the jar {@code module} was loaded from, e.g. for a
     * bundled plugin in {@code lib/}; empty when the module did not come from a jar or the manifest does
     * not say.
     */
    public static Optional<String> builtForSpiVersion(Module module) {
        if (!module.isNamed() || module.getLayer() == null) {
            return Optional.empty();
        }
        return module.getLayer().configuration().findModule(module.getName())
                .map(ResolvedModule::reference)
                .flatMap(ModuleReference::location)
                .filter(uri -> "file".equals(uri.getScheme()))
                .map(Path::of)
                .filter(Files::isRegularFile)
                .flatMap(jar -> {
                    try {
                        return readSpiVersion(jar);
                    } catch (IOException e) {
                        return Optional.empty();
                    }
                });
    }

    private static List<Path> jarsIn(Path directory) {
        if (!Files.isDirectory(directory)) {
            LOGGER.debug("plugin directory {} does not exist; no plugins loaded from it", directory);
            return List.of();
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.jar")) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    jars.add(entry);
                }
            }
        } catch (IOException e) {
            LOGGER.warn("cannot list plugin directory {}: {}; no plugins loaded from it", directory, e.toString());
            return List.of();
        }
        jars.sort(null);
        return jars;
    }

    /** Reads one jar's manifest and module descriptor; empty (with a problem or a log line) when it is not loaded. */
    private static Optional<Candidate> inspect(Path jar, Path directory, ModuleLayer parent, List<RejectedJar> problems,
                                               Map<String, String> rejected) {
        String shownAs = shownAs(directory, jar);
        Optional<String> spiVersion;
        try {
            spiVersion = readSpiVersion(jar);
        } catch (IOException e) {
            problems.add(RejectedJar.unreadable(shownAs, shownAs + " cannot be read as a jar (" + describe(e)
                    + "); replace it or remove it from " + directory));
            return Optional.empty();
        }
        ModuleReference reference;
        try {
            Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
            if (found.size() != 1) {
                problems.add(RejectedJar.unreadable(shownAs, shownAs + " holds no module; remove it from " + directory));
                return Optional.empty();
            }
            reference = found.iterator().next();
        } catch (FindException e) {
            problems.add(RejectedJar.unreadable(shownAs, shownAs + " is not a usable module: " + describeWithCauses(e)
                    + "; if it is a plain jar, give it an Automatic-Module-Name in its manifest"));
            return Optional.empty();
        }
        String moduleName = reference.descriptor().name();
        if (spiVersion.isPresent() && !spiVersion.get().equals(THIS_SPI_VERSION)) {
            problems.add(RejectedJar.of(shownAs, shownAs + " was built for SPI version " + spiVersion.get()
                    + ", this gost has SPI version " + THIS_SPI_VERSION + "; rebuild it against gost-api "
                    + THIS_SPI_VERSION, reference));
            rejected.putIfAbsent(moduleName, shownAs);
            return Optional.empty();
        }
        if (parent.findModule(moduleName).isPresent()) {
            LOGGER.warn("{} (module {}) is not loaded: gost already has module {} (in lib/), which wins",
                    shownAs, moduleName, moduleName);
            return Optional.empty();
        }
        if (spiVersion.isEmpty()) {
            LOGGER.warn("{} (module {}) does not say which SPI version it was built for (no {} in its manifest);"
                    + " loading it anyway", shownAs, moduleName, GostApi.SPI_VERSION_ATTRIBUTE);
        }
        return Optional.of(new Candidate(jar, shownAs, reference, spiVersion.orElse(UNKNOWN_SPI_VERSION)));
    }

    /**
     * Removes, until none is left, every candidate that requires a module neither the parent layer nor
     * another remaining candidate has; removing one may strand another that required it.
     */
    private static void dropThoseMissingARequiredModule(Map<String, Candidate> candidates, ModuleLayer parent,
                                                        List<RejectedJar> problems, Map<String, String> rejected) {
        boolean removedOne = true;
        while (removedOne) {
            removedOne = false;
            for (Iterator<Candidate> it = candidates.values().iterator(); it.hasNext(); ) {
                Candidate candidate = it.next();
                Optional<String> missing = candidate.reference().descriptor().requires().stream()
                        .filter(requires -> !requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                        .map(ModuleDescriptor.Requires::name)
                        .filter(name -> parent.findModule(name).isEmpty() && !candidates.containsKey(name))
                        .sorted()
                        .findFirst();
                if (missing.isPresent()) {
                    problems.add(RejectedJar.of(candidate.shownAs(), candidate.describe() + " requires module "
                            + missing.get() + ", " + whyMissing(missing.get(), rejected), candidate.reference()));
                    rejected.putIfAbsent(candidate.moduleName(), candidate.shownAs());
                    it.remove();
                    removedOne = true;
                }
            }
        }
    }

    private static String whyMissing(String module, Map<String, String> rejected) {
        String rejectedJar = rejected.get(module);
        if (rejectedJar != null) {
            return "which " + rejectedJar + " has, but that jar was not loaded (see its own message)";
        }
        if (ModuleFinder.ofSystem().find(module).isPresent()) {
            // A JDK module that the launch did not resolve; a child layer may not define java.* modules.
            return "which this Java runtime has but gost did not load; add it with"
                    + " JAVA_OPTS=\"--add-modules " + module + "\"";
        }
        return "which is not in lib/ or plugins/";
    }

    /**
     * Accepts the candidates one at a time, in order, keeping each that can be defined together with
     * those accepted so far, and passes over the rest again while that lets more in (a jar may need one
     * that comes after it). Those never accepted become problems.
     *
     * @return the layer of the accepted candidates (which {@code accepted} receives), or {@code parent}
     */
    private static ModuleLayer addOneByOne(List<Candidate> pending, List<Candidate> accepted, ModuleLayer parent,
                                           List<RejectedJar> problems) {
        ModuleLayer layer = parent;
        Map<Candidate, String> lastFailure = new LinkedHashMap<>();
        boolean acceptedOne = true;
        while (acceptedOne && !pending.isEmpty()) {
            acceptedOne = false;
            for (Iterator<Candidate> it = pending.iterator(); it.hasNext(); ) {
                Candidate candidate = it.next();
                Optional<String> sharedPackage = sharedPackage(candidate, accepted);
                if (sharedPackage.isPresent()) {
                    // The JDK would say only "Package p in more than one module"; name the other jar.
                    lastFailure.put(candidate, sharedPackage.get());
                    continue;
                }
                List<Candidate> trial = new ArrayList<>(accepted);
                trial.add(candidate);
                try {
                    layer = defineLayer(trial, parent);
                    accepted.add(candidate);
                    it.remove();
                    acceptedOne = true;
                } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException e) {
                    lastFailure.put(candidate, describeWithCauses(e));
                }
            }
        }
        for (Candidate candidate : pending) {
            problems.add(RejectedJar.of(candidate.shownAs(), candidate.describe()
                    + " cannot be loaded together with the other plugins: " + lastFailure.get(candidate),
                    candidate.reference()));
        }
        return layer;
    }

    /** Why {@code candidate} cannot share the layer's one class loader with {@code accepted}, if it cannot. */
    private static Optional<String> sharedPackage(Candidate candidate, List<Candidate> accepted) {
        Set<String> packages = candidate.reference().descriptor().packages();
        for (Candidate other : accepted) {
            Optional<String> shared = other.reference().descriptor().packages().stream()
                    .filter(packages::contains)
                    .sorted()
                    .findFirst();
            if (shared.isPresent()) {
                return Optional.of("it holds package " + shared.get() + ", which " + other.describe()
                        + " holds too; two plugin jars cannot share a package");
            }
        }
        return Optional.empty();
    }

    /** Resolves {@code candidates} (all as roots, with their service providers bound) above {@code parent}. */
    private static ModuleLayer defineLayer(List<Candidate> candidates, ModuleLayer parent) {
        ModuleFinder finder = ModuleFinder.of(candidates.stream().map(Candidate::jar).toArray(Path[]::new));
        Set<String> roots = candidates.stream().map(Candidate::moduleName).collect(Collectors.toSet());
        Configuration configuration = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
        return ModuleLayer.defineModulesWithOneLoader(configuration, List.of(parent),
                ClassLoader.getSystemClassLoader()).layer();
    }

    /** The manifest's {@value GostApi#SPI_VERSION_ATTRIBUTE}, trimmed; empty when absent. */
    private static Optional<String> readSpiVersion(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return Optional.empty();
            }
            Attributes attributes = manifest.getMainAttributes();
            return Optional.ofNullable(attributes.getValue(GostApi.SPI_VERSION_ATTRIBUTE))
                    .map(String::trim)
                    .filter(version -> !version.isEmpty());
        }
    }

    /** {@code plugins/foo.jar}: the directory's own name and the jar's, short enough for one line. */
    private static String shownAs(Path directory, Path jar) {
        Path directoryName = directory.toAbsolutePath().normalize().getFileName();
        return directoryName == null ? jar.toString() : directoryName + "/" + jar.getFileName();
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The message and its causes' messages, which carry the detail for module-system failures. */
    private static String describeWithCauses(Throwable e) {
        StringBuilder text = new StringBuilder(describe(e));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            String message = describe(cause);
            if (!text.toString().contains(message)) {
                text.append(": ").append(message);
            }
        }
        return text.toString();
    }
}
