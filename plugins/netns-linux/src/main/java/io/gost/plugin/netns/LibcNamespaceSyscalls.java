package io.gost.plugin.netns;

import io.gost.plugin.netns.libc.LibC;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

/** {@link NamespaceSyscalls} through the C library, bound with jnr-ffi. */
final class LibcNamespaceSyscalls implements NamespaceSyscalls {

    // Linux values from <fcntl.h> and <sched.h>. O_CLOEXEC differs on alpha, parisc and sparc, which
    // neither jffi's bundled native libraries nor this project target.
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    private final LibC libc;
    private final Runtime runtime;

    private LibcNamespaceSyscalls(LibC libc) {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
    }

    /**
     * Loads the C library and binds the calls. Costs a few milliseconds and loads jffi's native stub, so
     * the provider calls it only when the first namespace is opened.
     *
     * @throws LinkageError or a runtime exception from jnr-ffi when the C library or jffi cannot be loaded
     */
    static LibcNamespaceSyscalls load() {
        String library = Platform.getNativePlatform().getStandardCLibraryName();
        return new LibcNamespaceSyscalls(LibraryLoader.create(LibC.class).failImmediately().load(library));
    }

    @Override
    public int openNamespaceFile(String path) throws SyscallException {
        int fd = libc.open(path, O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) {
            throw lastError("open");
        }
        return fd;
    }

    @Override
    public void enterNetworkNamespace(int fd) throws SyscallException {
        if (libc.setns(fd, CLONE_NEWNET) != 0) {
            throw lastError("setns");
        }
    }

    @Override
    public void close(int fd) throws SyscallException {
        if (libc.close(fd) != 0) {
            throw lastError("close");
        }
    }

    // errno is saved per thread by jnr-ffi right after the call (@SaveError), so this must run on the
    // thread that made the failing call, before any other native call.
    private SyscallException lastError(String call) {
        int errno = runtime.getLastError();
        return new SyscallException(call, errno, libc.strerror(errno));
    }
}
