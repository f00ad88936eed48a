package io.gost.plugin.netns;

import io.gost.api.NetnsException;
import io.gost.api.NetnsRef;

/** Turns a failed open or setns into a message that names the namespace, the path and the fix. */
final class NetnsErrors {

    private NetnsErrors() {
    }

    static NetnsException notLinux(String osName) {
        return new NetnsException("network namespaces are only supported on Linux (this is " + osName + ")");
    }

    static NetnsException cannotLoadLibc(NetnsRef namespace, Throwable cause) {
        return new NetnsException("cannot open network namespace '" + namespace + "': the C library could not be"
                + " loaded through jnr-ffi (" + cause + "); check that jnr-ffi and jffi (with its native"
                + " library jar) are on the module path", cause);
    }

    /** The message for a failed {@code open} or {@code setns} of {@code namespace}. */
    static NetnsException enterFailed(NetnsRef namespace, SyscallException failure) {
        String path = namespace.path().toString();
        String message = switch (failure.errno()) {
            case SyscallException.ENOENT, SyscallException.ENOTDIR -> missingMessage(namespace);
            case SyscallException.EPERM, SyscallException.EACCES ->
                    "no permission to enter network namespace '" + namespace + "' (" + path + "): run gost as"
                            + " root or give it CAP_SYS_ADMIN";
            case SyscallException.EINVAL -> notANamespaceMessage(namespace);
            default -> "cannot enter network namespace '" + namespace + "' (" + path + "): "
                    + failure.getMessage();
        };
        return new NetnsException(message, failure);
    }

    /** A namespace whose file does not exist. */
    static NetnsException missing(NetnsRef namespace) {
        return new NetnsException(missingMessage(namespace));
    }

    /** A path that is no namespace file. */
    static NetnsException notANamespace(NetnsRef namespace) {
        return new NetnsException(notANamespaceMessage(namespace));
    }

    private static String missingMessage(NetnsRef namespace) {
        return "network namespace '" + namespace + "' does not exist: " + namespace.path() + " not found; "
                + missingHint(namespace);
    }

    private static String notANamespaceMessage(NetnsRef namespace) {
        return "cannot enter network namespace '" + namespace + "': " + namespace.path() + " is not a network"
                + " namespace; give a name created with `ip netns add NAME` or a path such as /run/netns/NAME"
                + " or /proc/PID/ns/net";
    }

    private static String missingHint(NetnsRef namespace) {
        if (!namespace.isPath()) {
            return "create it with `ip netns add " + namespace + "`";
        }
        String path = namespace.value();
        if (path.startsWith("/proc/")) {
            return "is the process still running?";
        }
        String parent = namespace.path().getParent() == null ? "" : namespace.path().getParent().toString();
        if (parent.equals("/run/netns") || parent.equals("/var/run/netns")) {
            return "create it with `ip netns add " + namespace.path().getFileName() + "`";
        }
        return "check the path; it must be a namespace file such as /run/netns/NAME (made by `ip netns add NAME`)"
                + " or /proc/PID/ns/net";
    }
}
