#!/usr/bin/env python3
"""A bounded echo through a SOCKS5 proxy, for bench/ws.sh.

  echo_transfer.py server PORT
      Echoes every connection on 127.0.0.1:PORT back to its sender until it ends (then ends its own
      side). Runs until SIGTERM/SIGINT.

  echo_transfer.py client SOCKS_PORT ECHO_PORT MIB [DEADLINE_SECONDS]
      Connects to the SOCKS5 proxy on 127.0.0.1:SOCKS_PORT, asks for 127.0.0.1:ECHO_PORT, sends MIB MiB
      of a known pattern while reading the echo back, checks every byte, and prints one line:
      "<MiB> MiB in <seconds> s: <MiB/s> MiB/s", where the time runs from the first byte sent to the
      last byte received. Exits 1 if the echo differs, ends early, or takes longer than DEADLINE_SECONDS
      (default 120).
"""
import os
import signal
import socket
import struct
import sys
import threading
import time

CHUNK = 64 * 1024


def serve(port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=echo, args=(connection,), daemon=True).start()


def echo(connection):
    with connection:
        while True:
            data = connection.recv(CHUNK)
            if not data:
                connection.shutdown(socket.SHUT_WR)
                return
            connection.sendall(data)


def socks5_connect(socks_port, target_port):
    connection = socket.create_connection(("127.0.0.1", socks_port))
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection.sendall(b"\x05\x01\x00")
    if recv_exactly(connection, 2) != b"\x05\x00":
        sys.exit("echo_transfer: the proxy refused SOCKS5 without authentication")
    connection.sendall(b"\x05\x01\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack(">H", target_port))
    reply = recv_exactly(connection, 10)
    if reply[1] != 0:
        sys.exit(f"echo_transfer: the proxy answered SOCKS5 reply code {reply[1]}")
    return connection


def recv_exactly(connection, count):
    data = b""
    while len(data) < count:
        more = connection.recv(count - len(data))
        if not more:
            sys.exit("echo_transfer: the proxy closed the connection during the SOCKS5 handshake")
        data += more
    return data


def client(socks_port, echo_port, mib, deadline):
    total = mib * 1024 * 1024
    block = bytes(range(256)) * (CHUNK // 256)
    # Byte i of the stream is i % 256: what a read at any offset must equal, without building it per read.
    pattern = block + bytes(range(256))
    connection = socks5_connect(socks_port, echo_port)
    connection.settimeout(deadline)
    failure = []

    def send():
        try:
            sent = 0
            while sent < total:
                piece = block[: min(CHUNK, total - sent)]
                connection.sendall(piece)
                sent += len(piece)
        except OSError as e:
            failure.append(f"sending: {e}")

    start = time.monotonic()
    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    received = 0
    view = memoryview(bytearray(CHUNK))
    try:
        while received < total:
            if time.monotonic() - start > deadline:
                sys.exit(f"echo_transfer: only {received} of {total} bytes came back within {deadline} s")
            count = connection.recv_into(view)
            if count == 0:
                sys.exit(f"echo_transfer: the echo ended after {received} of {total} bytes")
            offset = received % 256
            if bytes(view[:count]) != pattern[offset:offset + count]:
                sys.exit(f"echo_transfer: the echo differs in the {count} bytes from offset {received}")
            received += count
    except socket.timeout:
        sys.exit(f"echo_transfer: nothing came back for {deadline} s after {received} of {total} bytes")
    elapsed = time.monotonic() - start
    sender.join()
    if failure:
        sys.exit("echo_transfer: " + failure[0])
    connection.close()
    print(f"{mib} MiB in {elapsed:.2f} s: {mib / elapsed:.1f} MiB/s")


def main(argv):
    if len(argv) >= 3 and argv[1] == "server":
        serve(int(argv[2]))
    elif len(argv) in (5, 6) and argv[1] == "client":
        client(int(argv[2]), int(argv[3]), int(argv[4]), float(argv[5]) if len(argv) == 6 else 120.0)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
