package io.gost.logging;

import java.net.URI;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.config.ConfigurationSource;

/**
 * Gives Log4j gost's configuration ({@link GostLogConfiguration}) when it has no configuration file,
 * and leaves every file to Log4j's own factories: a Log4j configuration of the user's own wins.
 *
 * <p>{@code bin/gost} names this factory with {@code -Dlog4j2.configurationFactory} (so it needs a public
 * no-argument constructor) and gives Log4j a file only when the user has one: {@code conf/log4j2.xml} in
 * the gost tree, or {@code -Dlog4j2.configurationFile} in {@code JAVA_OPTS}. Log4j asks a factory for
 * every type ({@code "*"}) without a location only when no file was given.
 */
public final class GostConfigurationFactory extends ConfigurationFactory {

    /** Every type: Log4j asks such a factory when it was given no file. */
    private static final String[] SUPPORTED_TYPES = {"*"};

    @Override
    protected String[] getSupportedTypes() {
        return SUPPORTED_TYPES;
    }

    /** gost's configuration when Log4j was given no file; otherwise {@code null}, and Log4j reads the file. */
    @Override
    public Configuration getConfiguration(LoggerContext loggerContext, String name, URI configLocation) {
        if (configLocation != null) {
            return null;
        }
        return GostLogConfiguration.fromSystemProperties(loggerContext);
    }

    /** Every configuration file is Log4j's to read. */
    @Override
    public Configuration getConfiguration(LoggerContext loggerContext, ConfigurationSource source) {
        return null;
    }
}
