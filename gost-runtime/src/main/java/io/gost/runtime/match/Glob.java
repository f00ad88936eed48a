package io.gost.runtime.match;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A host name wildcard as GOST's matchers (gobwas/glob) read it: {@code *} any run of characters (dots
 * included), {@code ?} one character, {@code [abc]}, {@code [a-z]} and {@code [!abc]} one of (or none of)
 * a set, {@code {a,b}} one of several alternatives, {@code \} to take the next character literally. Matched
 * against the whole lower-cased name.
 */
public final class Glob {

    private final String text;
    private final Pattern pattern;

    private Glob(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    /** True when {@code text} has any of the characters that make a wildcard. */
    public static boolean isWildcard(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    /**
     * Compiles {@code glob} (lower-cased first).
     *
     * @throws IllegalArgumentException when a set or an alternative is not closed
     */
    public static Glob compile(String glob) {
        String lower = glob.toLowerCase(java.util.Locale.ROOT);
        StringBuilder regex = new StringBuilder();
        int alternatives = 0;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '\\' -> {
                    if (i + 1 < lower.length()) {
                        regex.append(Pattern.quote(String.valueOf(lower.charAt(++i))));
                    } else {
                        regex.append("\\\\");
                    }
                }
                case '[' -> {
                    int close = lower.indexOf(']', i + 1);
                    if (close < 0) {
                        throw new IllegalArgumentException("'" + glob + "' opens '[' without closing it");
                    }
                    String set = lower.substring(i + 1, close);
                    boolean negated = set.startsWith("!");
                    if (negated) {
                        set = set.substring(1);
                    }
                    regex.append('[').append(negated ? "^" : "")
                            .append(set.replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&"))
                            .append(']');
                    i = close;
                }
                case '{' -> {
                    alternatives++;
                    regex.append("(?:");
                }
                case '}' -> {
                    if (alternatives == 0) {
                        regex.append("\\}");
                    } else {
                        alternatives--;
                        regex.append(')');
                    }
                }
                case ',' -> regex.append(alternatives > 0 ? "|" : ",");
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (alternatives > 0) {
            throw new IllegalArgumentException("'" + glob + "' opens '{' without closing it");
        }
        try {
            return new Glob(glob, Pattern.compile(regex.toString()));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + glob + "' is not a wildcard GOST can read: " + e.getDescription());
        }
    }

    /** True when the lower-cased {@code name} matches as a whole. */
    public boolean matches(String name) {
        return pattern.matcher(name).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
