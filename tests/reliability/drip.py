"""A real HTTP server on 127.0.0.1 that answers one byte at a time (issue 17, item 4).

`mode="body"` sends the status line and headers at once, then the body one byte per
`gap` seconds; `mode="headers"` drips the status line itself. It records how many bytes
it managed to send before the client hung up, so a test can tell that the client cut
the answer off instead of waiting for it.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = b'{"results": [], "meta": {"count": 0, "next_cursor": null}}' + b" " * 400


class DripServer:
    def __init__(self, mode: str = "body", gap: float = 0.5) -> None:
        self.mode, self.gap = mode, gap
        self.sent: list[int] = []  # bytes sent per request before it ended
        self.hung_up: list[bool] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(BODY)}\r\n"
                        "Date: Tue, 14 Apr 2026 12:00:00 GMT\r\n\r\n").encode()
                payload = head + BODY
                start = 0 if outer.mode == "headers" else len(head)
                sent, hung_up = 0, False
                try:
                    if start:
                        self.wfile.write(payload[:start])
                        self.wfile.flush()
                        sent = start
                    for i in range(start, len(payload)):
                        self.wfile.write(payload[i:i + 1])
                        self.wfile.flush()
                        sent += 1
                        time.sleep(outer.gap)
                except OSError:
                    hung_up = True
                outer.sent.append(sent)
                outer.hung_up.append(hung_up)
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> DripServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def closed_port() -> str:
    """A URL on which nothing listens (connection refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
