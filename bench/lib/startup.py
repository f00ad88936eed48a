#!/usr/bin/env python3
"""Start-up time: seconds from launching a forwarding proxy until the first byte comes back through it.

  startup.py PORT ECHO_PORT LOG_FILE COMMAND [ARG...]

Serves a one-byte echo on 127.0.0.1:ECHO_PORT (the COMMAND is expected to forward 127.0.0.1:PORT to it),
launches COMMAND (output to LOG_FILE), tries to connect to PORT every 2 ms, and once a connection is
accepted sends one byte through it and waits for the echo. Prints three figures: the seconds until the
port accepted, the seconds until the byte came back, and the CPU seconds (user and system) the command's
process had used by then, which a busy machine disturbs less than the elapsed time. Then it stops the command it started (SIGTERM, SIGKILL after
5 s) and waits for it. Exits 1 if no byte comes back within 30 s or the command exits first. If this
script is terminated, it stops the command too.

Why the byte, not only the accept: a proxy could open its port first and finish starting afterwards
(logging, its event loops, the dialer); the user's first connection waits for all of that.
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time

DEADLINE_SECONDS = 30
POLL_SECONDS = 0.002


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_echo(server):
    """Echoes what each accepted connection sends until it closes; one connection at a time is enough."""
    while True:
        try:
            connection, _ = server.accept()
        except OSError:
            return  # the server socket was closed: the measurement is over
        with connection:
            while data := connection.recv(64):
                connection.sendall(data)


def cpu_seconds(pid):
    """User and system time of process PID so far (of a launcher that execs, the program it became)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def connect(port):
    """A connection the proxy accepted, or None while nothing listens on its port yet."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.settimeout(1)
    if probe.connect_ex(("127.0.0.1", port)) == 0:
        return probe
    probe.close()
    return None


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    port, echo_port, log_path, command = int(argv[0]), int(argv[1]), argv[2], argv[3:]
    echo = socket.create_server(("127.0.0.1", echo_port))
    threading.Thread(target=serve_echo, args=(echo,), daemon=True).start()
    with open(log_path, "ab") as log:
        began = time.monotonic()
        process = subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    signal.signal(signal.SIGTERM, lambda *_: (stop(process), sys.exit(1)))

    def check_alive():
        if process.poll() is not None:
            sys.exit(f"startup.py: {command[0]} exited with {process.returncode} before a byte came back "
                     f"through 127.0.0.1:{port}; see {log_path}")
        if time.monotonic() - began > DEADLINE_SECONDS:
            sys.exit(f"startup.py: no byte came back through 127.0.0.1:{port} within {DEADLINE_SECONDS} s")

    try:
        while (probe := connect(port)) is None:
            check_alive()
            time.sleep(POLL_SECONDS)
        accepted = time.monotonic() - began
        with probe:
            probe.settimeout(DEADLINE_SECONDS)
            probe.sendall(b"x")
            if probe.recv(1) != b"x":
                check_alive()
                sys.exit(f"startup.py: 127.0.0.1:{port} closed the connection instead of echoing; see {log_path}")
        echoed = time.monotonic() - began
        print(f"{accepted:.3f} {echoed:.3f} {cpu_seconds(process.pid):.2f}")
    finally:
        stop(process)
        echo.close()


if __name__ == "__main__":
    main(sys.argv[1:])
