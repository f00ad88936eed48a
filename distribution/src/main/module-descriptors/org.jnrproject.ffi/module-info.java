// jnr-ffi (lib/jnr-ffi-*.jar). It generates the implementation of a library interface (gost's LibC) with
// ASM into a class loader of its own, whose unnamed module reads every module; the interface's package
// must be exported (io.gost.plugin.netns does). Open, so that every package of jnr-ffi is, at run time,
// exported to those generated classes as it was while jnr-ffi was an automatic module.
open module org.jnrproject.ffi {
    requires transitive org.jnrproject.jffi;
    requires transitive org.objectweb.asm;
    requires java.logging;
    requires jnr.a64asm;
    requires jnr.x86asm;
}
