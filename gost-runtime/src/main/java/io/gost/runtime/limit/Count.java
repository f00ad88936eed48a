package io.gost.runtime.limit;

import java.util.List;

/**
 * A connection limiter's or request-rate limiter's line: a limit and the key it was written under, to name
 * it when it refuses someone.
 *
 * @param limit connections at once, or requests per second
 * @param key   {@code $}, {@code $$}, an IP or a CIDR, as written
 */
public record Count(double limit, String key) {

    /** Reads a connection limiter's {@code N} (whole, above 0; 0 or less means no limit). */
    public static Count connections(String key, List<String> words) {
        if (words.size() != 1) {
            throw new IllegalArgumentException("expected one number of connections, got " + words.size() + " values");
        }
        long limit;
        try {
            limit = Long.parseLong(words.get(0));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + words.get(0) + "' is not a whole number of connections");
        }
        return limit <= 0 ? null : new Count(limit, key);
    }

    /** Reads a request-rate limiter's {@code R} (requests per second, a fraction allowed; 0 or less: none). */
    public static Count requests(String key, List<String> words) {
        if (words.size() != 1) {
            throw new IllegalArgumentException("expected one number of requests per second, got " + words.size()
                    + " values");
        }
        double limit;
        try {
            limit = Double.parseDouble(words.get(0));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + words.get(0) + "' is not a number of requests per second");
        }
        return !(limit > 0) ? null : new Count(limit, key);
    }

    /** GOST's burst for a request rate: int(R) + 1. */
    long burst() {
        return (long) limit + 1;
    }

    @Override
    public String toString() {
        return key + " " + (limit == Math.floor(limit) ? Long.toString((long) limit) : Double.toString(limit));
    }
}
