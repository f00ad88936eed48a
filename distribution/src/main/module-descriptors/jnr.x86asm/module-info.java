// jnr-x86asm (lib/jnr-x86asm-*.jar): jnr-ffi's x86 assembler. Named after the jar, as the JDK named the
// automatic module (the jar has no Automatic-Module-Name).
open module jnr.x86asm {
}
