package io.gost.bench.match;

import io.gost.runtime.admission.Admission;
import io.gost.runtime.chain.SocketPlacement;
import io.gost.runtime.config.AdmissionConfig;
import io.gost.runtime.config.BypassConfig;
import io.gost.runtime.config.DataSources;
import io.gost.runtime.control.ControlScheduler;
import io.gost.runtime.control.ControlServices;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading 100,000 CIDR rules from a file, as an admission's and a bypass's {@code file} source, through
 * {@link ControlServices#put}: the path a start, a configuration reload and the Web API take (read the file,
 * compile the rules, register the object; a data source's periodic reload does the same but the registering).
 * Cold: the first load in a fresh JVM, as at start-up (one shot in each of five forks); warm: a later load, once
 * the JIT has compiled the path, as a reload.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LoadBenchmark {

    /** Rules in the file, as issue 17 states the figure. */
    static final int RULES = 100_000;

    private Path dir;
    private Path file;
    private ControlScheduler scheduler;
    private ControlServices services;
    private AdmissionConfig admission;
    private BypassConfig bypass;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<String> rules = new ArrayList<>(RULES);
        ipv4Rules(new SplittableRandom(17), RULES, rules, new ArrayList<>(), new ArrayList<>());
        dir = Files.createTempDirectory("gost-load-bench");
        file = writeRules(dir, rules);
        scheduler = new ControlScheduler();
        services = new ControlServices(scheduler, null, SocketPlacement.INLINE, Admission.NameLookup.SYSTEM);
        DataSources fromFile = new DataSources(null, file.toString(), null, null, null);
        admission = new AdmissionConfig("admission-ipv4", false, List.of(), fromFile, null);
        bypass = new BypassConfig("bypass-ipv4", false, List.of(), null, fromFile, null);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        int loaded = services.admissions().get(admission.name()).map(a -> a.rules().clients().size())
                .orElseGet(() -> services.bypasses().get(bypass.name()).orElseThrow().rules().patterns().size());
        services.close();
        scheduler.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
        if (loaded != RULES) {
            throw new IllegalStateException("loaded " + loaded + " rules, not " + RULES);
        }
    }

    @Benchmark
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 5, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
    public Object admissionFileCold() {
        services.put(admission);
        return services.admissions().get(admission.name()).orElseThrow();
    }

    @Benchmark
    @Warmup(iterations = 10)
    @Measurement(iterations = 10)
    @Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
    public Object admissionFileWarm() {
        services.put(admission);
        return services.admissions().get(admission.name()).orElseThrow();
    }

    @Benchmark
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 5, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
    public Object bypassFileCold() {
        services.put(bypass);
        return services.bypasses().get(bypass.name()).orElseThrow();
    }

    @Benchmark
    @Warmup(iterations = 10)
    @Measurement(iterations = 10)
    @Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
    public Object bypassFileWarm() {
        services.put(bypass);
        return services.bypasses().get(bypass.name()).orElseThrow();
    }

    /**
     * {@code count} random IPv4 CIDRs of /20 to /32 (as blocklists and country lists mix them; nested and
     * overlapping ones included), as text, and each one's network and prefix length.
     */
    static void ipv4Rules(SplittableRandom random, int count, List<String> text, List<byte[]> networks,
                          List<Integer> bits) throws IOException {
        for (int i = 0; i < count; i++) {
            int length = 20 + random.nextInt(13);
            byte[] network = MatchBenchmark.mask(MatchBenchmark.randomBytes(random, 4), length);
            networks.add(network);
            bits.add(length);
            text.add(InetAddress.getByAddress(network).getHostAddress() + "/" + length);
        }
    }

    /** Writes the rules to {@code dir/rules.txt}, one a line after a comment line, as a user's file would be. */
    static Path writeRules(Path dir, List<String> rules) throws IOException {
        Path file = dir.resolve("rules.txt");
        List<String> lines = new ArrayList<>(rules.size() + 1);
        lines.add("# " + rules.size() + " CIDRs, one a line");
        lines.addAll(rules);
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }
}
