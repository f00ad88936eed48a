package io.gost.runtime.match;

/**
 * A port or a port range as GOST writes it after a matcher: {@code 443}, {@code 1000-2000}.
 *
 * @param low  first port, 0-65535
 * @param high last port, not below {@code low}
 */
public record PortRange(int low, int high) {

    /** Every port: a matcher without one. */
    public static final PortRange ANY = new PortRange(0, 65535);

    public PortRange {
        if (low < 0 || high > 65535 || low > high) {
            throw new IllegalArgumentException("not a port range: " + low + "-" + high);
        }
    }

    /**
     * Parses {@code 80} or {@code 1000-2000}.
     *
     * @param pattern the whole matcher, for the message
     * @throws IllegalArgumentException naming {@code text} when it is neither
     */
    public static PortRange parse(String pattern, String text) {
        try {
            int dash = text.indexOf('-');
            int low = Integer.parseInt(dash < 0 ? text : text.substring(0, dash));
            int high = dash < 0 ? low : Integer.parseInt(text.substring(dash + 1));
            if (low >= 0 && high <= 65535 && low <= high) {
                return new PortRange(low, high);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + pattern + "': '" + text + "' is not a port (0-65535) or a port"
                + " range such as 1000-2000");
    }

    public boolean contains(int port) {
        return low <= port && port <= high;
    }

    @Override
    public String toString() {
        return low == high ? Integer.toString(low) : low + "-" + high;
    }
}
