package io.gost.runtime.logging;

import io.gost.runtime.config.LogConfig;

/**
 * What writes gost's logs: the runtime logs through SLF4J and tells the backend that bin/gost ships
 * (gost-logging, on Log4j 2) what the configuration's {@code log} section asks for. Found with
 * {@link java.util.ServiceLoader}; without one (a test, an embedding application) the settings are the
 * embedder's business.
 */
public interface LogBackend {

    /**
     * Makes the logging follow {@code settings} (level already decided: {@code -D}/{@code -DD}, then
     * {@code GOST_LOGGER_LEVEL}, then the file). Nothing happens when nothing changed.
     *
     * @return false when a logging configuration of the user's own is in charge, which these settings do not
     *         change
     */
    boolean apply(LogConfig settings);

    /** Closes and opens the log files again, for logrotate: lines go to a new file at the configured path. */
    void reopen();
}
