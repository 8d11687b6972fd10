#!/usr/bin/env python3
"""A minimal PostgreSQL wire-protocol client: runs one query through the
extended protocol with a row limit per Execute, resuming the suspended portal
until it completes or fails. Prints how many rows held a clear address, the
error's SQLSTATE, and how many Execute batches ran.

usage: portal_client.py SOCKET_DIR PORT USER DATABASE QUERY ROWS_PER_EXECUTE
(trust authentication over the Unix socket)"""
import socket
import struct
import sys


def message(kind, payload):
    return kind + struct.pack("!I", len(payload) + 4) + payload


def read_message(sock):
    header = b""
    while len(header) < 5:
        chunk = sock.recv(5 - len(header))
        if not chunk:
            raise EOFError("server closed the connection")
        header += chunk
    kind, length = header[:1], struct.unpack("!I", header[1:])[0]
    body = b""
    while len(body) < length - 4:
        chunk = sock.recv(length - 4 - len(body))
        if not chunk:
            raise EOFError("server closed the connection")
        body += chunk
    return kind, body


def error_code(body):
    for field in body.split(b"\0"):
        if field[:1] == b"C":
            return field[1:].decode()
    return "?"


def main():
    sockdir, port, user, database, query, rows = sys.argv[1:7]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(f"{sockdir}/.s.PGSQL.{port}")
    params = b"user\0" + user.encode() + b"\0database\0" + database.encode() + b"\0\0"
    startup = struct.pack("!I", 196608) + params
    sock.sendall(struct.pack("!I", len(startup) + 4) + startup)
    while True:
        kind, body = read_message(sock)
        if kind == b"E":
            print(f"clear=0 error={error_code(body)} batches=0")
            return
        if kind == b"Z":
            break

    sock.sendall(message(b"P", b"\0" + query.encode() + b"\0" + struct.pack("!H", 0)) +
                 message(b"B", b"\0\0" + struct.pack("!HHH", 0, 0, 0)))
    clear, batches, code = 0, 0, "none"
    while True:
        sock.sendall(message(b"E", b"\0" + struct.pack("!I", int(rows))) + message(b"H", b""))
        batches += 1
        finished = False
        while True:
            kind, body = read_message(sock)
            if kind == b"D":
                if b"member" in body:
                    clear += 1
            elif kind == b"s":  # PortalSuspended: ask for more
                break
            elif kind == b"C":
                finished = True
                break
            elif kind == b"E":
                code = error_code(body)
                finished = True
                break
        if finished:
            break
    sock.sendall(message(b"S", b""))
    print(f"clear={clear} error={code} batches={batches}")


if __name__ == "__main__":
    main()
