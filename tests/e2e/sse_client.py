"""A small Server-Sent Events client over a raw socket for the event stream tests: it reads frames
as they arrive (each with its id, event and parsed data), waits on a predicate with a deadline
instead of sleeping, and can open a socket that never reads (a slow subscriber)."""
from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlencode


class SseStream:
    def __init__(self, port: int, params: dict | None = None, headers: dict | None = None, rcvbuf: int | None = None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        path = "/_sandbox/events" + ("?" + urlencode(params) if params else "")
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        self.status = None
        self.headers: dict[str, str] = {}
        self.body = b""  # the body of a non-stream answer
        self.closed = False

    def read_head(self, timeout: float = 10) -> int:
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            self._recv(deadline)
            if self.closed:
                break
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        first, *rest = head.decode().split("\r\n")
        self.status = int(first.split()[1])
        for line in rest:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        if self.status != 200:
            n = int(self.headers.get("content-length", "0"))
            while len(self.buf) < n and not self.closed:
                self._recv(deadline)
            self.body = self.buf[:n]
        return self.status

    def json_body(self) -> dict:
        return json.loads(self.body)

    def _recv(self, deadline: float):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no data from the event stream in time")
        self.sock.settimeout(left)
        chunk = self.sock.recv(65536)
        if not chunk:
            self.closed = True
        self.buf += chunk

    def next_frame(self, timeout: float = 10) -> dict | None:
        """The next frame (comments skipped) as {"id", "event", "data"}, or None once closed."""
        deadline = time.monotonic() + timeout
        while True:
            while b"\n\n" not in self.buf:
                if self.closed:
                    return None
                self._recv(deadline)
            raw, _, self.buf = self.buf.partition(b"\n\n")
            frame = {"id": None, "event": None, "data": None}
            for line in raw.decode().split("\n"):
                if line.startswith(":"):
                    continue
                k, _, v = line.partition(": ")
                if k == "id":
                    frame["id"] = int(v)
                elif k == "event":
                    frame["event"] = v
                elif k == "data":
                    frame["data"] = json.loads(v)
            if frame["event"] is not None:
                return frame

    def wait_for(self, pred, timeout: float = 20) -> list[dict]:
        """Frames up to and including the first one `pred` accepts."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            f = self.next_frame(max(0.01, deadline - time.monotonic()))
            assert f is not None, f"stream closed before the expected event; got {[x['event'] for x in seen]}"
            seen.append(f)
            if pred(f):
                return seen

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def open_stream(port: int, **kw) -> SseStream:
    s = SseStream(port, **kw)
    assert s.read_head() == 200, (s.status, s.body)
    assert s.headers["content-type"].startswith("text/event-stream")
    return s
