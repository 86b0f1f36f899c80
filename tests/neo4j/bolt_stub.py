"""A scripted Bolt 5.4 server on 127.0.0.1 that records everything the real driver sends.

No Neo4j server can run on these machines, and a fake *driver* would test only our
guess of how the driver behaves. This stub sits one layer lower, at the driver's own
boundary - the socket - so the real `neo4j` package does everything it does in
production: handshake, authentication, routing tables, sessions, managed transactions
and their retries with back-off, access modes, bookmarks, fetch sizes, timeouts and the
mapping of server failure codes to exception classes. The tests then read back the
Bolt messages the driver sent (BEGIN with `mode: "r"`, RUN with our statement and
parameters, PULL with `n`, COMMIT...) and script the server's answers, including the
failures (`Neo.TransientError.*`, `Neo.ClientError.Statement.AccessMode`) a real Neo4j
sends.

Only what the driver needs is implemented: PackStream (the Bolt value encoding) and the
request/response state machine of a single Neo4j 5 server or cluster member, per
https://neo4j.com/docs/bolt/current/bolt/message/.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# ---------------------------------------------------------------- PackStream


@dataclass(frozen=True)
class Structure:
    tag: int
    fields: list[Any]


def pack(value: Any) -> bytes:
    out = bytearray()
    _pack_into(out, value)
    return bytes(out)


def _size_marker(out: bytearray, n: int, tiny: int, m8: int, m16: int, m32: int) -> None:
    if n < 16 and tiny:
        out.append(tiny + n)
    elif n < 0x100 and m8:
        out += bytes((m8, n))
    elif n < 0x10000:
        out += bytes((m16,)) + struct.pack(">H", n)
    else:
        out += bytes((m32,)) + struct.pack(">I", n)


def _pack_into(out: bytearray, value: Any) -> None:
    if value is None:
        out.append(0xC0)
    elif value is True:
        out.append(0xC3)
    elif value is False:
        out.append(0xC2)
    elif isinstance(value, int):
        if -16 <= value < 128:
            out += struct.pack(">b", value)
        elif -128 <= value < 128:
            out += b"\xc8" + struct.pack(">b", value)
        elif -0x8000 <= value < 0x8000:
            out += b"\xc9" + struct.pack(">h", value)
        elif -0x80000000 <= value < 0x80000000:
            out += b"\xca" + struct.pack(">i", value)
        else:
            out += b"\xcb" + struct.pack(">q", value)
    elif isinstance(value, float):
        out += b"\xc1" + struct.pack(">d", value)
    elif isinstance(value, str):
        data = value.encode("utf-8")
        _size_marker(out, len(data), 0x80, 0xD0, 0xD1, 0xD2)
        out += data
    elif isinstance(value, bytes):
        _size_marker(out, len(value), 0, 0xCC, 0xCD, 0xCE)
        out += value
    elif isinstance(value, list | tuple):
        _size_marker(out, len(value), 0x90, 0xD4, 0xD5, 0xD6)
        for item in value:
            _pack_into(out, item)
    elif isinstance(value, dict):
        _size_marker(out, len(value), 0xA0, 0xD8, 0xD9, 0xDA)
        for key, item in value.items():
            _pack_into(out, str(key))
            _pack_into(out, item)
    elif isinstance(value, Structure):
        out += bytes((0xB0 + len(value.fields), value.tag))
        for item in value.fields:
            _pack_into(out, item)
    else:
        raise TypeError(f"cannot PackStream {type(value).__name__}")


class _Unpacker:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, n: int) -> bytes:
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def _int(self, fmt: str) -> int:
        return struct.unpack(fmt, self._take(struct.calcsize(fmt)))[0]

    def unpack(self) -> Any:
        marker = self._take(1)[0]
        if marker < 0x80:
            return marker
        if marker >= 0xF0:
            return marker - 0x100
        high, low = marker & 0xF0, marker & 0x0F
        if high == 0x80:
            return self._take(low).decode("utf-8")
        if high == 0x90:
            return [self.unpack() for _ in range(low)]
        if high == 0xA0:
            return self._map(low)
        if high == 0xB0:
            tag = self._take(1)[0]
            return Structure(tag, [self.unpack() for _ in range(low)])
        simple = {0xC0: None, 0xC2: False, 0xC3: True}
        if marker in simple:
            return simple[marker]
        if marker == 0xC1:
            return struct.unpack(">d", self._take(8))[0]
        ints = {0xC8: ">b", 0xC9: ">h", 0xCA: ">i", 0xCB: ">q"}
        if marker in ints:
            return self._int(ints[marker])
        sizes = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xD0: ">B", 0xD1: ">H", 0xD2: ">I", 0xD4: ">B", 0xD5: ">H",
                 0xD6: ">I", 0xD8: ">B", 0xD9: ">H", 0xDA: ">I"}
        n = self._int(sizes[marker])
        if marker in (0xCC, 0xCD, 0xCE):
            return self._take(n)
        if marker in (0xD0, 0xD1, 0xD2):
            return self._take(n).decode("utf-8")
        if marker in (0xD4, 0xD5, 0xD6):
            return [self.unpack() for _ in range(n)]
        return self._map(n)

    def _map(self, n: int) -> dict[str, Any]:
        return {self.unpack(): self.unpack() for _ in range(n)}


def unpack(data: bytes) -> Any:
    return _Unpacker(data).unpack()


# ---------------------------------------------------------------- Bolt messages

REQUESTS = {0x01: "HELLO", 0x02: "GOODBYE", 0x0F: "RESET", 0x10: "RUN", 0x11: "BEGIN", 0x12: "COMMIT",
            0x13: "ROLLBACK", 0x2F: "DISCARD", 0x3F: "PULL", 0x54: "TELEMETRY", 0x66: "ROUTE", 0x6A: "LOGON",
            0x6B: "LOGOFF"}
SUCCESS, RECORD, IGNORED, FAILURE = 0x70, 0x71, 0x7E, 0x7F
MAGIC = b"\x60\x60\xb0\x17"
BOLT_5_4 = b"\x00\x00\x04\x05"


def node(node_id: int, labels: list[str], props: dict[str, Any]) -> Structure:
    """A Bolt 5 Node value, for scripted RECORDs."""
    return Structure(0x4E, [node_id, labels, props, f"4:stub:{node_id}"])


class Failure(Exception):
    """Raise from an answer or commit hook: the stub replies FAILURE with this code, like Neo4j."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class Message:
    connection: int
    name: str
    fields: list[Any]


