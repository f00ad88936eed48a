package io.gost.runtime.config;

import io.gost.api.Credentials;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The value of GOST's {@code -api} and {@code -metrics} flags: {@code [user:pass@]addr[?key=value&...]}.
 * Every query key is one the flag reads; any other is refused, naming it.
 */
record FlagUrl(String flag, String value, Credentials credentials, String address, Map<String, String> queries) {

    static FlagUrl parse(String flag, String value, List<String> keys) {
        Origin origin = new Origin(flag + " '" + value + "'", 0, "");
        String rest = value.trim();
        if (rest.startsWith("unix://")) {
            throw new ConfigException(origin, Unsupported.message("a unix socket address", "ops")
                    + " (give host:port)");
        }
        Map<String, String> queries = new LinkedHashMap<>();
        int query = rest.indexOf('?');
        if (query >= 0) {
            for (String pair : rest.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String key = decode(equals < 0 ? pair : pair.substring(0, equals));
                String known = keys.stream().filter(k -> k.equalsIgnoreCase(key)).findFirst().orElse(null);
                if (known == null) {
                    throw new ConfigException(new Origin(flag + " '" + value + "'", 0, "?" + key),
                            "unknown key '" + key + "'; " + flag + " takes " + String.join(", ", keys));
                }
                queries.put(known.toLowerCase(Locale.ROOT), equals < 0 ? "true" : decode(pair.substring(equals + 1)));
            }
            rest = rest.substring(0, query);
        }
        Credentials credentials = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            int colon = userInfo.indexOf(':');
            credentials = new Credentials(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)),
                    colon < 0 ? "" : decode(userInfo.substring(colon + 1)));
            rest = rest.substring(at + 1);
        }
        if (rest.isBlank()) {
            throw new ConfigException(origin, "give an address such as :18080 or 127.0.0.1:18080");
        }
        return new FlagUrl(flag, value, credentials, rest, queries);
    }

    Origin origin() {
        return new Origin(flag + " '" + value + "'", 0, "");
    }

    String query(String key) {
        return queries.get(key.toLowerCase(Locale.ROOT));
    }

    boolean bool(String key) {
        String text = query(key);
        if (text == null) {
            return false;
        }
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new ConfigException(new Origin(flag + " '" + value + "'", 0, "?" + key),
                    "expected true or false, got '" + text + "'");
        }
        return Boolean.parseBoolean(text);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
