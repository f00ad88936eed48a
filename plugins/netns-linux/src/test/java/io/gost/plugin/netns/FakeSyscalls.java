package io.gost.plugin.netns;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** System calls that enter nothing: they record what the namespace thread did, or fail as told. */
final class FakeSyscalls implements NamespaceSyscalls {

    private static final int FIRST_FD = 40;

    final List<String> opened = new CopyOnWriteArrayList<>();
    final List<Integer> closed = new CopyOnWriteArrayList<>();
    final List<String> enteringThreads = new CopyOnWriteArrayList<>();
    private final int openErrno;
    private final int setnsErrno;

    private FakeSyscalls(int openErrno, int setnsErrno) {
        this.openErrno = openErrno;
        this.setnsErrno = setnsErrno;
    }

    static FakeSyscalls succeeding() {
        return new FakeSyscalls(0, 0);
    }

    static FakeSyscalls failingOpen(int errno) {
        return new FakeSyscalls(errno, 0);
    }

    static FakeSyscalls failingSetns(int errno) {
        return new FakeSyscalls(0, errno);
    }

    @Override
    public int openNamespaceFile(String path) throws SyscallException {
        if (openErrno != 0) {
            throw new SyscallException("open", openErrno, "fake error " + openErrno);
        }
        opened.add(path);
        return FIRST_FD + opened.size() - 1;
    }

    @Override
    public void enterNetworkNamespace(int fd) throws SyscallException {
        enteringThreads.add(Thread.currentThread().getName());
        if (setnsErrno != 0) {
            throw new SyscallException("setns", setnsErrno, "fake error " + setnsErrno);
        }
    }

    @Override
    public void close(int fd) {
        closed.add(fd);
    }
}
