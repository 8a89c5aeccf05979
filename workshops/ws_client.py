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
