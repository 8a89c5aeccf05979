"""A minimal asyncio WebSocket client (RFC 6455, text frames) for the multi-process test and
`bench/ws_bench.py`, so they need no extra dependency. Not used by the product itself."""

import asyncio
import base64
import json
import os
import struct


class WebSocketClosed(Exception):
    pass


class WSClient:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, host: str, port: int, path: str, *, origin: str | None = None):
        reader, writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        origin = origin or f"http://{host}:{port}"
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
        )
        writer.write(request.encode())
        await writer.drain()
        status = await reader.readline()
        if b" 101 " not in status:
            writer.close()
            raise WebSocketClosed(f"handshake refused: {status!r}")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        return cls(reader, writer)

    async def send_json(self, message) -> None:
        payload = json.dumps(message, ensure_ascii=False).encode()
        header = bytearray([0x81])  # FIN + text
        length = len(payload)
        if length < 126:
            header.append(0x80 | length)
        elif length < 65536:
            header.append(0x80 | 126)
            header += struct.pack("!H", length)
        else:
            header.append(0x80 | 127)
            header += struct.pack("!Q", length)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(bytes(header) + mask + masked)
        await self.writer.drain()

    async def _frame(self) -> tuple[int, bool, bytes]:
        first, second = await self.reader.readexactly(2)
        opcode, fin = first & 0x0F, bool(first & 0x80)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
        mask = await self.reader.readexactly(4) if second & 0x80 else None
        data = await self.reader.readexactly(length)
        if mask:
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        return opcode, fin, data

    async def recv_json(self, timeout: float | None = None):
        return await asyncio.wait_for(self._recv(), timeout)

    async def _recv(self):
        buffer = b""
        while True:
            try:
                opcode, fin, data = await self._frame()
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                raise WebSocketClosed("connection closed") from exc
            if opcode == 0x8:
                raise WebSocketClosed("closed by server")
            if opcode == 0x9:  # ping -> pong
                self.writer.write(bytes([0x8A, 0x80 | len(data)]) + b"\0\0\0\0" + data)
                continue
            if opcode in (0x1, 0x0):
                buffer += data
                if fin:
                    return json.loads(buffer.decode())

    async def close(self) -> None:
        try:
            self.writer.write(bytes([0x88, 0x80]) + b"\0\0\0\0")
            await self.writer.drain()
        except ConnectionError:
            pass
        self.writer.close()


class BoardSession:
    """A participant on a workshop board that never misses an event (used by the bench and tests;
    the board JavaScript does the same).

    It applies events strictly in `seq` order: an event that arrives ahead of a missing one is
    counted (`out_of_order`) and dropped, and `{"type": "resume", "since": last seq}` asks the
    server to replay everything after the last applied event (the stored log is gapless). After a
    lost connection, `reconnect()` joins again with the participant's token and `since`, so the
    server replays what was missed instead of sending the whole board.
    """

    def __init__(self, host: str, port: int, code: str, display_name: str, *, origin=None):
        self.host, self.port, self.code = host, port, code
        self.display_name = display_name
        self.origin = origin
        self.client: WSClient | None = None
        self.seq: int | None = None  # last applied event (or the state's seq)
        self.joined_at_seq: int | None = None  # seq of the first state
        self.token: str | None = None
        self.me: dict | None = None
        self.applied: list[int] = []  # seqs applied, in order
        self.arrivals = 0  # events received (including duplicates and early ones)
        self.out_of_order = 0  # arrived ahead of a missing event
        self.duplicates = 0  # arrived again (replays overlap live delivery)
        self.resumes = 0  # resume requests sent
        self._resume_asked = False

    async def connect(self, timeout: float = 60) -> dict | None:
        """Open the socket and join; returns the state (None when rejoining with a replay)."""
        self.client = await WSClient.connect(
            self.host, self.port, f"/ws/workshops/{self.code}/", origin=self.origin
        )
        join = {"type": "join", "display_name": self.display_name}
        if self.token:
            join["token"] = self.token
        rejoin = self.seq is not None
        if rejoin:
            join["since"] = self.seq
        await self.client.send_json(join)
        self._resume_asked = False
        if rejoin:
            return None
        while True:
            message = await self.recv(timeout)
            if message["type"] == "state":
                return message
            if message["type"] == "error":
                raise WebSocketClosed(f"join refused: {message}")

    async def reconnect(self, timeout: float = 60) -> None:
        await self.close()
        await self.connect(timeout)

    async def send(self, message: dict) -> None:
        await self.client.send_json(message)

    async def resume(self) -> None:
        """Ask for every event after the last applied one."""
        self.resumes += 1
        self._resume_asked = True
        await self.client.send_json({"type": "resume", "since": self.seq or 0})

    async def recv(self, timeout: float | None = None) -> dict:
        """The next message to act on: states, applicable events (in seq order), the rest."""
        while True:
            message = await self.client.recv_json(timeout)
            kind = message.get("type")
            if kind == "state":
                self.seq = message["seq"]
                if self.joined_at_seq is None:
                    self.joined_at_seq = message["seq"]
                if message.get("me"):
                    self.me = message["me"]
                    self.token = message["me"].get("token") or self.token
                self._resume_asked = False
                return message
            if kind != "event":
                return message
            self.arrivals += 1
            seq = message["seq"]
            if self.seq is None or seq <= self.seq:
                self.duplicates += self.seq is not None
                continue
            if seq > self.seq + 1:
                self.out_of_order += 1
                if not self._resume_asked:
                    await self.resume()
                continue
            self.seq = seq
            self.applied.append(seq)
            self._resume_asked = False
            return message

    def missing(self, last_seq: int) -> list[int]:
        """Seqs between the first state and `last_seq` that were never applied."""
        start = self.joined_at_seq or 0
        have = set(self.applied)
        return [s for s in range(start + 1, last_seq + 1) if s not in have]

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()
            self.client = None
