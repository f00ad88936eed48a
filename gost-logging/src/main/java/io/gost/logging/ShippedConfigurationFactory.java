package io.gost.logging;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.config.ConfigurationSource;

/**
 * Gives Log4j the configuration of gost's shipped {@code conf/log4j2.xml} built in code
 * ({@link ShippedConfiguration}), and leaves every other file to Log4j's own factories.
 *
 * <p>Why: Log4j builds a configuration from XML with the JDK's DOM parser and then creates every element
 * by reflection from its plugin annotations (each annotation type a dynamic proxy class, none of which
 * class-data sharing can keep), which is about a tenth of the time until {@code bin/gost}'s ports accept.
 * Building the same appenders, layouts and loggers directly takes a fraction of that.
 *
 * <p>The file stays the user's to change: the configuration is built in code only while the file Log4j was
 * given holds exactly the bytes gost ships (a copy is in this jar), and while the system properties that
 * file reads ({@code gost.log.level}, {@code gost.netty.log.level}) name Log4j levels. Otherwise (an
 * edited file, another file, another level name) this factory answers {@code null} and Log4j reads the
 * file as usual, with the same result it always had. The tests check that both ways log the same bytes.
 *
 * <p>{@code bin/gost} names it with {@code -Dlog4j2.configurationFactory}; it needs a public no-argument
 * constructor for that.
 */
public final class ShippedConfigurationFactory extends ConfigurationFactory {

    /** The shipped file, as a resource of this module. */
    static final String SHIPPED_RESOURCE = "log4j2.xml";

    private static final String[] SUPPORTED_TYPES = {".xml"};

    @Override
    protected String[] getSupportedTypes() {
        return SUPPORTED_TYPES;
    }

    /** The shipped configuration built in code, or {@code null} to let Log4j read the file itself. */
    @Override
    public Configuration getConfiguration(LoggerContext loggerContext, ConfigurationSource source) {
        if (!isShippedFile(source) || !isLevel(ShippedConfiguration.rootLevelName())
                || !isLevel(ShippedConfiguration.nettyLevelName())) {
            return null;
        }
        return new ShippedConfiguration(loggerContext, source);
    }

    /** Whether {@code source} is a file with exactly the shipped bytes (a URL or a stream is not). */
    static boolean isShippedFile(ConfigurationSource source) {
        File file = source.getFile();
        if (file == null) {
            return false;
        }
        try {
            return Arrays.equals(Files.readAllBytes(file.toPath()), shippedBytes());
        } catch (IOException e) {
            return false; // Log4j reads it (or reports why it cannot) as it always did
        }
    }

    static byte[] shippedBytes() {
        try (InputStream in = ShippedConfigurationFactory.class.getResourceAsStream(SHIPPED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the gost-logging jar lacks its copy of conf/log4j2.xml ("
                        + SHIPPED_RESOURCE + "); rebuild it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gost-logging's copy of conf/log4j2.xml", e);
        }
    }

    /**
     * Whether Log4j would read {@code name} as a level where the file says {@code level="${sys:...}"}
     * (its converter calls {@link Level#valueOf}, which ignores case and refuses anything else).
     */
    static boolean isLevel(String name) {
        return !name.isBlank() && Level.getLevel(name.toUpperCase(Locale.ROOT)) != null;
    }
}
