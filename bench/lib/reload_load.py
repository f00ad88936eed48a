#!/usr/bin/env python3
"""Connections under reloads: a steady loop of new connections through a gost forward while gost is
reloaded again and again (SIGHUP after rewriting its file, or POST /config/reload). Counts every attempt
and how it ended: answered, refused (ECONNREFUSED), reset (ECONNRESET, or the connection closed before
the target's greeting), other. Two greeting targets run inside this script; the reloads switch the
forward between them (the socket is handed over) or change the listener's backlog (a new socket binds
beside the old one with SO_REUSEPORT).

Bounded: stops after the reloads, or after --max-seconds, whichever comes first. Only 127.0.0.1.

Prints one JSON object.
"""
import argparse
import asyncio
import errno
import json
import os
import signal
import socket
import threading
import time


def greeting_server(name):
    """A TCP server on 127.0.0.1 that writes NAME and a newline to each connection and closes it."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    port = []

    async def handle(reader, writer):
        writer.write((name + "\n").encode())
        try:
            await writer.drain()
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096)
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        async with server:
            await server.serve_forever()

    threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True).start()
    ready.wait(10)
    return port[0]


def config(port, target, backlog):
    return ("services:\n"
            "  - name: forward\n"
            f"    addr: 127.0.0.1:{port}\n"
            "    handler: {type: tcp}\n"
            f"    listener: {{type: tcp, metadata: {{backlog: {backlog}}}}}\n"
            f"    forwarder: {{nodes: [{{name: target, addr: 127.0.0.1:{target}}}]}}\n")


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {"attempted": 0, "answered": 0, "refused": 0, "reset": 0, "other": 0}
        self.errors = {}

    def add(self, outcome, detail=None):
        with self.lock:
            self.values["attempted"] += 1
            self.values[outcome] += 1
            if detail:
                self.errors[detail] = self.errors.get(detail, 0) + 1


def client(port, counts, stop):
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                data = b""
                while not data.endswith(b"\n"):
                    chunk = s.recv(64)
                    if not chunk:
                        break
                    data += chunk
                if data.endswith(b"\n"):
                    counts.add("answered")
                else:
                    counts.add("reset", "closed before the greeting")
        except ConnectionRefusedError:
            counts.add("refused", "ECONNREFUSED")
        except ConnectionResetError:
            counts.add("reset", "ECONNRESET")
        except OSError as e:
            counts.add("reset" if e.errno in (errno.EPIPE, errno.ECONNABORTED) else "other",
                       errno.errorcode.get(e.errno, str(e)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gost-pid", type=int, required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=["handler", "listener"], default="handler")
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=60)
    parser.add_argument("--targets", help="two ports of greeting servers already running (else started here)")
    args = parser.parse_args()

    if args.targets:
        targets = [int(p) for p in args.targets.split(",")]
    else:
        targets = [greeting_server("red"), greeting_server("blue")]
    with open(args.config, "w") as f:
        f.write(config(args.port, targets[0], 4096))
    os.kill(args.gost_pid, signal.SIGHUP)
    time.sleep(args.interval)

    counts = Counts()
    stop = threading.Event()
    threads = [threading.Thread(target=client, args=(args.port, counts, stop), daemon=True)
               for _ in range(args.threads)]
    start = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(args.interval)
    for reload in range(1, args.reloads + 1):
        if time.monotonic() - start > args.max_seconds:
            break
        if args.mode == "handler":
            text = config(args.port, targets[reload % 2], 4096)
        else:
            text = config(args.port, targets[0], 4096 - reload)
        with open(args.config, "w") as f:
            f.write(text)
        os.kill(args.gost_pid, signal.SIGHUP)
        time.sleep(args.interval)
    stop.set()
    for t in threads:
        t.join(10)
    elapsed = time.monotonic() - start
    result = dict(counts.values)
    result.update({"mode": args.mode, "reloads": args.reloads, "seconds": round(elapsed, 2),
                   "connections_per_second": round(result["attempted"] / elapsed),
                   "errors": counts.errors})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
