#!/usr/bin/env python3
"""Prints COUNT distinct free TCP ports on 127.0.0.1, one per line.

The ports come from 20000-32000, below Linux's default ephemeral range (32768-60999), so that the
clients' own outgoing connections (wrk opens tens of thousands) never take a port a peer is about to
listen on. Each candidate is bound once to prove it is free; the small race between this check and
the peer's own bind is acceptable for a benchmark on a quiet machine.
"""
import random
import socket
import sys


def free_ports(count):
    chosen = []
    candidates = list(range(20000, 32000))
    random.shuffle(candidates)
    for port in candidates:
        if len(chosen) == count:
            break
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        chosen.append(port)
    if len(chosen) < count:
        sys.exit(f"ports.py: only {len(chosen)} of {count} ports in 20000-32000 are free on 127.0.0.1")
    return chosen


if __name__ == "__main__":
    print("\n".join(str(port) for port in free_ports(int(sys.argv[1]))))
