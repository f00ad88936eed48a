package io.gost.testkit;

import io.gost.testkit.plugin.AbstractServiceRegistrationTest;

/** The recording provider is registered the same way in module-info and in META-INF/services. */
class ServiceRegistrationTest extends AbstractServiceRegistrationTest {
}
