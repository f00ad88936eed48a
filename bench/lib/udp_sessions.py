#!/usr/bin/env python3
"""Idle UDP sessions for bench/udp.sh: an echo server, and a client that opens many sessions and holds them.

  udp_sessions.py echo PORT
      Answers every datagram on 127.0.0.1:PORT with the same bytes, to where it came from, until killed.

  udp_sessions.py hold HOST:PORT COUNT STATUS_FILE [DEADLINE_SECONDS]
      Opens COUNT UDP sockets (each its own source port, so each is a session of a forward in between),
      sends one datagram from each to HOST:PORT and waits for its answer (sent again once a second while
      missing); writes the number answered to STATUS_FILE as they come, then holds the sockets open and
      silent until killed. Exits 1 if not all are answered within DEADLINE_SECONDS (default 60).

Both run until SIGTERM/SIGINT; the bench script starts them and kills them by pid.
"""
import os
import selectors
import signal
import socket
import sys
import time


def write_status(path, value):
    temporary = path + ".tmp"
    with open(temporary, "w") as status:
        status.write(f"{value}\n")
    os.replace(temporary, path)


def echo(port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        server.bind(("127.0.0.1", port))
        while True:
            data, peer = server.recvfrom(65535)
            server.sendto(data, peer)


def hold(target, count, status_path, deadline_seconds):
    host, port = target.rsplit(":", 1)
    address = (host, int(port))
    selector = selectors.DefaultSelector()
    waiting = {}
    sockets = []
    for i in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setblocking(False)
        sock.connect(address)
        sockets.append(sock)
        waiting[sock.fileno()] = sock
        selector.register(sock, selectors.EVENT_READ)
        sock.send(b"session %d" % i)
    answered = 0
    deadline = time.monotonic() + deadline_seconds
    last_send = time.monotonic()
    write_status(status_path, 0)
    while waiting:
        now = time.monotonic()
        if now > deadline:
            sys.exit(f"udp_sessions.py: only {answered} of {count} sessions answered within {deadline_seconds} s")
        if now - last_send > 1:
            # The first datagram of a session may be dropped while the forward is busy opening others.
            for sock in waiting.values():
                try:
                    sock.send(b"again")
                except OSError:
                    pass
            last_send = now
        for key, _ in selector.select(timeout=0.2):
            sock = key.fileobj
            try:
                sock.recv(65535)
            except OSError:
                continue  # refused (ICMP): sent again with the others
            if sock.fileno() in waiting:
                del waiting[sock.fileno()]
                selector.unregister(sock)
                answered += 1
        write_status(status_path, answered)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "echo":
        echo(int(sys.argv[2]))
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "hold":
        # Blocked from the start, so that the sigwait at the end takes the signal however early it comes.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        hold(sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5]) if len(sys.argv) == 6 else 60)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
