// jffi's native libraries (lib/jffi-*-native.jar): resources only, under jni/, which is no package, so
// jffi reads them through the class loader as before.
open module org.jnrproject.jffi.nativelibs {
}
