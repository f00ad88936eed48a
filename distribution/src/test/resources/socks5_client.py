"""A minimal SOCKS5 client (RFC 1928, no authentication) for the end-to-end tests.

  socks5_client.py connect PROXY_HOST PROXY_PORT TARGET_HOST TARGET_PORT SIZE
      CONNECT to TARGET (an echo server), send SIZE pseudo-random bytes while reading them back, and
      compare. Prints "bound HOST:PORT" and "echoed SIZE bytes".
  socks5_client.py udp PROXY_HOST PROXY_PORT TARGET_HOST TARGET_PORT
      UDP ASSOCIATE, then send a datagram for TARGET (a UDP echo server) to the relay the reply names and
      wait for the answer. Prints "relay HOST:PORT" and "reply from HOST:PORT: N bytes matched".

Exits 1 with a message on stderr when anything differs from what the protocol promises.
"""
import hashlib
import os
import socket
import struct
import sys
import threading

TIMEOUT = 15


def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(1)


def recv_exact(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            fail("the proxy closed the connection after %d of %d expected bytes" % (len(data), count))
        data += chunk
    return data


def encode_address(host, port):
    return b"\x01" + socket.inet_aton(host) + struct.pack(">H", port)


def decode_address(read):
    atyp = read(1)[0]
    if atyp == 1:
        host = socket.inet_ntoa(read(4))
    elif atyp == 4:
        host = socket.inet_ntop(socket.AF_INET6, read(16))
    elif atyp == 3:
        host = read(read(1)[0]).decode()
    else:
        fail("unknown address type 0x%02x in a reply" % atyp)
    return host, struct.unpack(">H", read(2))[0]


def handshake(proxy, command, host, port):
    sock = socket.create_connection(proxy, timeout=TIMEOUT)
    sock.sendall(b"\x05\x01\x00")
    method = recv_exact(sock, 2)
    if method != b"\x05\x00":
        fail("the proxy chose method %r instead of no-auth" % method)
    sock.sendall(b"\x05" + bytes([command]) + b"\x00" + encode_address(host, port))
    head = recv_exact(sock, 3)
    if head[0] != 5 or head[1] != 0:
        fail("the proxy answered command 0x%02x with reply 0x%02x" % (command, head[1]))
    bound = decode_address(lambda count: recv_exact(sock, count))
    return sock, bound


def connect(proxy, target, size):
    sock, bound = handshake(proxy, 1, *target)
    print("bound %s:%d" % bound, flush=True)
    payload = os.urandom(size)

    def write():
        sock.sendall(payload)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    received = recv_exact(sock, size)
    writer.join(TIMEOUT)
    sock.close()
    if hashlib.sha256(received).digest() != hashlib.sha256(payload).digest():
        fail("the echo differs from what was sent")
    print("echoed %d bytes" % size, flush=True)


def udp(proxy, target):
    control, relay = handshake(proxy, 3, "0.0.0.0", 0)
    print("relay %s:%d" % relay, flush=True)
    datagram = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    datagram.settimeout(2)
    payload = b"gost udp over socks5 " + os.urandom(16).hex().encode()
    # UDP may drop a datagram; a few tries keep the test from failing on one lost packet.
    for attempt in range(5):
        datagram.sendto(b"\x00\x00\x00" + encode_address(*target) + payload, relay)
        try:
            answer, sender = datagram.recvfrom(65536)
            break
        except socket.timeout:
            continue
    else:
        fail("no answer through the relay %s:%d after 5 datagrams" % relay)
    if sender[0] != relay[0] or sender[1] != relay[1]:
        fail("the answer came from %s:%d, not from the relay %s:%d" % (sender + relay))
    if answer[:3] != b"\x00\x00\x00":
        fail("the answer's header starts with %r instead of RSV RSV FRAG = 0" % answer[:3])
    rest = [answer[3:]]

    def read(count):
        chunk, rest[0] = rest[0][:count], rest[0][count:]
        return chunk

    origin = decode_address(read)
    if rest[0] != payload:
        fail("the answer's payload %r differs from the datagram sent %r" % (rest[0], payload))
    print("reply from %s:%d: %d bytes matched" % (origin + (len(payload),)), flush=True)
    control.close()


def main():
    mode, proxy = sys.argv[1], (sys.argv[2], int(sys.argv[3]))
    target = (sys.argv[4], int(sys.argv[5]))
    if mode == "connect":
        connect(proxy, target, int(sys.argv[6]))
    elif mode == "udp":
        udp(proxy, target)
    else:
        fail("unknown mode " + mode)


if __name__ == "__main__":
    main()
