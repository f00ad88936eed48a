#!/usr/bin/env python3
"""Slow reader: how many bytes a TCP forward holds in its own memory while the reader lags behind.

  slowreader.py PROXY_PORT READER_PORT MIB RATE_KIB_S

Listens on 127.0.0.1:READER_PORT as the slow reader (the proxy under test forwards 127.0.0.1:PROXY_PORT
there), connects a sender to the proxy that writes MIB MiB as fast as the proxy takes them, and reads
them at RATE_KIB_S KiB/s. Every 50 ms it asks the kernel (`ss -tin`) about the proxy's two sockets in one
call: the one the sender is connected to (local port PROXY_PORT) and the one towards the reader (peer
port READER_PORT). What the proxy has read but not yet written is

    (bytes_received - Recv-Q) of the first  -  (bytes_acked + Send-Q) of the second

that is, bytes inside the proxy process, neither in the kernel's receive queue of one socket nor in the
send queue of the other. Prints one line, `max_held_kib|mib_moved|seconds|samples`, once everything has
arrived (checked byte for byte: the sender's stream is a counter pattern). Exits 1 on a short or
corrupted stream, or after 2 x the expected time plus 30 s.
"""
import re
import socket
import subprocess
import sys
import threading
import time

CHUNK = 64 * 1024
SAMPLE_SECONDS = 0.05


def pattern(offset, length):
    """Bytes offset..offset+length of the sender's stream: (position // 4096) as one byte, repeated."""
    out = bytearray(length)
    position = offset
    while position < offset + length:
        block_end = min((position // 4096 + 1) * 4096, offset + length)
        out[position - offset:block_end - offset] = bytes([(position // 4096) % 251]) * (block_end - position)
        position = block_end
    return bytes(out)


def sender(proxy_port, total, failures, local_port):
    try:
        with socket.create_connection(("127.0.0.1", proxy_port)) as connection:
            local_port.append(connection.getsockname()[1])
            sent = 0
            while sent < total:
                piece = pattern(sent, min(CHUNK, total - sent))
                connection.sendall(piece)
                sent += len(piece)
            connection.shutdown(socket.SHUT_WR)
            connection.recv(1)
    except OSError as error:
        failures.append("sender: %s" % error)


def field(text, name):
    match = re.search(r"\b%s:(\d+)" % name, text)
    return int(match.group(1)) if match else 0


def held_bytes(proxy_port, sender_port, upstream_port, reader_port):
    """Bytes inside the proxy now, or None when its two sockets are not both there.

    The two sockets are named by both ends, so that sockets of earlier runs on the same ports (in
    TIME-WAIT or FIN-WAIT) are never taken for them; any state that still carries data counts, since the
    proxy may hold bytes after the sender's end of stream (its inbound socket is then in CLOSE-WAIT).
    """
    out = subprocess.run(
        ["ss", "-tinH", "state", "connected",
         "( sport = :%d and dport = :%d ) or ( sport = :%d and dport = :%d )"
         % (proxy_port, sender_port, upstream_port, reader_port)],
        capture_output=True, text=True, check=False).stdout
    # ss prints each socket on a line (state first), its details (-i) on the next, indented.
    lines = out.splitlines()
    inbound = outbound = None
    for i, line in enumerate(lines):
        if line.startswith((" ", "\t")):
            continue
        columns = line.split()
        if len(columns) < 5 or columns[0] in ("TIME-WAIT", "SYN-SENT", "SYN-RECV"):
            continue
        recv_q, send_q, local, peer = int(columns[1]), int(columns[2]), columns[3], columns[4]
        details = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].startswith((" ", "\t")) else ""
        if local.endswith(":%d" % proxy_port):
            inbound = field(details, "bytes_received") - recv_q
        elif local.endswith(":%d" % upstream_port):
            outbound = field(details, "bytes_acked") + send_q
    if inbound is None or outbound is None:
        return None
    return inbound - outbound


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    proxy_port, reader_port, mib, rate_kib = (int(a) for a in argv)
    total = mib * 1024 * 1024
    rate = rate_kib * 1024
    limit = 2 * total / rate + 30
    failures = []

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", reader_port))
    listener.listen(1)
    sender_port = []
    threading.Thread(target=sender, args=(proxy_port, total, failures, sender_port), daemon=True).start()
    listener.settimeout(30)
    reader, (_, upstream_port) = listener.accept()
    # A small receive buffer, as a slow consumer on the far side of a network would have: the proxy's
    # queue, not the kernel's, is what this measures.
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    reader.settimeout(30)

    began = time.monotonic()
    received = 0
    max_held = 0
    samples = 0
    next_sample = began
    piece = max(1024, rate // 20)  # 20 reads a second
    while received < total:
        now = time.monotonic()
        if now - began > limit:
            sys.exit("slow reader: only %d of %d bytes after %.0f s" % (received, total, now - began))
        due = began + received / rate
        if now < due:
            time.sleep(min(due - now, SAMPLE_SECONDS))
        data = reader.recv(min(piece, total - received))
        if not data:
            break
        if data != pattern(received, len(data)):
            sys.exit("slow reader: the stream differs from what was sent at byte %d" % received)
        received += len(data)
        if time.monotonic() >= next_sample:
            held = held_bytes(proxy_port, sender_port[0], upstream_port, reader_port)
            if held is not None:
                max_held = max(max_held, held)
                samples += 1
            next_sample = time.monotonic() + SAMPLE_SECONDS
    elapsed = time.monotonic() - began
    if received != total or failures:
        sys.exit("slow reader: received %d of %d bytes %s" % (received, total, "; ".join(failures)))
    reader.close()
    listener.close()
    print("%.1f|%d|%.0f|%d" % (max_held / 1024, mib, elapsed, samples))


if __name__ == "__main__":
    main(sys.argv[1:])
