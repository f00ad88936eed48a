package io.gost.runtime.limit.quota;

import com.typesafe.config.ConfigUtil;
import io.gost.runtime.config.QuotaConfig;
import io.gost.runtime.control.RedisClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Where quota counters are kept across restarts, in GOST's format ({@code x/limiter/quota/store*.go}): one
 * {@link Record} per quota name, as JSON. Called on the quotas' own thread only, never on an event loop.
 */
public interface QuotaStore {

    /**
     * A quota's counter as GOST writes it: bytes used, the limit, the window (Unix nanoseconds, 0 for unset)
     * and when it was written.
     */
    record Record(long used, long limit, long startsAt, long expiresAt, long updatedAt) {

        String json() {
            return "{\"used\":" + Long.toUnsignedString(used) + ",\"limit\":" + limit + ",\"startsAt\":" + startsAt
                    + ",\"expiresAt\":" + expiresAt + ",\"updatedAt\":" + updatedAt + "}";
        }

        static Record of(Object parsed) throws IOException {
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new IOException("a quota record is a JSON object, got " + parsed);
            }
            return new Record(number(map, "used"), number(map, "limit"), number(map, "startsAt"),
                    number(map, "expiresAt"), number(map, "updatedAt"));
        }

        private static long number(Map<?, ?> map, String key) throws IOException {
            Object value = map.get(key);
            if (value == null) {
                return 0;
            }
            if (value instanceof Number number) {
                return number.longValue();
            }
            throw new IOException("'" + key + "' of a quota record is not a number: " + value);
        }
    }

    /** The record of {@code name}, empty when there is none yet. */
    Optional<Record> load(String name) throws IOException;

    /** Writes the record of {@code name}. */
    void save(String name, Record record) throws IOException;

    /** For log lines: the file or the Redis hash (never a password). */
    String describe();

    /** The address a redis store's {@code addr} names, or an {@link IllegalArgumentException} saying why not. */
    static InetSocketAddress redisAddress(String addr) {
        return RedisClient.parseAddress(addr);
    }

    /** The store {@code config} describes (stores are shared by {@link Quotas}, one per file or hash). */
    static QuotaStore of(QuotaConfig.Store config) {
        return config.file() != null ? new FileStore(Path.of(config.file())) : new RedisStore(config.redis());
    }

    /**
     * GOST's file store: every quota of one file in one JSON object, keyed by name, written whole at every save
     * to a temporary file that is then renamed over it, so that a crash leaves the old file or the new one. A
     * missing file is an empty store, as in GOST.
     */
    final class FileStore implements QuotaStore {
        private final Path file;
        private Map<String, Record> records;

        FileStore(Path file) {
            this.file = file.toAbsolutePath();
        }

        @Override
        public synchronized Optional<Record> load(String name) throws IOException {
            return Optional.ofNullable(records().get(name));
        }

        @Override
        public synchronized void save(String name, Record record) throws IOException {
            Map<String, Record> all = new TreeMap<>(records == null ? Map.of() : records);
            all.put(name, record);
            StringBuilder json = new StringBuilder("{");
            String separator = "\n";
            for (Map.Entry<String, Record> entry : all.entrySet()) {
                json.append(separator).append("  ").append(ConfigUtil.quoteString(entry.getKey())).append(": ")
                        .append(entry.getValue().json());
                separator = ",\n";
            }
            json.append("\n}\n");
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, json, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            records = all;
        }

        /** Read once: afterwards this store's own saves keep it current (GOST's file store does the same). */
        private Map<String, Record> records() throws IOException {
            if (records == null) {
                Map<String, Record> read = new TreeMap<>();
                String text;
                try {
                    text = Files.readString(file, StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    records = read;
                    return records;
                }
                Object parsed;
                try {
                    parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
                } catch (RuntimeException e) {
                    throw new IOException(file + " is not JSON: " + e.getMessage(), e);
                }
                if (parsed != null) {
                    if (!(parsed instanceof Map<?, ?> map)) {
                        throw new IOException(file + " is not a JSON object of quota records");
                    }
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        read.put(String.valueOf(entry.getKey()), Record.of(entry.getValue()));
                    }
                }
                records = read;
            }
            return records;
        }

        @Override
        public String describe() {
            return "file " + file;
        }
    }

    /**
     * A Redis hash: field = quota name, value = the record as JSON ({@code HGET}/{@code HSET}), the schema GOST's
     * code names for its redis store, which GOST itself has not written yet (its redis store keeps nothing).
     * One short connection per load or save, on the quotas' thread.
     */
    final class RedisStore implements QuotaStore {
        private static final Duration TIMEOUT = Duration.ofSeconds(3);
        private final QuotaConfig.Redis config;

        RedisStore(QuotaConfig.Redis config) {
            this.config = config;
        }

        @Override
        public Optional<Record> load(String name) throws IOException {
            try (RedisClient client = connect()) {
                Object value = client.command("HGET", config.key(), name);
                if (value == null) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Record.of(new Yaml(new SafeConstructor(new LoaderOptions()))
                            .load(String.valueOf(value))));
                } catch (RuntimeException e) {
                    throw new IOException("HGET " + config.key() + " " + name + " is not JSON: " + e.getMessage(), e);
                }
            }
        }

        @Override
        public void save(String name, Record record) throws IOException {
            try (RedisClient client = connect()) {
                client.command("HSET", config.key(), name, record.json());
            }
        }

        private RedisClient connect() throws IOException {
            return RedisClient.connect(config.addr(), TIMEOUT, blankToNull(config.username()),
                    blankToNull(config.password()), config.db());
        }

        private static String blankToNull(String text) {
            return text == null || text.isEmpty() ? null : text;
        }

        @Override
        public String describe() {
            return config.toString();
        }
    }
}
