// typesafe-config (lib/config-*.jar). ConfigBeanFactory uses java.beans; gost does not use it.
open module typesafe.config {
    requires static java.desktop;
}
