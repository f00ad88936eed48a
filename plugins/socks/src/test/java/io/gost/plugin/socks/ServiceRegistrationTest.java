package io.gost.plugin.socks;

import io.gost.testkit.plugin.AbstractServiceRegistrationTest;

/** This plugin's {@code provides} and {@code META-INF/services} name the same providers. */
class ServiceRegistrationTest extends AbstractServiceRegistrationTest {
}
