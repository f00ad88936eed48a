package io.gost.plugin.netns;

/** A system call failed; carries the errno value so that callers can explain what went wrong. */
final class SyscallException extends Exception {

    private static final long serialVersionUID = 1L;

    /** No such file or directory. */
    static final int ENOENT = 2;
    /** Operation not permitted (setns without CAP_SYS_ADMIN). */
    static final int EPERM = 1;
    /** Permission denied (open of an unreadable namespace file). */
    static final int EACCES = 13;
    /** Not a directory (a path component is a regular file). */
    static final int ENOTDIR = 20;
    /** Invalid argument (setns on a file that is not a network namespace). */
    static final int EINVAL = 22;

    private final String call;
    private final int errno;
    private final String description;

    /**
     * @param call        the call that failed, e.g. {@code open} or {@code setns}
     * @param errno       the errno value it left
     * @param description the C library's text for {@code errno}
     */
    SyscallException(String call, int errno, String description) {
        super(call + " failed: " + description + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
        this.description = description;
    }

    /** The call that failed, e.g. {@code open} or {@code setns}. */
    String call() {
        return call;
    }

    /** The errno value (Linux numbering). */
    int errno() {
        return errno;
    }

    /** The C library's text for {@link #errno()}, e.g. "No such file or directory". */
    String description() {
        return description;
    }
}
