package io.gost.runtime.limit;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as GOST's limiters write them (alecthomas/units ParseBase2Bytes): {@code B}, {@code KB} or
 * {@code KiB}, {@code MB}/{@code MiB}, {@code GB}/{@code GiB}, {@code TB}/{@code TiB}, all multiples of 1024,
 * optionally with a fraction ({@code 1.5MB}); a bare number is bytes. Zero or a negative size means no limit.
 * GOST reads {@code kB}, {@code mb} or a bare number as no limit at all, silently; gost-java reads a bare
 * number as bytes and refuses the others, naming them.
 */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");

    private Sizes() {
    }

    /**
     * The size in bytes; 0 for no limit.
     *
     * @throws IllegalArgumentException naming {@code text} when it is no size
     */
    public static long parse(String text) {
        Matcher matcher = SIZE.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as 512KB, 10MB or 1GB");
        }
        double number = Double.parseDouble(matcher.group(1));
        long unit = switch (matcher.group(2)) {
            case "", "B" -> 1L;
            case "KB", "KiB" -> 1L << 10;
            case "MB", "MiB" -> 1L << 20;
            case "GB", "GiB" -> 1L << 30;
            case "TB", "TiB" -> 1L << 40;
            default -> throw new IllegalArgumentException("'" + text + "': unit '" + matcher.group(2)
                    + "' is not one of B, KB, MB, GB, TB (or KiB, MiB, GiB, TiB; all multiples of 1024, written"
                    + " with these capitals" + (matcher.group(2).toUpperCase(Locale.ROOT).matches("[KMGT]I?B")
                    ? ": write " + matcher.group(2).toUpperCase(Locale.ROOT).replace("I", "i") : "") + ")");
        };
        double bytes = number * unit;
        if (bytes <= 0) {
            return 0;
        }
        if (bytes >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return (long) bytes;
    }

    /** {@code 1.5MB}-style text for messages and {@code gost check}. */
    public static String format(long bytes) {
        if (bytes <= 0) {
            return "unlimited";
        }
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return (value == Math.floor(value) ? Long.toString((long) value) : Double.toString(value)) + units[unit];
    }
}
