#!/usr/bin/env python3
"""Time from the POST of a new service to its port serving, through gost's Web API: for each of --count
services, POST /config/services, then connect to the new port (retrying every millisecond until it
accepts) and read the target's greeting. The service is deleted again before the next one. Only 127.0.0.1.

Prints one JSON object: milliseconds until the reply and until the port served (median, p95, max), and
how many connects were refused before serving (0 when the reply comes after the bind, as it should).
"""
import argparse
import base64
import json
import socket
import statistics
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, body, auth):
    req = urllib.request.Request(url, data=body.encode() if body else None, method=method)
    req.add_header("Content-Type", "application/json")
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    with urllib.request.urlopen(req, timeout=10) as reply:
        return reply.read().decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True, help="e.g. http://127.0.0.1:18080")
    parser.add_argument("--auth", default=None, help="user:pass")
    parser.add_argument("--target", type=int, required=True, help="port of a server that answers")
    parser.add_argument("--count", type=int, default=30)
    args = parser.parse_args()

    replies, serving, refused = [], [], 0
    for i in range(args.count):
        port = free_port()
        body = json.dumps({"name": f"timed-{i}", "addr": f"127.0.0.1:{port}", "handler": {"type": "tcp"},
                           "forwarder": {"nodes": [{"name": "t", "addr": f"127.0.0.1:{args.target}"}]}})
        start = time.perf_counter()
        answer = request("POST", args.api + "/config/services", body, args.auth)
        replied = time.perf_counter()
        if '"msg":"OK"' not in answer:
            raise SystemExit("POST failed: " + answer)
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                    s.recv(64)
                break
            except ConnectionRefusedError:
                refused += 1
                time.sleep(0.001)
        served = time.perf_counter()
        replies.append((replied - start) * 1000)
        serving.append((served - start) * 1000)
        request("DELETE", args.api + f"/config/services/timed-{i}", None, args.auth)

    def summary(values):
        ordered = sorted(values)
        return {"median": round(statistics.median(ordered), 1),
                "p95": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
                "max": round(ordered[-1], 1)}

    print(json.dumps({"count": args.count, "reply_ms": summary(replies), "serving_ms": summary(serving),
                      "refused_before_serving": refused}))


if __name__ == "__main__":
    main()
