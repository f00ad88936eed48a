package io.gost.plugin.netns;

import io.gost.api.NetnsException;
import io.gost.api.NetnsProvider;
import io.gost.api.NetnsRef;
import io.gost.api.NetworkNamespace;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * NetnsProvider {@code linux}: creates sockets inside Linux network namespaces with {@code setns(2)},
 * called through jnr-ffi.
 *
 * <p>Each {@link #open opened} namespace gets one dedicated platform thread, named
 * {@code gost-netns-<name or path>}, which enters the namespace once and then runs the work passed to
 * {@link NetworkNamespace#createSockets} one piece at a time. The caller never blocks on that work:
 * the returned stage is completed from the namespace thread, so dependent stages attached without an
 * executor also run there and must be short and non-blocking (hand the rest to an event loop).
 * Closing the handle ends the thread inside the namespace; it never returns to a pool.
 *
 * <p>The public no-arg constructor allocates nothing: the C library is loaded when the first namespace is
 * opened.
 */
public final class LinuxNetnsProvider implements NetnsProvider {

    /** The name this provider is selected by. */
    public static final String NAME = "linux";

    private final String osName;
    private final Supplier<? extends NamespaceSyscalls> syscallsLoader;
    private final Object loadLock = new Object();
    private volatile NamespaceSyscalls syscalls;

    /** For ServiceLoader. */
    public LinuxNetnsProvider() {
        this(System.getProperty("os.name", "an unknown system"), LibcNamespaceSyscalls::load);
    }

    /** For tests: another platform name, or fake system calls. */
    LinuxNetnsProvider(String osName, Supplier<? extends NamespaceSyscalls> syscallsLoader) {
        this.osName = osName;
        this.syscallsLoader = syscallsLoader;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Starts the namespace's thread and waits until it has entered the namespace (two system calls), so
     * that a missing namespace or a missing permission is reported here.
     */
    @Override
    public NetworkNamespace open(NetnsRef namespace) throws NetnsException {
        Objects.requireNonNull(namespace, "namespace");
        if (!osName.startsWith("Linux")) {
            throw NetnsErrors.notLinux(osName);
        }
        return NamespaceThread.open(namespace, syscalls(namespace));
    }

    /** A missing namespace file is reported without entering anything, so this works without root too. */
    @Override
    public void verify(NetnsRef namespace) throws NetnsException {
        Objects.requireNonNull(namespace, "namespace");
        if (!osName.startsWith("Linux")) {
            throw NetnsErrors.notLinux(osName);
        }
        java.nio.file.Path path = namespace.path();
        if (!java.nio.file.Files.exists(path)) {
            throw NetnsErrors.missing(namespace);
        }
        if (java.nio.file.Files.isDirectory(path)) {
            throw NetnsErrors.notANamespace(namespace);
        }
    }

    /** The namespace the process is in; work runs inline on the caller's thread. */
    @Override
    public NetworkNamespace current() {
        return NetworkNamespace.processOwn();
    }

    private NamespaceSyscalls syscalls(NetnsRef namespace) throws NetnsException {
        NamespaceSyscalls loaded = syscalls;
        if (loaded != null) {
            return loaded;
        }
        synchronized (loadLock) {
            if (syscalls == null) {
                try {
                    syscalls = Objects.requireNonNull(syscallsLoader.get(), "system calls");
                } catch (RuntimeException | LinkageError e) {
                    throw NetnsErrors.cannotLoadLibc(namespace, e);
                }
            }
            return syscalls;
        }
    }

    @Override
    public String toString() {
        return "NetnsProvider " + NAME;
    }
}
