// jnr-a64asm (lib/jnr-a64asm-*.jar): jnr-ffi's AArch64 assembler. Named after the jar, as the JDK named
// the automatic module (the jar has no Automatic-Module-Name).
open module jnr.a64asm {
}
