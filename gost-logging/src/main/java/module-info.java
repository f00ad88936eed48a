/**
 * gost's logging for {@code bin/gost}: {@link io.gost.logging.GostConfigurationFactory} gives Log4j the
 * configuration built in code, unless the user gives Log4j a file of their own.
 */
module io.gost.logging {
    requires org.apache.logging.log4j;
    requires org.apache.logging.log4j.core;

    // Log4j instantiates the factory by the class name in -Dlog4j2.configurationFactory (LoaderUtil, in
    // the API module) and calls it from core.
    exports io.gost.logging to org.apache.logging.log4j, org.apache.logging.log4j.core;
}
