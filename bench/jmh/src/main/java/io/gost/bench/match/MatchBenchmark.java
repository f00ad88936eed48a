package io.gost.bench.match;

import io.gost.runtime.admission.Admission;
import io.gost.runtime.bypass.Bypass;
import io.gost.runtime.chain.SocketPlacement;
import io.gost.runtime.config.AdmissionConfig;
import io.gost.runtime.config.BypassConfig;
import io.gost.runtime.config.DataSources;
import io.gost.runtime.control.ControlScheduler;
import io.gost.runtime.control.ControlServices;
import io.gost.runtime.control.Registry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * Issue 17's figure: "100,000 CIDR rules cost < 2 µs per check, loaded in under a second; reloading them does not
 * pause traffic", measured on the runtime's real objects:
 *
 * <ul>
 *   <li>checks: a {@link Bypass} (targets arrive as text, so each check parses the address, then one binary search)
 *       and an {@link Admission} (clients arrive as bytes) over 100,000 IPv4 CIDRs, 100,000 IPv6 CIDRs and, for
 *       the bypass, 100,000 domain suffixes; hits and misses, each a different address from 4,096 drawn at setup
 *       (so that the table is read as traffic reads it, not one cached path);</li>
 *   <li>loading: see {@link LoadBenchmark};</li>
 *   <li>reloading under traffic: one thread checks clients against the admission while another reloads it from
 *       its file again and again; the check's latency distribution (p99.9, max) against the same check alone.</li>
 * </ul>
 *
 * Run by {@code bench/match.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class MatchBenchmark {

    /** Rules in each table, as issue 17 states the figure. */
    static final int RULES = LoadBenchmark.RULES;
    /** Addresses looked up in turn (a power of two). */
    private static final int KEYS = 4096;
    private static final int PORT = 443;

    private Path dir;
    private Path ipv4File;
    private ControlScheduler scheduler;
    private ControlServices services;
    private Registry.Ref<Admission> admission;
    private AdmissionConfig admissionConfig;
    private BypassConfig bypassConfig;

    private Bypass ipv4Bypass;
    private Bypass ipv6Bypass;
    private Bypass domainBypass;
    private Admission ipv4Admission;
    private Admission ipv6Admission;

    private final String[] ipv4HitText = new String[KEYS];
    private final String[] ipv4MissText = new String[KEYS];
    private final byte[][] ipv4Hit = new byte[KEYS][];
    private final byte[][] ipv4Miss = new byte[KEYS][];
    private final String[] ipv6HitText = new String[KEYS];
    private final String[] ipv6MissText = new String[KEYS];
    private final byte[][] ipv6Hit = new byte[KEYS][];
    private final byte[][] ipv6Miss = new byte[KEYS][];
    private final String[] domainHit = new String[KEYS];
    private final String[] domainMiss = new String[KEYS];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SplittableRandom random = new SplittableRandom(17);
        List<String> ipv4 = new ArrayList<>(RULES);
        List<byte[]> ipv4Networks = new ArrayList<>(RULES);
        List<Integer> ipv4Bits = new ArrayList<>(RULES);
        LoadBenchmark.ipv4Rules(random, RULES, ipv4, ipv4Networks, ipv4Bits);
        List<String> ipv6 = new ArrayList<>(RULES);
        List<byte[]> ipv6Networks = new ArrayList<>(RULES);
        List<Integer> ipv6Bits = new ArrayList<>(RULES);
        for (int i = 0; i < RULES; i++) {
            int bits = 32 + random.nextInt(33);
            byte[] network = randomBytes(random, 16);
            network[0] = (byte) (0x20 | (network[0] & 0x0f)); // 2000::/4, global unicast
            network = mask(network, bits);
            ipv6Networks.add(network);
            ipv6Bits.add(bits);
            ipv6.add(InetAddress.getByAddress(network).getHostAddress() + "/" + bits);
        }
        List<String> domains = new ArrayList<>(RULES);
        for (int i = 0; i < RULES; i++) {
            domains.add(".d" + i + ".example.net");
        }

        dir = Files.createTempDirectory("gost-match-bench");
        ipv4File = LoadBenchmark.writeRules(dir, ipv4);

        scheduler = new ControlScheduler();
        services = new ControlServices(scheduler, null, SocketPlacement.INLINE, Admission.NameLookup.SYSTEM);
        DataSources fromFile = new DataSources(null, ipv4File.toString(), null, null, null);
        admissionConfig = new AdmissionConfig("admission-ipv4", false, List.of(), fromFile, null);
        bypassConfig = new BypassConfig("bypass-ipv4", false, List.of(), null, fromFile, null);
        services.put(admissionConfig);
        services.put(bypassConfig);
        admission = services.admissions().ref("admission-ipv4");
        ipv4Admission = admission.get();
        ipv4Bypass = services.bypasses().get("bypass-ipv4").orElseThrow();
        ipv6Bypass = Bypass.of("bypass-ipv6", false, ipv6);
        domainBypass = Bypass.of("bypass-domains", false, domains);
        ipv6Admission = new Admission("admission-ipv6", Admission.compile(false, ipv6, Admission.NameLookup.SYSTEM,
                (line, why) -> {
                    throw new IllegalStateException(line + ": " + why);
                }));
        check(ipv4Admission.rules().clients().size() == RULES, "the file's " + RULES + " rules were all loaded");

        for (int i = 0; i < KEYS; i++) {
            int rule = random.nextInt(RULES);
            ipv4Hit[i] = inside(random, ipv4Networks.get(rule), ipv4Bits.get(rule));
            ipv4Miss[i] = outside(random, 4, ipv4Admission);
            ipv4HitText[i] = text(ipv4Hit[i]);
            ipv4MissText[i] = text(ipv4Miss[i]);
            rule = random.nextInt(RULES);
            ipv6Hit[i] = inside(random, ipv6Networks.get(rule), ipv6Bits.get(rule));
            ipv6Miss[i] = outside(random, 16, ipv6Admission);
            ipv6HitText[i] = text(ipv6Hit[i]);
            ipv6MissText[i] = text(ipv6Miss[i]);
            int domain = random.nextInt(RULES);
            domainHit[i] = "www.d" + domain + ".example.net";
            domainMiss[i] = "www.e" + domain + ".example.net";
        }
        // Hits must hit and misses miss, or the figures would measure something else.
        for (int i = 0; i < KEYS; i++) {
            check(ipv4Bypass.forbids("tcp", ipv4HitText[i], PORT) && !ipv4Admission.admits(ipv4Hit[i]), "IPv4 hit");
            check(!ipv4Bypass.forbids("tcp", ipv4MissText[i], PORT) && ipv4Admission.admits(ipv4Miss[i]), "IPv4 miss");
            check(ipv6Bypass.forbids("tcp", ipv6HitText[i], PORT) && !ipv6Admission.admits(ipv6Hit[i]), "IPv6 hit");
            check(!ipv6Bypass.forbids("tcp", ipv6MissText[i], PORT) && ipv6Admission.admits(ipv6Miss[i]), "IPv6 miss");
            check(domainBypass.forbids("tcp", domainHit[i], PORT), "domain hit");
            check(!domainBypass.forbids("tcp", domainMiss[i], PORT), "domain miss");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        services.close();
        scheduler.close();
        Files.deleteIfExists(ipv4File);
        Files.deleteIfExists(dir);
    }

    private int key() {
        return next++ & (KEYS - 1);
    }

    // ---- checks -------------------------------------------------------------------------------------------------

    @Benchmark
    public boolean bypassIpv4Hit() {
        return ipv4Bypass.forbids("tcp", ipv4HitText[key()], PORT);
    }

    @Benchmark
    public boolean bypassIpv4Miss() {
        return ipv4Bypass.forbids("tcp", ipv4MissText[key()], PORT);
    }

    @Benchmark
    public boolean bypassIpv6Hit() {
        return ipv6Bypass.forbids("tcp", ipv6HitText[key()], PORT);
    }

    @Benchmark
    public boolean bypassIpv6Miss() {
        return ipv6Bypass.forbids("tcp", ipv6MissText[key()], PORT);
    }

    @Benchmark
    public boolean bypassDomainHit() {
        return domainBypass.forbids("tcp", domainHit[key()], PORT);
    }

    @Benchmark
    public boolean bypassDomainMiss() {
        return domainBypass.forbids("tcp", domainMiss[key()], PORT);
    }

    @Benchmark
    public boolean admissionIpv4Hit() {
        return ipv4Admission.admits(ipv4Hit[key()]);
    }

    @Benchmark
    public boolean admissionIpv4Miss() {
        return ipv4Admission.admits(ipv4Miss[key()]);
    }

    @Benchmark
    public boolean admissionIpv6Hit() {
        return ipv6Admission.admits(ipv6Hit[key()]);
    }

    @Benchmark
    public boolean admissionIpv6Miss() {
        return ipv6Admission.admits(ipv6Miss[key()]);
    }

    // ---- reloading under traffic ---------------------------------------------------------------------------------

    /** The check a service makes at accept (the admission as registered now), alone: the baseline. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public boolean admitAlone() {
        return admission.get().admits(ipv4Hit[key()]);
    }

    /** The same check while {@link #reloadWhileChecking} reloads the admission from its file without a pause. */
    @Benchmark
    @Group("reload")
    @GroupThreads(1)
    @BenchmarkMode(Mode.SampleTime)
    public boolean admitWhileReloading() {
        return admission.get().admits(ipv4Hit[key()]);
    }

    @Benchmark
    @Group("reload")
    @GroupThreads(1)
    @BenchmarkMode(Mode.SampleTime)
    public Object reloadWhileChecking() {
        services.put(admissionConfig);
        return admission.get();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    static byte[] mask(byte[] ip, int bits) {
        byte[] masked = ip.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    /** A random address inside {@code network/bits}. */
    private static byte[] inside(SplittableRandom random, byte[] network, int bits) {
        byte[] host = randomBytes(random, network.length);
        byte[] address = network.clone();
        for (int i = 0; i < address.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            int hostMask = ~(0xff << (8 - keep)) & 0xff;
            address[i] |= (byte) (host[i] & hostMask);
        }
        return address;
    }

    /** A random address of that length that no rule of {@code table} contains (a whitelist-free admission). */
    private static byte[] outside(SplittableRandom random, int length, Admission table) {
        for (;;) {
            byte[] candidate = randomBytes(random, length);
            if (length == 16) {
                candidate[0] = (byte) (0x20 | (candidate[0] & 0x0f));
            } else if ((candidate[0] & 0xff) == 0 || (candidate[0] & 0xff) >= 224) {
                continue;
            }
            if (table.admits(candidate)) {
                return candidate;
            }
        }
    }

    private static String text(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip).getHostAddress();
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark set-up is wrong: " + what);
        }
    }
}
