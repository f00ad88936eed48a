/**
 * NetnsProvider {@code linux}: sockets created inside Linux network namespaces with {@code setns(2)}
 * through jnr-ffi.
 */
module io.gost.plugin.netns {
    requires io.gost.api;
    requires org.jnrproject.ffi;
    // jnr-ffi is an automatic module and so cannot say that it needs ASM to generate the LibC binding;
    // without this, a module-path launch without --add-modules fails with NoClassDefFoundError
    // org/objectweb/asm/ClassVisitor. jffi and its native library jar are automatic modules too, so they
    // are resolved along with jnr-ffi.
    requires org.objectweb.asm;
    requires org.slf4j;

    // Not an API: jnr-ffi generates the implementation of LibC into an unnamed module of its own class
    // loader, which must be able to access the interface (see LibC). Everything else stays encapsulated.
    exports io.gost.plugin.netns.libc;

    provides io.gost.api.NetnsProvider with io.gost.plugin.netns.LinuxNetnsProvider;
}
