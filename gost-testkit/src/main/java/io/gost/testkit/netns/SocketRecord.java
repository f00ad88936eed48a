package io.gost.testkit.netns;

import io.gost.api.NetnsRef;
import io.gost.api.SocketPurpose;
import java.util.Objects;

/**
 * One {@code createSockets} call seen by the {@link RecordingNetnsProvider}: in which namespace the work
 * ran, what the socket was for, and on which thread.
 *
 * @param namespace  the namespace as opened, or {@code null} for the process's own ({@code current()})
 * @param purpose    what the runtime said the socket is for
 * @param threadName the thread the work ran on: {@code gost-netns-<namespace>} for an opened namespace,
 *                   the caller's thread for the current one
 */
public record SocketRecord(NetnsRef namespace, SocketPurpose purpose, String threadName) {

    public SocketRecord {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(threadName, "threadName");
    }

    /** True when the work ran in the process's own namespace, through {@code current()}. */
    public boolean inCurrentNamespace() {
        return namespace == null;
    }

    @Override
    public String toString() {
        return purpose.kind() + " " + purpose.owner() + " " + purpose.address() + " in "
                + (namespace == null ? "the current namespace" : "'" + namespace + "'") + " on " + threadName;
    }
}
