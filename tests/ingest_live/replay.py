"""A real HTTP server on 127.0.0.1 that answers like the five APIs, from recorded responses.

The live ingestors are pointed at it by base URL. It serves the recordings in
`tests/fixtures/live/` (and copies of them with fresh ids when a test needs volume),
pages the way each API pages (OpenAlex cursors, S2 tokens, offsets), enforces the S2
batch limit of 500 ids, and can be told to misbehave on the next matching request:
429 with or without Retry-After, 5xx, a reset connection, a stalled read, a truncated
body, an HTML page with status 200, malformed XML, empty pages, a repeating cursor, or
a request held until the test releases it (to kill the client mid-request).

Used by the tests and by `benchmarks/bench_ingest.py`.
"""

from __future__ import annotations

import base64
import copy
import functools
import gzip
import hashlib
import json
import re
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from lxml import etree

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "live"
FIXED_DATE = "Tue, 14 Apr 2026 12:00:00 GMT"  # every answer carries this Date, so retrieved_at is reproducible
ATOM_NS = "http://www.w3.org/2005/Atom"
TURING_S2_ID = "2d5673caa9e6af3a7b82a43f19ee920992db07ad"  # the paper whose 1,000 citations are recorded


# ---------------------------------------------------------------- recorded data
@functools.lru_cache(maxsize=1)
def recorded_openalex_works() -> list[dict[str, Any]]:
    """The five distinct full works in the recordings (two DOI lookups, three title searches)."""
    works: dict[str, dict[str, Any]] = {}
    for path in sorted((FIXTURES / "openalex").glob("test_*.json")):
        data = json.loads(path.read_text())
        for work in data.get("results", [data]):
            works.setdefault(work["id"], work)
    return list(works.values())


def openalex_works(n: int, first_year: int = 2018, years: int = 8) -> list[dict[str, Any]]:
    """`n` works in the recorded wire format: real works with fresh ids, DOIs and a title suffix."""
    base = recorded_openalex_works()
    out = []
    for i in range(n):
        work = copy.deepcopy(base[i % len(base)])
        work["id"] = f"https://openalex.org/W9{i:09d}"
        work["doi"] = f"https://doi.org/10.99999/replay.oa.{i}"
        work["ids"] = {"openalex": work["id"], "doi": work["doi"]}
        work["title"] = work["display_name"] = f"{work['title']} (replay {i})"
        work["publication_year"] = first_year + i % years
        out.append(work)
    return out


@functools.lru_cache(maxsize=1)
def recorded_s2_paper() -> dict[str, Any]:
    return json.loads(gzip.open(FIXTURES / "s2" / "Paper.json.gz").read())


def s2_papers(n: int) -> list[dict[str, Any]]:
    """Real citing papers of the recorded paper (1,000), then copies with fresh paper ids beyond that."""
    citations = [c for c in recorded_s2_paper()["citations"] if c.get("paperId")]
    out = []
    for i in range(n):
        paper = copy.deepcopy(citations[i % len(citations)])
        if i >= len(citations):
            paper["paperId"] = hashlib.sha1(f"replay-s2-{i}".encode()).hexdigest()
            paper["externalIds"] = {"CorpusId": 900_000_000 + i}
            paper["title"] = f"{paper['title']} (replay {i})"
        out.append(paper)
    return out


def recorded_arxiv_entries() -> dict[str, bytes]:
    """arXiv id (no version) -> the recorded <entry> element, from every recorded feed."""
    entries: dict[str, bytes] = {}
    for path in sorted((FIXTURES / "arxiv").glob("*.atom.xml")):
        root = etree.fromstring(path.read_bytes())
        for entry in root.findall(f"{{{ATOM_NS}}}entry"):
            entry_id = entry.findtext(f"{{{ATOM_NS}}}id") or ""
            if "/abs/" in entry_id:
                key = _unversioned(entry_id.split("/abs/", 1)[1])
                entries[key] = etree.tostring(entry)
    return entries


def arxiv_entries(n: int) -> dict[str, bytes]:
    """`n` entries: the recorded ones, then copies with fresh new-style ids (2601.xxxxx)."""
    base = list(recorded_arxiv_entries().items())
    out = dict(base[:n])
    i = 0
    while len(out) < n:
        key, raw = base[i % len(base)]
        new_id = f"2601.{i:05d}"
        entry = etree.fromstring(raw.replace(key.encode(), new_id.encode()))
        for doi in entry.iter("{http://arxiv.org/schemas/atom}doi"):
            doi.text = f"10.99999/replay.arxiv.{i}"  # copies must not share the recorded DOI
        out[new_id] = etree.tostring(entry)
        i += 1
    return out


