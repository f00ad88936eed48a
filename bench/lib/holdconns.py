#!/usr/bin/env python3
"""Idle connections for the memory workload: a server that accepts and holds, and a client that opens.

  holdconns.py server PORT[,PORT...] STATUS_FILE
      Accepts on 127.0.0.1:PORT..., writes a greeting line on each connection, then keeps it open and
      idle (bytes that arrive are dropped); rewrites STATUS_FILE with the number of connections it
      holds, every 100 ms.

  holdconns.py client HOST:PORT COUNT STATUS_FILE [DEADLINE_SECONDS]
      Opens COUNT connections to HOST:PORT (at most 256 connecting at once) and sends a line on each, so
      that a proxy in between has carried bytes both ways; writes COUNT to STATUS_FILE when all are
      established, then holds them (never reading) until it is terminated. More than 25,000 connections are
      spread over the source addresses 127.0.0.1, 127.0.0.2, ... so that no single address runs out of
      ephemeral ports. Exits 1 if they are not all open within DEADLINE_SECONDS (default 120).

Both run until SIGTERM/SIGINT; the bench script starts them and kills them by pid.
"""
import asyncio
import os
import signal
import socket
import sys

PER_SOURCE_ADDRESS = 25_000
CONNECTING_AT_ONCE = 256


def write_status(path, value):
    temporary = path + ".tmp"
    with open(temporary, "w") as status:
        status.write(f"{value}\n")
    os.replace(temporary, path)


async def run_until_signalled():
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def serve(ports, status_path):
    held = 0

    async def hold(reader, writer):
        nonlocal held
        held += 1
        writer.write(b"hello from the holder\n")
        try:
            while await reader.read(65536):
                pass
        except ConnectionError:
            pass
        finally:
            held -= 1
            writer.close()

    servers = [await asyncio.start_server(hold, "127.0.0.1", port, backlog=4096) for port in ports]

    async def report():
        while True:
            write_status(status_path, held)
            await asyncio.sleep(0.1)

    reporter = asyncio.create_task(report())
    await run_until_signalled()
    # The kernel closes the held sockets; cancelling thousands of tasks would only print noise.
    os._exit(0)


async def open_all(host, port, count, status_path, deadline):
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    sockets = []

    async def open_one(index):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        if count > PER_SOURCE_ADDRESS:
            sock.bind((f"127.0.0.{1 + index // PER_SOURCE_ADDRESS}", 0))
        async with gate:
            await loop.sock_connect(sock, (host, port))
            await loop.sock_sendall(sock, b"hello from the client\n")
        sockets.append(sock)

    try:
        await asyncio.wait_for(asyncio.gather(*(open_one(i) for i in range(count))), deadline)
    except asyncio.TimeoutError:
        sys.exit(f"holdconns.py: only {len(sockets)} of {count} connections to {host}:{port} opened "
                 f"within {deadline} s")
    write_status(status_path, len(sockets))
    await run_until_signalled()
    os._exit(0)


def main(argv):
    if len(argv) >= 3 and argv[0] == "server":
        asyncio.run(serve([int(p) for p in argv[1].split(",")], argv[2]))
    elif len(argv) >= 4 and argv[0] == "client":
        host, port = argv[1].rsplit(":", 1)
        deadline = float(argv[4]) if len(argv) > 4 else 120.0
        asyncio.run(open_all(host, int(port), int(argv[2]), argv[3], deadline))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
