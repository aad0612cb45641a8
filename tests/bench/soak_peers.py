#!/usr/bin/env python3
"""Hostile WebSocket peers for tests/bench/soak.sh (loopback only, bounded).

  soak_peers.py slow-readers --port P --connections N --seconds S
      N clients upgrade, then send `message` frames as fast as the socket
      takes them and never read a byte. Prints frames and bytes sent, how
      many connections the server closed or stopped reading (send buffer
      full for good).

  soak_peers.py flood --port P --seconds S [--parallel 50]
      For S seconds, opens connections one after another, three kinds in
      turn: a full upgrade that reads the welcome and closes
      without a close frame; a TCP connect closed at once; a half-sent HTTP
      upgrade request, closed after 1 s (at most `parallel` held at once).
      Prints the counts.

Only 127.0.0.1 is ever contacted. Exit status 0 unless the server could not
be reached at all.
"""
import argparse
import base64
import os
import select
import socket
import struct
import sys
import time

HOST = "127.0.0.1"


def upgrade_request(port):
    key = base64.b64encode(os.urandom(16)).decode()
    return (f"GET /ws HTTP/1.1\r\nHost: {HOST}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n").encode()


def masked_text_frame(payload: bytes) -> bytes:
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x81])
    if n < 126:
        head += bytes([0x80 | n])
    else:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + body


def connect_upgraded(port, timeout=5.0):
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.sendall(upgrade_request(port))
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed during upgrade")
        data += chunk
    if not data.startswith(b"HTTP/1.1 101"):
        raise ConnectionError(data.split(b"\r\n", 1)[0].decode(errors="replace"))
    return s, data.split(b"\r\n\r\n", 1)[1]  # and what came after (the welcome, often)


def slow_readers(args):
    socks = []
    for _ in range(args.connections):
        try:
            socks.append(connect_upgraded(args.port)[0])
        except OSError as e:
            print(f"slow-readers: connect failed: {e}", file=sys.stderr)
    if not socks:
        return 1
    for s in socks:
        s.setblocking(False)
        # A small receive buffer: the server's writes back up quickly.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    frame = masked_text_frame(b'{"type":"message","id":"slow","text":"What does a TPM do?"}')
    frames = sent_bytes = 0
    closed = set()
    pending = {s: frame for s in socks}
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        live = [s for s in socks if s not in closed]
        if not live:
            break
        _, writable, _ = select.select([], live, [], 0.2)
        for s in writable:
            try:
                n = s.send(pending[s])
            except OSError:
                closed.add(s)
                continue
            sent_bytes += n
            pending[s] = pending[s][n:]
            if not pending[s]:
                frames += 1
                pending[s] = frame
    stuck = 0
    for s in socks:
        if s in closed:
            continue
        _, w, _ = select.select([], [s], [], 0)
        stuck += 0 if w else 1
    for s in socks:
        s.close()
    print(f"SLOW_READERS connections={len(socks)} frames_sent={frames} bytes_sent={sent_bytes} "
          f"closed_by_server={len(closed)} send_blocked_at_end={stuck}")
    return 0


def flood(args):
    counts = {"upgraded": 0, "dropped": 0, "half": 0, "failed": 0}
    end = time.monotonic() + args.seconds
    half_open = []  # (socket, close_at)
    i = 0
    while time.monotonic() < end:
        kind = i % 3
        i += 1
        try:
            if kind == 0:
                s, rest = connect_upgraded(args.port)
                s.settimeout(5)
                if not rest:
                    s.recv(4096)  # the welcome
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()  # RST, no close frame
                counts["upgraded"] += 1
            elif kind == 1:
                s = socket.create_connection((HOST, args.port), timeout=5)
                s.close()
                counts["dropped"] += 1
            else:
                s = socket.create_connection((HOST, args.port), timeout=5)
                s.sendall(upgrade_request(args.port)[:40])
                half_open.append((s, time.monotonic() + 1.0))
                counts["half"] += 1
        except OSError:
            counts["failed"] += 1
        now = time.monotonic()
        keep = []
        for s, at in half_open:
            if at <= now or len(half_open) > args.parallel:
                s.close()
            else:
                keep.append((s, at))
        half_open = keep
    for s, _ in half_open:
        s.close()
    total = counts["upgraded"] + counts["dropped"] + counts["half"]
    print("FLOOD connections={} upgraded={} dropped={} half_sent={} failed={} per_s={:.0f}".format(
        total, counts["upgraded"], counts["dropped"], counts["half"], counts["failed"], total / args.seconds))
    return 0 if total > 0 else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["slow-readers", "flood"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--connections", type=int, default=100)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--parallel", type=int, default=50)
    args = p.parse_args()
    args.seconds = min(args.seconds, 3600)
    return slow_readers(args) if args.mode == "slow-readers" else flood(args)


if __name__ == "__main__":
    sys.exit(main())