def handmade(path: str) -> Any:
    return json.loads((FIXTURES / path).read_text())


def openreview_notes(n: int, venueid: str) -> list[dict[str, Any]]:
    base = [note for note in handmade("openreview/notes_mlsys_2025.json")["notes"] if "title" in note["content"]]
    out = []
    for i in range(n):
        note = copy.deepcopy(base[i % len(base)])
        note["id"] = note["forum"] = f"rPl{i:08d}"
        note["content"]["title"]["value"] += f" (replay {i})"
        note["content"]["venueid"]["value"] = venueid
        out.append(note)
    return out


def dblp_hits(n: int, year: int = 2024) -> list[dict[str, Any]]:
    base = [h for h in handmade("dblp/search_mlsys_2024.json")["result"]["hits"]["hit"]
            if h["info"]["type"] != "Editorship"]
    out = []
    for i in range(n):
        hit = copy.deepcopy(base[i % len(base)])
        hit["info"]["key"] = f"conf/mlsys/Replay{i}"
        hit["info"]["title"] = hit["info"]["title"].rstrip(".") + f" (replay {i})."
        hit["info"]["year"] = str(year)
        hit["info"].pop("doi", None)
        hit["info"]["ee"] = f"https://doi.org/10.99999/replay.dblp.{i}"
        out.append(hit)
    return out


# ---------------------------------------------------------------- faults
@dataclass
class Fault:
    """What to do instead of (or before) answering the next request under `path`."""

    kind: str  # status | reset | stall | truncate | truncjson | html200 | badxml | empty | repeat_cursor | block
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"error": "injected"}'
    seconds: float = 0.0
    skip: int = 0  # let this many matching requests through first (to hit page 2 rather than page 1)