@dataclass
class Query:
    """One RUN as the server saw it, with the transaction it ran in."""

    text: str
    params: dict[str, Any]
    mode: str  # "r" or "w"
    db: str | None
    tx_timeout: int | None  # milliseconds
    explicit_tx: bool
    connection: int
    server: str


Reply = tuple[list[str], list[list[Any]]]
Answer = Callable[[Query], Reply]


@dataclass
class _Tx:
    mode: str
    db: str | None
    tx_timeout: int | None
    queries: list[Query] = field(default_factory=list)


class BoltStub:
    """One scripted server. `answer(query)` returns (columns, rows) or raises `Failure`."""

    def __init__(self, answer: Answer | None = None, *, username: str = "neo4j", password: str = "test-password",
                 on_commit: Callable[[list[Query]], None] | None = None,
                 routing_table: Callable[[BoltStub], dict[str, Any]] | None = None, name: str = "stub") -> None:
        self.answer: Answer = answer or (lambda query: ([], []))
        self.username = username
        self.password = password
        self.on_commit = on_commit
        self.routing_table = routing_table
        self.name = name
        self.messages: list[Message] = []
        self.committed: list[list[Query]] = []
        self._lock = threading.Lock()
        self._connections = 0
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler, bind_and_activate=True)
        self._server.daemon_threads = True
        self._server.stub = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name=f"bolt-{name}", daemon=True)

    # ------------------------------------------------------------ lifecycle
    def __enter__(self) -> BoltStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def uri(self, scheme: str = "bolt") -> str:
        return f"{scheme}://{self.address}"

    # ------------------------------------------------------------ what the driver sent
    def sent(self, name: str) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if m.name == name]

    @property
    def runs(self) -> list[Query]:
        with self._lock:
            return [q for m in self.messages if m.name == "RUN" for q in [m.fields[-1]]]

    def _record(self, message: Message) -> None:
        with self._lock:
            self.messages.append(message)

    def _new_connection(self) -> int:
        with self._lock:
            self._connections += 1
            return self._connections

    def default_routing_table(self, db: str | None) -> dict[str, Any]:
        return {"ttl": 300, "db": db or "neo4j", "servers": [
            {"addresses": [self.address], "role": role} for role in ("ROUTE", "WRITE", "READ")]}


