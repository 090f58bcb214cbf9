#!/usr/bin/env python3
"""Hostile peers for the memory section of scripts/bench.sh: what a client or a server can make
the other side hold. Loopback only; every mode stops by itself.

  half-open-tls PORT N SECONDS   N connections to 127.0.0.1:PORT that each send half a TLS
                                 ClientHello and then nothing, held for SECONDS
  many-ids PORT SECONDS [N]      an HTTP/1.1 server on 127.0.0.1:PORT whose every answer names a
                                 new X-Instance-Id (the tester's per-instance figures); with N,
                                 the answers take turns among N ids instead
  fat-pages PORT SECONDS         an HTTP/1.1 server whose pages are 8 MiB, with a 1 MB form token
                                 and 50 cookies of 4 KiB (what a server can ask a client to keep)
  hostile-html PORT SECONDS KIND  an HTTP/1.1 server whose Home is a page built to cost the
                                 tester: nested (74,000 nested elements, 518 KB), unclosed
                                 (100,000 unclosed <div>, 500 KB), inputs (a form of 37,000
                                 inputs), hidden (a 500 KB hidden value), select (60,000 options)
  crafted-merge IN OUT N         writes OUT: the load JSON IN with its instance made N instances
                                 (merge's input with many ids)
"""
import asyncio
import copy
import itertools
import json
import socket
import sys
import time

HOST = "127.0.0.1"


def half_open_tls(port, n, seconds):
    # A ClientHello record header announcing 512 bytes, and 100 of them: the server has begun
    # a handshake and waits for the rest.
    hello = bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]) + bytes(89)
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.connect((HOST, port))
            s.sendall(hello)
        except OSError:
            s.close()
            continue
        socks.append(s)
    print(f"{len(socks)} half-open handshakes held", flush=True)
    time.sleep(seconds)
    for s in socks:
        s.close()


async def serve(port, seconds, answer):
    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length:
                    await reader.readexactly(length)
                writer.write(answer(head))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, HOST, port, backlog=4096)
    async with server:
        await asyncio.sleep(seconds)


def many_ids(port, seconds, turns=0):
    counter = itertools.count()
    body = b"<html><body><p>no name</p></body></html>"

    def answer(_head):
        n = next(counter)
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Instance-Id: id-%d\r\n"
                b"Content-Length: %d\r\n\r\n" % (n % turns if turns else n, len(body))) + body

    asyncio.run(serve(port, seconds, answer))


def fat_pages(port, seconds):
    token = b"t" * 1_000_000
    page = (b"<html><body><form method=post action=/><input type=hidden name=csrf_token value="
            + token + b"><input name=name></form>" + b"x" * (8 << 20) + b"</body></html>")
    cookies = b"".join(b"Set-Cookie: c%d=%s; Path=/\r\n" % (i, b"v" * 4000) for i in range(50))

    def answer(_head):
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + cookies
                + b"Content-Length: %d\r\n\r\n" % len(page)) + page

    asyncio.run(serve(port, seconds, answer))


def hostile_html(port, seconds, kind):
    form_end = b"<input name=name></form>"
    pages = {
        "nested": b"<form method=post action=/>" + b"<span>" * 74000 + form_end,
        "unclosed": b"<div>" * 100000 + b"<form method=post action=/>" + form_end,
        "inputs": b"<form method=post action=/>" + b"<input name=a value=1>" * 37000 + form_end,
        "hidden": b"<form method=post action=/><input type=hidden name=h value=" + b"v" * 500000 + b">"
                  + form_end,
        "select": b"<form method=post action=/><select name=s>" + b"<option>o" * 60000 + b"</select>"
                  + form_end,
    }
    page = pages[kind]

    def answer(head):
        body = page if head.startswith(b"GET / ") else b"<p>no name</p>"
        status = b"303 See Other\r\nLocation: /details" if head.startswith(b"POST") else b"200 OK"
        if head.startswith(b"POST"):
            body = b""
        return (b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html\r\nX-Served-By: h\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body)) + body

    asyncio.run(serve(port, seconds, answer))


def crafted_merge(src, out, n):
    doc = json.load(open(src))
    (name, inst), = list(doc["instances"].items())[:1]
    doc["instances"] = {f"id-{i}": copy.deepcopy(inst) for i in range(n)}
    # The totals stay those of one instance times n, so the file is consistent.
    for key in ("requests", "errors", "hits", "misses", "stale", "foreign", "late"):
        if key in doc["total"]:
            doc["total"][key] = inst[key] * n
    json.dump(doc, open(out, "w"))


def main(argv):
    mode = argv[1] if len(argv) > 1 else ""
    if mode == "half-open-tls":
        half_open_tls(int(argv[2]), int(argv[3]), float(argv[4]))
    elif mode == "many-ids":
        many_ids(int(argv[2]), float(argv[3]), int(argv[4]) if len(argv) > 4 else 0)
    elif mode == "fat-pages":
        fat_pages(int(argv[2]), float(argv[3]))
    elif mode == "hostile-html":
        hostile_html(int(argv[2]), float(argv[3]), argv[4])
    elif mode == "crafted-merge":
        crafted_merge(argv[2], argv[3], int(argv[4]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
