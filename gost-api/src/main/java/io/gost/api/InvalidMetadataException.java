package io.gost.api;

/**
 * A metadata value that cannot be read as its key requires. The message names the key, the value and
 * what was expected; the runtime adds where the key was configured.
 */
public class InvalidMetadataException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidMetadataException(String key, Object value, String expectation) {
        super("metadata '" + key + "': " + expectation + ", got '" + value + "'");
        this.key = key;
    }

    /** The key whose value was rejected. */
    public String key() {
        return key;
    }
}
