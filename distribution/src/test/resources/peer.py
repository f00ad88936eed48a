"""Small UDP and TCP peers for the namespace tests, run inside a namespace with `ip netns exec NS python3 peer.py`.

  peer.py udp HOST PORT TEXT SECONDS
      Sends TEXT as one datagram to HOST:PORT (again every second while nothing comes back) and prints the first
      answer. Exits 1 with "no answer" if none comes within SECONDS.
  peer.py tcp HOST PORT TEXT SECONDS
      Connects to HOST:PORT, sends TEXT, and prints what comes back until len(TEXT) bytes or the end of the stream
      (an echo's answer, or what a peer writes on its own). Exits 1 if it cannot connect or nothing comes back
      within SECONDS.
  peer.py udp-echo HOST PORT
      Answers every datagram on HOST:PORT with the same bytes; prints "listening" once bound, and "from ADDRESS"
      for each datagram (so that a test sees which side of a veth it came from).

Answers are printed as text, one line, so a test compares them with what it sent.
"""
import socket
import sys
import time


def udp(host, port, text, seconds):
    payload = text.encode()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            sock.sendto(payload, (host, port))
            try:
                data = sock.recv(65535)
            except socket.timeout:
                continue
            except ConnectionRefusedError:
                time.sleep(0.2)  # nothing listens (yet): an ICMP port unreachable came back
                continue
            print(data.decode(errors="replace"), flush=True)
            return 0
    print("no answer", file=sys.stderr, flush=True)
    return 1


def tcp(host, port, text, seconds):
    payload = text.encode()
    data = b""
    try:
        with socket.create_connection((host, port), timeout=seconds) as sock:
            sock.sendall(payload)
            while len(data) < len(payload):
                chunk = sock.recv(65535)
                if not chunk:
                    break
                data += chunk
    except OSError as e:
        print("cannot connect or read: %s" % e, file=sys.stderr, flush=True)
        return 1
    if not data:
        print("no answer", file=sys.stderr, flush=True)
        return 1
    print(data.decode(errors="replace"), flush=True)
    return 0


def udp_echo(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((host, port))
        print("listening", flush=True)
        while True:
            data, peer = sock.recvfrom(65535)
            print("from " + peer[0], flush=True)
            sock.sendto(data, peer)


def main(args):
    if len(args) == 5 and args[0] in ("udp", "tcp"):
        return (udp if args[0] == "udp" else tcp)(args[1], int(args[2]), args[3], float(args[4]))
    if len(args) == 3 and args[0] == "udp-echo":
        return udp_echo(args[1], int(args[2]))
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
