package io.gost.runtime.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Finds where the braces and brackets of a HOCON or JSON document stop matching. typesafe-config reports a
 * missing {@code }} where it gives up, often at the end of the file and as "a close parentheses", which sends
 * the user to the wrong place; this names the bracket that was left open and the line it was opened on.
 */
final class Brackets {

    /** A mismatch: the line to report, and what is wrong there. */
    record Mismatch(int line, String message) {
    }

    private record Open(char bracket, int line) {
    }

    private Brackets() {
    }

    /** The first mismatch in {@code text}, skipping strings, comments and {@code ${substitutions}}. */
    static Optional<Mismatch> find(String text) {
        Deque<Open> open = new ArrayDeque<>();
        int line = 1;
        int i = 0;
        int length = text.length();
        while (i < length) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (c == '#' || (c == '/' && i + 1 < length && text.charAt(i + 1) == '/')) {
                while (i < length && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                end = end < 0 ? length : end + 3;
                line += count(text, i, end);
                i = end;
            } else if (c == '"') {
                i++;
                while (i < length && text.charAt(i) != '"' && text.charAt(i) != '\n') {
                    i += text.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else if (c == '$' && i + 1 < length && text.charAt(i + 1) == '{') {
                int end = text.indexOf('}', i);
                i = end < 0 ? length : end + 1;
            } else if (c == '{' || c == '[') {
                open.push(new Open(c, line));
                i++;
            } else if (c == '}' || c == ']') {
                Open top = open.poll();
                if (top == null) {
                    return Optional.of(new Mismatch(line, "'" + c + "' closes nothing: every '{' and '[' before it"
                            + " is already closed"));
                }
                char expected = top.bracket() == '{' ? '}' : ']';
                if (c != expected) {
                    return Optional.of(new Mismatch(line, "'" + c + "' does not match the '" + top.bracket()
                            + "' opened on line " + top.line() + ": a '" + expected + "' is missing between them"));
                }
                i++;
            } else {
                i++;
            }
        }
        Open unclosed = open.peek();
        if (unclosed != null) {
            char expected = unclosed.bracket() == '{' ? '}' : ']';
            return Optional.of(new Mismatch(unclosed.line(), "the '" + unclosed.bracket() + "' opened here is never"
                    + " closed: a '" + expected + "' is missing"));
        }
        return Optional.empty();
    }

    private static int count(String text, int from, int to) {
        int lines = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