@dataclass
class ReplayData:
    openalex_works: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # source id -> works
    openalex_sources: dict[str, Any] = field(default_factory=lambda: handmade("openalex/sources_search_mlsys.json"))
    s2_venues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # venue filter -> papers
    s2_extra: list[dict[str, Any]] = field(default_factory=list)  # batch-only papers
    arxiv: dict[str, bytes] = field(default_factory=recorded_arxiv_entries)
    openreview: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # venueid -> notes
    dblp: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # q -> hits
    files: dict[str, bytes] = field(default_factory=dict)  # path -> bytes (the DBLP dump and its DTD)

    def s2_index(self) -> dict[str, dict[str, Any]]:
        index: dict[str, dict[str, Any]] = {}
        for paper in [*self.s2_extra, *(p for papers in self.s2_venues.values() for p in papers)]:
            index[paper["paperId"]] = paper
            for kind, value in (paper.get("externalIds") or {}).items():
                index[f"{kind}:{value}".lower()] = paper
                if kind == "DOI":
                    index[str(value).lower()] = paper
        return index


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # keep test output clean
        return

    def date_time_string(self, timestamp: float | None = None) -> str:
        return FIXED_DATE

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError, OSError):
            pass  # the client went away (a timeout or a kill): nothing to answer

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self._dispatch(None)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self._dispatch(self.rfile.read(length) if length else b"")

    # ------------------------------------------------------------ plumbing
    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None, declared_length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(declared_length if declared_length is not None else len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _dispatch(self, body: bytes | None) -> None:
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        self.server.log_request_seen(self.command, url.path, query, body, dict(self.headers))
        fault = self.server.next_fault(url.path)
        if fault is not None:
            if fault.kind == "status":
                self._send(fault.status, fault.body, headers=fault.headers)
                return
            if fault.kind == "reset":
                self._reset()
                return
            if fault.kind == "stall":
                time.sleep(fault.seconds)
            if fault.kind == "html200":
                self._send(200, b"<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>",
                           "text/html")
                return
            if fault.kind == "badxml":
                self._send(200, b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><title>cut",
                           "application/atom+xml")
                return
            if fault.kind == "block":
                self.server.blocked.set()
                self.server.release.wait(timeout=60)
        status, payload, content_type = self._route(url.path, query, body, fault)
        if fault is not None and fault.kind == "truncate":
            self._send(status, payload[: len(payload) // 2], content_type, declared_length=len(payload))
            self._reset()
            return
        if fault is not None and fault.kind == "truncjson":
            payload = payload[: len(payload) // 2]
        self._send(status, payload, content_type)

    # ------------------------------------------------------------ the five APIs
    def _route(self, path: str, query: dict[str, str], body: bytes | None,
               fault: Fault | None) -> tuple[int, bytes, str]:
        data = self.server.data
        empty = fault is not None and fault.kind == "empty"
        repeat = fault is not None and fault.kind == "repeat_cursor"
        if path == "/works":
            return self._openalex_works(query, empty, repeat)
        if path == "/sources":
            return 200, json.dumps(data.openalex_sources).encode(), "application/json"
        if path == "/graph/v1/paper/search/bulk":
            return self._s2_search(query, empty, repeat)
        if path == "/graph/v1/paper/batch":
            return self._s2_batch(query, body or b"{}")
        if path == "/api/query":
            return self._arxiv(query, empty)
        if path == "/notes":
            notes = data.openreview.get(query.get("content.venueid", ""), [])
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 1000))
            page = [] if empty else notes[offset:offset + limit]
            return 200, json.dumps({"notes": page, "count": len(notes)}).encode(), "application/json"
        if path == "/search/publ/api":
            return self._dblp(query, empty)
        if path in data.files:
            return 200, data.files[path], "application/octet-stream"
        return 404, b'{"error": "not found"}', "application/json"

    def _openalex_works(self, query: dict[str, str], empty: bool, repeat: bool) -> tuple[int, bytes, str]:
        filters = dict(f.split(":", 1) for f in query.get("filter", "").split(",") if ":" in f)
        per_page = int(query.get("per-page", 25))
        works: list[dict[str, Any]] = []
        if "locations.source.id" in filters:
            first, _, last = filters.get("publication_year", "0-9999").partition("-")
            works = [w for w in self.server.data.openalex_works.get(filters["locations.source.id"], [])
                     if int(first) <= w["publication_year"] <= int(last or first)]
        elif "doi" in filters or "openalex" in filters:
            key, field_name = ("doi", "doi") if "doi" in filters else ("openalex", "id")
            wanted = {v.lower().rsplit("/", 1)[-1] for v in filters[key].split("|")}
            works = [w for ws in self.server.data.openalex_works.values() for w in ws
                     if w[field_name].lower().rsplit("/", 1)[-1] in wanted]
        cursor = query.get("cursor")
        start = 0 if cursor in (None, "*") else int(base64.urlsafe_b64decode(cursor.encode()).decode())
        page = [] if empty else works[start:start + per_page]
        next_cursor = None
        if cursor is not None and page:
            next_cursor = cursor if repeat else base64.urlsafe_b64encode(str(start + per_page).encode()).decode()
        if query.get("select"):  # like OpenAlex, return only the top-level fields asked for
            keep = set(query["select"].split(","))
            page = [{k: v for k, v in w.items() if k in keep} for w in page]
        meta = {"count": len(works), "db_response_time_ms": 12, "page": None if cursor else 1, "per_page": per_page,
                "next_cursor": next_cursor, "groups_count": None}
        return 200, json.dumps({"meta": meta, "results": page, "group_by": []}).encode(), "application/json"

    def _s2_search(self, query: dict[str, str], empty: bool, repeat: bool) -> tuple[int, bytes, str]:
        papers = self.server.data.s2_venues.get(query.get("venue", ""), [])
        if query.get("year"):
            first, _, last = query["year"].partition("-")
            papers = [p for p in papers if p.get("year") and int(first) <= p["year"] <= int(last or first)]
        token = query.get("token")
        start = int(token.split("-", 1)[1]) if token else 0
        size = self.server.s2_page_size
        page = [] if empty else papers[start:start + size]
        next_token = None
        if page and start + size < len(papers):
            next_token = token if repeat and token else f"T-{start + size}"
        stripped = [{k: v for k, v in p.items() if k not in ("citations", "references", "embedding")} for p in page]
        return 200, json.dumps({"total": len(papers), "token": next_token, "data": stripped}).encode(), \
            "application/json"

    def _s2_batch(self, query: dict[str, str], body: bytes) -> tuple[int, bytes, str]:
        wanted = json.loads(body).get("ids", [])
        if len(wanted) > 500:
            return 400, b'{"error": "Cannot process more than 500 ids at a time"}', "application/json"
        index = self.server.s2_index
        out = []
        for value in wanted:
            paper = index.get(value) or index.get(value.lower())
            if paper is None:
                out.append(None)
                continue
            paper = {k: v for k, v in paper.items() if k not in ("citations", "embedding")}
            if "references" in query.get("fields", "") and "references" not in paper:
                paper["references"] = [{"paperId": TURING_S2_ID}]  # every recorded citing paper cites it
            out.append(paper)
        return 200, json.dumps(out).encode(), "application/json"

    def _arxiv(self, query: dict[str, str], empty: bool) -> tuple[int, bytes, str]:
        ids = [i for i in query.get("id_list", "").split(",") if i]
        bad = [i for i in ids if not any(c.isdigit() for c in i)]
        head = (f"<feed xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\" xmlns:arxiv=\"http://arxiv.org/"
                f"schemas/atom\" xmlns=\"{ATOM_NS}\"><id>https://arxiv.org/api/replay</id><title>arXiv Query: "
                f"id_list={','.join(ids)}</title><updated>2026-04-14T12:00:00Z</updated>")
        if bad:
            error = (FIXTURES / "arxiv" / "id_abc_s0_m100_b79c8dcf6bc3.atom.xml").read_bytes()
            return 400, error, "application/atom+xml"
        known = self.server.data.arxiv
        found = [] if empty else [known[_unversioned(i)] for i in ids if _unversioned(i) in known]
        feed = (head + f"<opensearch:itemsPerPage>{len(ids)}</opensearch:itemsPerPage><opensearch:totalResults>"
                f"{len(found)}</opensearch:totalResults><opensearch:startIndex>0</opensearch:startIndex>").encode()
        return 200, b"<?xml version='1.0' encoding='UTF-8'?>\n" + feed + b"".join(found) + b"</feed>", \
            "application/atom+xml"

    def _dblp(self, query: dict[str, str], empty: bool) -> tuple[int, bytes, str]:
        hits = self.server.data.dblp.get(query.get("q", ""), [])
        first, size = int(query.get("f", 0)), int(query.get("h", 30))
        page = [] if empty else hits[first:first + size]
        result = {"query": query.get("q", "") + "*", "status": {"@code": "200", "text": "OK"},
                  "time": {"@unit": "msecs", "text": "3.21"},
                  "hits": {"@total": str(len(hits)), "@computed": str(len(hits)), "@sent": str(len(page)),
                           "@first": str(first), **({"hit": page} if page else {})}}
        return 200, json.dumps({"result": result}).encode(), "application/json"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, data: ReplayData, s2_page_size: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.data = data
        self.s2_page_size = s2_page_size
        self.s2_index = data.s2_index()
        self.faults: list[tuple[str, Fault]] = []
        self.seen: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.blocked = threading.Event()
        self.release = threading.Event()

    def log_request_seen(self, method: str, path: str, query: dict[str, str], body: bytes | None,
                         headers: dict[str, str]) -> None:
        with self.lock:
            self.seen.append({"method": method, "path": path, "query": query, "body": body, "headers": headers})

    def next_fault(self, path: str) -> Fault | None:
        with self.lock:
            for index, (prefix, fault) in enumerate(self.faults):
                if path.startswith(prefix):
                    if fault.skip > 0:
                        fault.skip -= 1
                        return None
                    del self.faults[index]
                    return fault
        return None


class ReplayServer:
    """Start with `with ReplayServer(data) as server:`; `server.url` is the base URL of every API."""

    def __init__(self, data: ReplayData | None = None, *, s2_page_size: int = 1000) -> None:
        self._server = _Server(data or ReplayData(), s2_page_size)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.release.set()
        self._server.shutdown()
        self._server.server_close()

    def inject(self, path_prefix: str, *faults: Fault) -> None:
        with self._server.lock:
            self._server.faults.extend((path_prefix, f) for f in faults)

    def requests(self, path_prefix: str = "/") -> list[dict[str, Any]]:
        with self._server.lock:
            return [r for r in self._server.seen if r["path"].startswith(path_prefix)]

    def count(self, path_prefix: str = "/") -> int:
        return len(self.requests(path_prefix))

    def by_path(self) -> Counter:
        return Counter(r["path"] for r in self.requests())

    @property
    def blocked(self) -> threading.Event:
        return self._server.blocked

    def release(self) -> None:
        self._server.release.set()

    def rearm(self) -> None:
        """Make the next `block` fault hold its request again."""
        self._server.blocked.clear()
        self._server.release.clear()


def _unversioned(arxiv_id: str) -> str:
    return re.sub(r"v\d+$", "", arxiv_id)
