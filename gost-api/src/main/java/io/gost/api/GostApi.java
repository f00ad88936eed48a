package io.gost.api;

/**
 * Facts about the SPI itself.
 *
 * <p>The SPI only grows by added {@code default} methods; {@link #SPI_VERSION} changes when a change
 * would break a plugin compiled against an earlier version. The runtime compares it with the
 * {@code Gost-SPI-Version} attribute in a plugin jar's manifest.
 */
public final class GostApi {

    /** The version of this SPI. Plugins record the version they were built against in their manifest. */
    public static final int SPI_VERSION = 1;

    /** The manifest attribute in which a plugin jar records the SPI version it was built for. */
    public static final String SPI_VERSION_ATTRIBUTE = "Gost-SPI-Version";

    private GostApi() {
    }
}
