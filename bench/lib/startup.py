#!/usr/bin/env python3
"""Start-up time: seconds from launching a command until 127.0.0.1:PORT accepts a TCP connection.

  startup.py PORT LOG_FILE COMMAND [ARG...]

Launches COMMAND (output to LOG_FILE), tries to connect every 2 ms, prints the elapsed seconds, then
stops the command it started (SIGTERM, SIGKILL after 5 s) and waits for it. Exits 1 if the port does not
accept within 30 s or the command exits first. If this script is terminated, it stops the command too.
"""
import signal
import socket
import subprocess
import sys
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


def accepts(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    port, log_path, command = int(argv[0]), argv[1], argv[2:]
    with open(log_path, "ab") as log:
        began = time.monotonic()
        process = subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    signal.signal(signal.SIGTERM, lambda *_: (stop(process), sys.exit(1)))
    try:
        while not accepts(port):
            if process.poll() is not None:
                sys.exit(f"startup.py: {command[0]} exited with {process.returncode} before "
                         f"127.0.0.1:{port} accepted; see {log_path}")
            if time.monotonic() - began > DEADLINE_SECONDS:
                sys.exit(f"startup.py: 127.0.0.1:{port} did not accept within {DEADLINE_SECONDS} s")
            time.sleep(POLL_SECONDS)
        print(f"{time.monotonic() - began:.3f}")
    finally:
        stop(process)


if __name__ == "__main__":
    main(sys.argv[1:])
