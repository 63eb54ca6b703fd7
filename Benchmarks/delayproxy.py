#!/usr/bin/env python3
"""A user-space TCP proxy that adds a fixed round-trip time, for benchmarks without `tc netem`.

Each route listens on a loopback port and forwards to one lab sshd. Every chunk read from one
side is held for RTT/2 from the moment it arrived, then written to the other side, so each
direction sees half the round trip and the order of bytes is preserved (one FIFO per direction).
Buffers are bounded: a direction holds at most --buffer bytes in flight; past that the proxy
stops reading from the sender until the receiver has drained, as a real link would.

Usage:
    delayproxy.py --rtt-ms 40 --route 127.0.0.1:42001=10.88.0.2:22 --route ...

Prints "ready" on stdout once every listener is bound. Only loopback listen addresses are
accepted; targets are whatever the caller gives (the lab's namespace addresses).
"""

import argparse
import asyncio
import collections
import ipaddress
import signal
import sys
import time

CHUNK = 256 * 1024


class DelayedPipe:
    """One direction of a connection: read, hold until arrival + delay, write, in order."""

    def __init__(self, reader, writer, delay, limit):
        self.reader = reader
        self.writer = writer
        self.delay = delay
        self.limit = limit
        self.queue = collections.deque()  # (due time, bytes)
        self.queued_bytes = 0
        self.data_ready = asyncio.Event()
        self.space_free = asyncio.Event()
        self.space_free.set()
        self.eof = False

    async def pump_in(self):
        while True:
            data = await self.reader.read(CHUNK)
            due = time.monotonic() + self.delay
            if not data:
                self.eof = True
                self.data_ready.set()
                return
            self.queue.append((due, data))
            self.queued_bytes += len(data)
            self.data_ready.set()
            if self.queued_bytes >= self.limit:
                self.space_free.clear()
                await self.space_free.wait()

    async def pump_out(self):
        try:
            while True:
                if not self.queue:
                    if self.eof:
                        if self.writer.can_write_eof():
                            self.writer.write_eof()
                        return
                    self.data_ready.clear()
                    await self.data_ready.wait()
                    continue
                due, data = self.queue[0]
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                # Write every chunk that is due now in one go, then wait for the socket.
                now = time.monotonic()
                while self.queue and self.queue[0][0] <= now:
                    _, data = self.queue.popleft()
                    self.queued_bytes -= len(data)
                    self.writer.write(data)
                await self.writer.drain()
                if self.queued_bytes < self.limit:
                    self.space_free.set()
        except (ConnectionError, OSError):
            return


async def handle(client_reader, client_writer, target, delay, limit):
    try:
        server_reader, server_writer = await asyncio.open_connection(*target)
    except OSError:
        client_writer.close()
        return
    up = DelayedPipe(client_reader, server_writer, delay, limit)
    down = DelayedPipe(server_reader, client_writer, delay, limit)
    tasks = [asyncio.ensure_future(t) for t in (up.pump_in(), up.pump_out(), down.pump_in(), down.pump_out())]
    try:
        # Finish when both directions have delivered their EOF, or on the first error.
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in pending:
            task.cancel()
    finally:
        for writer in (client_writer, server_writer):
            writer.close()


def parse_route(text):
    listen, _, target = text.partition("=")
    lhost, _, lport = listen.rpartition(":")
    thost, _, tport = target.rpartition(":")
    if not ipaddress.ip_address(lhost).is_loopback:
        raise SystemExit(f"delayproxy: listen address {lhost} is not loopback")
    return (lhost, int(lport)), (thost.strip("[]"), int(tport))


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt-ms", type=float, required=True, help="round-trip time to add")
    parser.add_argument("--route", action="append", required=True, help="LISTEN_HOST:PORT=TARGET_HOST:PORT")
    parser.add_argument("--buffer", type=int, default=16 * 1024 * 1024, help="bytes in flight per direction")
    args = parser.parse_args()
    delay = args.rtt_ms / 2000.0
    servers = []
    for route in args.route:
        listen, target = parse_route(route)
        servers.append(await asyncio.start_server(
            lambda r, w, target=target: handle(r, w, target, delay, args.buffer),
            host=listen[0], port=listen[1], backlog=1024, reuse_address=True))
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
