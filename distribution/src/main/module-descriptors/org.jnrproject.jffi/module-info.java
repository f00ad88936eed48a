// jffi (lib/jffi-*.jar, without classifier): the JNI half of jnr-ffi. It loads its native library from
// jffi's native jar (org.jnrproject.jffi.nativelibs) through the class loader, and uses sun.misc.Unsafe.
open module org.jnrproject.jffi {
    requires java.logging;
    requires transitive jdk.unsupported;
}
