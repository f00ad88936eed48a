/**
 * Log4j's configuration for {@code bin/gost}: {@link io.gost.logging.ShippedConfigurationFactory} builds the
 * configuration of the shipped {@code conf/log4j2.xml} in code, and leaves any other file to Log4j.
 */
module io.gost.logging {
    requires org.apache.logging.log4j;
    requires org.apache.logging.log4j.core;

    // Log4j instantiates the factory by the class name in -Dlog4j2.configurationFactory (LoaderUtil, in
    // the API module) and calls it from core.
    exports io.gost.logging to org.apache.logging.log4j, org.apache.logging.log4j.core;
}
