package io.gost.plugin.netns;

/**
 * The system calls that put a thread into a network namespace. An interface so that the thread model
 * can be tested without root with a fake; {@link LibcNamespaceSyscalls} is the real one.
 */
interface NamespaceSyscalls {

    /** Opens a namespace file read-only and close-on-exec; returns the file descriptor. */
    int openNamespaceFile(String path) throws SyscallException;

    /** Moves the calling thread, and only it, into the network namespace {@code fd} refers to. */
    void enterNetworkNamespace(int fd) throws SyscallException;

    /** Closes {@code fd}. */
    void close(int fd) throws SyscallException;
}
