package io.gost.runtime.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.gost.runtime.control.PluginClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * How a limiter plugin's answers become buckets: what is asked when, what is shared, how long an answer is kept,
 * and what a failed or zero answer means. The plugin is a stand-in that records questions and is answered by the
 * test (the HTTP exchange itself is {@code HttpPluginClient}'s, tested with a real server in LimiterPluginIT).
 */
class PluginLimitsTest {

    private static final InetSocketAddress ALICE_ADDRESS = new InetSocketAddress("127.0.0.1", 40001);
    private static final InetSocketAddress BOB_ADDRESS = new InetSocketAddress("127.0.0.1", 40002);
    private static final Duration REFRESH = Duration.ofSeconds(1);

    private final RecordingPlugin plugin = new RecordingPlugin();
    private final PluginLimits limits = new PluginLimits("limiter-0", plugin);

    @Test
    void aNewConnectionAsksForTheServiceOnceAndForItselfWithItsSource() {
        PluginLimits.Paced first = limits.openForService("proxy", "tcp", ALICE_ADDRESS, TrafficLimiter.Scope.ALL,
                REFRESH);
        PluginLimits.Paced second = limits.openForService("proxy", "tcp", BOB_ADDRESS, TrafficLimiter.Scope.ALL,
                REFRESH);

        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(plugin.questions()).containsExactly(
                "{\"service\":\"proxy\",\"scope\":\"service\",\"network\":\"tcp\",\"addr\":\"\",\"client\":\"\","
                        + "\"src\":\"\"}",
                "{\"service\":\"proxy\",\"scope\":\"conn\",\"network\":\"tcp\",\"addr\":\"\",\"client\":\"\","
                        + "\"src\":\"127.0.0.1:40001\"}",
                "{\"service\":\"proxy\",\"scope\":\"conn\",\"network\":\"tcp\",\"addr\":\"\",\"client\":\"\","
                        + "\"src\":\"127.0.0.1:40002\"}");
    }

    @Test
    void aServicesScopeAsksOnlyWhatItAllows() {
        limits.openForService("proxy", "tcp", ALICE_ADDRESS, TrafficLimiter.Scope.SERVICE, REFRESH);
        limits.openForService("other", "udp", ALICE_ADDRESS, TrafficLimiter.Scope.CONNECTION, REFRESH);

        assertThat(plugin.questions()).containsExactly(
                "{\"service\":\"proxy\",\"scope\":\"service\",\"network\":\"tcp\",\"addr\":\"\",\"client\":\"\","
                        + "\"src\":\"\"}",
                "{\"service\":\"other\",\"scope\":\"conn\",\"network\":\"udp\",\"addr\":\"\",\"client\":\"\","
                        + "\"src\":\"127.0.0.1:40001\"}");
    }

    @Test
    void aConnectionIsHeldUntilTheFirstAnswerAndPaysForWhatPassedBeforeIt() {
        PluginLimits.Paced paced = limits.openForService("proxy", "tcp", ALICE_ADDRESS,
                TrafficLimiter.Scope.CONNECTION, REFRESH);
        assertThat(paced.ready()).as("held until the answer").isNotDone();
        assertThat(paced.fromClient().onRead(64 * 1024)).as("moved anyway: counted").isZero();

        plugin.answer(0, "{\"in\": 16384, \"out\": 0}");

        assertThat(paced.ready()).isDone();

        // 64 KB owed plus 1 byte at 16 KB/s from an empty bucket: about 4 s of debt.
        assertThat(Duration.ofNanos(paced.fromClient().onRead(1))).isBetween(Duration.ofMillis(2900),
                Duration.ofMillis(4100));
        assertThat(paced.toClient().onRead(1_000_000)).as("out: 0 is no limit").isZero();
        assertThat(paced.fromClient().readSizeLimit()).isEqualTo(1024);
    }

    @Test
    void aRateFarAboveTheLinkLeavesReadsAndWritesAsTheTransportMakesThemAndALowOneCutsThem() {
        PluginLimits.Paced paced = limits.openForService("proxy", "tcp", ALICE_ADDRESS,
                TrafficLimiter.Scope.CONNECTION, REFRESH);
        plugin.answer(0, "{\"in\": 1099511627776, \"out\": 1048576}");

        assertThat(paced.fromClient().readSizeLimit()).as("1 TB/s: no cut (the transport reads 128 KiB)").isZero();
        assertThat(paced.toClient().readSizeLimit()).as("1 MB/s: a sixteenth of a second").isEqualTo(64 * 1024);
    }

    @Test
    void aConnectionWhoseAnswersAreKnownAndLimitNothingIsNotPaced() {
        limits.openForService("proxy", "tcp", ALICE_ADDRESS, TrafficLimiter.Scope.SERVICE, REFRESH);
        plugin.answer(0, "{\"in\": 0, \"out\": -1}");

        assertThat(limits.openForService("proxy", "tcp", BOB_ADDRESS, TrafficLimiter.Scope.SERVICE, REFRESH))
                .isNull();
    }

    @Test
    void anAnswerIsKeptForTheRefreshIntervalThenAskedAgainAndAChangeReRatesTheBucket() {
        PluginLimits.Paced paced = limits.openForService("proxy", "tcp", ALICE_ADDRESS, TrafficLimiter.Scope.SERVICE,
                REFRESH);
        plugin.answer(0, "{\"in\": 1000000, \"out\": 1000000}");
        paced.fromClient().onRead(1);
        assertThat(plugin.questions()).as("kept within the refresh interval").hasSize(1);

        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
            paced.fromClient().onRead(1);
            return plugin.questions().size() == 2;
        });
        plugin.answer(1, "{\"in\": 1000, \"out\": 1000000}");

        assertThat(paced.fromClient().readSizeLimit()).as("re-rated to 1000 B/s").isEqualTo(1024);
        // 3000 B at 1000 B/s, a second of it from the bucket: 2 s.
        assertThat(Duration.ofNanos(paced.fromClient().onRead(3000))).isGreaterThan(Duration.ofMillis(1500));
    }

    @Test
    void aPluginThatCannotBeAskedKeepsTheRatesInForce() {
        PluginLimits.Paced paced = limits.openForService("proxy", "tcp", ALICE_ADDRESS, TrafficLimiter.Scope.SERVICE,
                REFRESH);
        plugin.answer(0, "{\"in\": 1000, \"out\": 1000}");
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
            paced.toClient().onRead(1);
            return plugin.questions().size() == 2;
        });

        plugin.fail(1);

        assertThat(paced.toClient().readSizeLimit()).as("still 1000 B/s").isEqualTo(1024);
    }

    @Test
    void aHandlersLimiterSharesOneAnswerPerClientIdAndAsksWithTheTarget() {
        PluginLimits.Paced alice = limits.openForClient("proxy", "alice", "tcp", "example.com:443", ALICE_ADDRESS,
                REFRESH);
        PluginLimits.Paced aliceAgain = limits.openForClient("proxy", "alice", "tcp", "example.org:80", BOB_ADDRESS,
                REFRESH);
        PluginLimits.Paced bob = limits.openForClient("proxy", "bob", "tcp", "example.org:80", BOB_ADDRESS, REFRESH);

        assertThat(plugin.questions()).containsExactly(
                "{\"service\":\"proxy\",\"scope\":\"client\",\"network\":\"tcp\",\"addr\":\"example.com:443\","
                        + "\"client\":\"alice\",\"src\":\"127.0.0.1:40001\"}",
                "{\"service\":\"proxy\",\"scope\":\"client\",\"network\":\"tcp\",\"addr\":\"example.org:80\","
                        + "\"client\":\"bob\",\"src\":\"127.0.0.1:40002\"}");
        plugin.answer(0, "{\"in\": 1000, \"out\": 1000}");
        plugin.answer(1, "{\"in\": 0, \"out\": 0}");
        alice.toClient().onRead(1000);
        assertThat(aliceAgain.toClient().onRead(1000)).as("alice's connections share her bucket").isPositive();
        assertThat(bob.toClient().onRead(1_000_000)).as("bob is not limited").isZero();
    }

    @Test
    void sharedAnswersNobodyUsedForTheCleanupIntervalAreDropped() {
        PluginLimits.Paced paced = limits.openForClient("proxy", "alice", "tcp", "example.com:443", ALICE_ADDRESS,
                REFRESH);
        limits.sweep(Duration.ZERO);
        assertThat(limits.sharedAnswers()).as("in use").isEqualTo(1);

        paced.close();
        limits.sweep(Duration.ZERO);

        assertThat(limits.sharedAnswers()).isZero();
    }

    /** A plugin whose answers the test gives, in the order of the questions. */
    private static final class RecordingPlugin implements PluginClient {
        private final List<String> questions = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Config>> answers = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Config> post(String json, String consequence) {
            questions.add(json);
            CompletableFuture<Config> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }

        @Override
        public String address() {
            return "http://plugin.test/limiter";
        }

        List<String> questions() {
            return questions;
        }

        void answer(int question, String json) {
            answers.get(question).complete(ConfigFactory.parseString(json));
        }

        void fail(int question) {
            answers.get(question).completeExceptionally(new IOException("cannot reach the plugin"));
        }
    }
}