class _Handler(socketserver.BaseRequestHandler):
    """One driver connection: handshake, then request -> response(s) until GOODBYE or EOF."""

    def setup(self) -> None:
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle delay between replies
        self.stub: BoltStub = self.server.stub  # type: ignore[attr-defined]
        self.conn = self.stub._new_connection()
        self.failed = False
        self.tx: _Tx | None = None
        self.pending: deque[list[Any]] = deque()
        self.pending_mode = "w"
        self.pending_db: str | None = None
        self.bookmarks = 0

    def _recv(self, n: int) -> bytes | None:
        data = b""
        while len(data) < n:
            try:
                chunk = self.request.recv(n - len(data))
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        return data

    def _read_message(self) -> Structure | None:
        body = b""
        while True:
            header = self._recv(2)
            if header is None:
                return None
            size = struct.unpack(">H", header)[0]
            if size == 0:
                if body:
                    return unpack(body)
                continue  # NOOP keep-alive
            chunk = self._recv(size)
            if chunk is None:
                return None
            body += chunk

    def _send(self, tag: int, *fields: Any) -> None:
        data = pack(Structure(tag, list(fields)))
        out = bytearray()
        for start in range(0, len(data), 0xFFFF):
            piece = data[start:start + 0xFFFF]
            out += struct.pack(">H", len(piece)) + piece
        out += b"\x00\x00"
        self.request.sendall(bytes(out))

    def _fail(self, code: str, message: str) -> None:
        self.failed = True
        self._send(FAILURE, {"code": code, "message": message})

    def handle(self) -> None:
        if self._recv(4) != MAGIC or self._recv(16) is None:
            return
        self.request.sendall(BOLT_5_4)
        while True:
            message = self._read_message()
            if message is None:
                return
            name = REQUESTS.get(message.tag, f"0x{message.tag:02X}")
            if name == "GOODBYE":
                self.stub._record(Message(self.conn, name, message.fields))
                return
            if name != "RUN":
                self.stub._record(Message(self.conn, name, message.fields))
            if self.failed and name != "RESET":
                self._send(IGNORED)
                continue
            getattr(self, f"_on_{name.lower()}", self._on_unknown)(message.fields)

    # ------------------------------------------------------------ requests
    def _on_unknown(self, fields: list[Any]) -> None:
        self._fail("Neo.ClientError.Request.Invalid", "The stub does not speak this message.")

    def _on_hello(self, fields: list[Any]) -> None:
        self._send(SUCCESS, {"server": "Neo4j/5.26.0", "connection_id": f"bolt-{self.conn}", "hints": {}})

    def _on_logon(self, fields: list[Any]) -> None:
        auth = fields[0]
        if self.stub.password is not None and (auth.get("principal") != self.stub.username
                                               or auth.get("credentials") != self.stub.password):
            self._fail("Neo.ClientError.Security.Unauthorized",
                       "The client is unauthorized due to authentication failure.")
            return
        self._send(SUCCESS, {})

    def _on_logoff(self, fields: list[Any]) -> None:
        self._send(SUCCESS, {})

    def _on_telemetry(self, fields: list[Any]) -> None:
        self._send(SUCCESS, {})

    def _on_reset(self, fields: list[Any]) -> None:
        self.failed, self.tx = False, None
        self.pending.clear()
        self._send(SUCCESS, {})

    def _on_route(self, fields: list[Any]) -> None:
        db = (fields[2] or {}).get("db") if len(fields) > 2 else None
        table = self.stub.routing_table(self.stub) if self.stub.routing_table else self.stub.default_routing_table(db)
        self._send(SUCCESS, {"rt": table})

    def _on_begin(self, fields: list[Any]) -> None:
        extra = fields[0] if fields else {}
        self.tx = _Tx(mode=extra.get("mode", "w"), db=extra.get("db"), tx_timeout=extra.get("tx_timeout"))
        self._send(SUCCESS, {})

    def _on_run(self, fields: list[Any]) -> None:
        text, params = fields[0], fields[1]
        extra = fields[2] if len(fields) > 2 else {}
        source = self.tx or _Tx(mode=extra.get("mode", "w"), db=extra.get("db"), tx_timeout=extra.get("tx_timeout"))
        query = Query(text, params, source.mode, source.db, source.tx_timeout, self.tx is not None, self.conn,
                      self.stub.name)
        self.stub._record(Message(self.conn, "RUN", [*fields, query]))
        if self.tx is not None:
            self.tx.queries.append(query)
        try:
            columns, rows = self.stub.answer(query)
        except Failure as failure:
            self._fail(failure.code, failure.message)
            return
        self.pending = deque(rows)
        self.pending_mode, self.pending_db = source.mode, source.db
        self._send(SUCCESS, {"fields": columns, "t_first": 0, **({"qid": 0} if self.tx else {})})

    def _summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {"has_more": False, "t_last": 0, "type": self.pending_mode,
                                   "db": self.pending_db or "neo4j"}
        if self.tx is None:  # auto-commit: the result's end is the commit
            self.bookmarks += 1
            summary["bookmark"] = f"{self.stub.name}:bm{self.conn}.{self.bookmarks}"
        return summary

    def _on_pull(self, fields: list[Any]) -> None:
        n = (fields[0] if fields else {}).get("n", -1)
        sent = 0
        while self.pending and (n < 0 or sent < n):
            self._send(RECORD, self.pending.popleft())
            sent += 1
        self._send(SUCCESS, {"has_more": True} if self.pending else self._summary())

    def _on_discard(self, fields: list[Any]) -> None:
        self.pending.clear()
        self._send(SUCCESS, self._summary())

    def _on_commit(self, fields: list[Any]) -> None:
        tx, self.tx = self.tx, None
        queries = tx.queries if tx else []
        if self.stub.on_commit:
            try:
                self.stub.on_commit(queries)
            except Failure as failure:
                self._fail(failure.code, failure.message)
                return
        with self.stub._lock:
            self.stub.committed.append(queries)
        self.bookmarks += 1
        self._send(SUCCESS, {"bookmark": f"{self.stub.name}:bm{self.conn}.{self.bookmarks}"})

    def _on_rollback(self, fields: list[Any]) -> None:
        self.tx = None
        self._send(SUCCESS, {})


def closed_port() -> int:
    """A local port nothing listens on, for 'server is down' tests."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
