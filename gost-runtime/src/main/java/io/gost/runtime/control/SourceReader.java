package io.gost.runtime.control;

import io.gost.runtime.config.DataSources;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the data sources of one control object (file, Redis, HTTP), in GOST's order of precedence (each later
 * source wins over earlier ones for the same key, so they are returned in that order). Blocking: run it on the
 * control thread, never on an event loop.
 *
 * <p>A source that cannot be read keeps the lines it gave last time (none before its first success), so a
 * Redis restart or a file being rewritten does not drop every user or rule; the failure is logged when it
 * starts or changes, and the recovery when it ends, not on every reload.
 */
public final class SourceReader {

    private static final Logger log = LoggerFactory.getLogger(SourceReader.class);
    /** For connects and answers when an HTTP source sets no timeout of its own, and for Redis. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** What a Redis key holds for this kind of object. */
    public enum RedisShape {
        /** A set or list (as the source's {@code type} says) of lines. */
        LINES,
        /** A hash of field and value, returned as {@code field value} lines (authers: user and password). */
        HASH
    }

    private final String owner;
    private final DataSources sources;
    private final RedisShape redisShape;
    private final Source file;
    private final Source redis;
    private final Source http;
    private HttpClient httpClient;

    /**
     * @param owner      names the object in log lines: {@code auther users}
     * @param sources    what to read
     * @param redisShape what its Redis key holds
     */
    public SourceReader(String owner, DataSources sources, RedisShape redisShape) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.redisShape = Objects.requireNonNull(redisShape, "redisShape");
        this.file = sources.file() == null ? null : new Source("file " + sources.file());
        this.redis = sources.redis() == null ? null : new Source(sources.redis().toString());
        this.http = sources.http() == null ? null : new Source("http " + sources.http().url());
    }

    public DataSources sources() {
        return sources;
    }

    /** True when there is anything to read. */
    public boolean hasSources() {
        return file != null || redis != null || http != null;
    }

    /** Reads every source now; the lines of file, then Redis, then HTTP. */
    public synchronized List<String> read() {
        List<String> lines = new ArrayList<>();
        if (file != null) {
            lines.addAll(file.read(() -> Files.readAllLines(Path.of(sources.file()), StandardCharsets.UTF_8)));
        }
        if (redis != null) {
            lines.addAll(redis.read(this::readRedis));
        }
        if (http != null) {
            lines.addAll(http.read(this::readHttp));
        }
        return lines;
    }

    private List<String> readRedis() throws IOException {
        DataSources.Redis config = sources.redis();
        try (RedisClient client = RedisClient.connect(config.addr(), DEFAULT_TIMEOUT, config.username(),
                config.password(), config.db())) {
            if (redisShape == RedisShape.HASH) {
                List<String> flat = client.hash(config.key());
                List<String> lines = new ArrayList<>(flat.size() / 2);
                for (int i = 0; i + 1 < flat.size(); i += 2) {
                    lines.add(flat.get(i) + " " + flat.get(i + 1));
                }
                return lines;
            }
            return config.type().equals("list") ? client.range(config.key()) : client.members(config.key());
        }
    }

    private List<String> readHttp() throws IOException, InterruptedException {
        DataSources.Http config = sources.http();
        Duration timeout = config.timeout() == null ? DEFAULT_TIMEOUT : config.timeout();
        if (httpClient == null) {
            httpClient = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.url())).timeout(timeout).GET().build();
        HttpResponse<String> response = httpClient.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return response.body().lines().toList();
    }

    @FunctionalInterface
    private interface Load {
        List<String> load() throws Exception;
    }

    /** One source and what it gave last. */
    private final class Source {
        private final String label;
        private List<String> lastGood = List.of();
        private String failing;

        Source(String label) {
            this.label = label;
        }

        List<String> read(Load load) {
            try {
                List<String> lines = load.load();
                if (failing != null) {
                    log.info("{}: {} can be read again ({} lines)", owner, label, lines.size());
                    failing = null;
                }
                lastGood = List.copyOf(lines);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                String why = describe(e);
                if (!why.equals(failing)) {
                    log.warn("{}: cannot read {}: {}; keeping the {} lines read before", owner, label, why,
                            lastGood.size());
                    failing = why;
                }
            }
            return lastGood;
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        String type = e.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }

    @Override
    public String toString() {
        return "SourceReader[" + owner + "]";
    }
}
