package io.gost.plugin.netns.libc;

import jnr.ffi.annotations.SaveError;

/**
 * The four C library functions that put a thread into a network namespace, bound by jnr-ffi.
 *
 * <p>This is the only exported package of the module, and only because it must be: jnr-ffi generates the
 * implementation of this interface into a class loader of its own, in an unnamed module, and a class can
 * implement an interface only if its package is exported to it (a qualified export cannot name an unnamed
 * module). The interface grants nothing that any code could not bind with jnr-ffi itself.
 */
public interface LibC {

    /** {@code open(2)}; {@code mode} is ignored unless {@code flags} contains O_CREAT. */
    @SaveError
    int open(String path, int flags, int mode);

    /** {@code setns(2)}: moves the calling thread, and only it, into the namespace {@code fd} refers to. */
    @SaveError
    int setns(int fd, int nstype);

    /** {@code close(2)}. */
    @SaveError
    int close(int fd);

    /** {@code strerror(3)}: the C library's text for an errno value. */
    String strerror(int errnum);
}
