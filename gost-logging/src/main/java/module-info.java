/**
 * gost's logging for {@code bin/gost}: {@link io.gost.logging.GostConfigurationFactory} gives Log4j the
 * configuration built in code, unless the user gives Log4j a file of their own; {@code GostLogBackend}
 * follows the configuration's {@code log} section at every reload and reopens files on SIGUSR1.
 */
module io.gost.logging {
    requires org.apache.logging.log4j;
    requires org.apache.logging.log4j.core;
    requires io.gost.runtime;

    // Log4j instantiates the factory by the class name in -Dlog4j2.configurationFactory (LoaderUtil, in
    // the API module) and calls it from core.
    exports io.gost.logging to org.apache.logging.log4j, org.apache.logging.log4j.core;

    provides io.gost.runtime.logging.LogBackend with io.gost.logging.GostLogBackend;
}
