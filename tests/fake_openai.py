"""A fake OpenAI-compatible server on 127.0.0.1 for the AI interviewer's tests: chat completions,
streamed (SSE) or not, and each way a real server fails (an HTTP error, a refused key, garbage, silence)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

GOOD_KEY = "sk-test-SECRET-0123456789"


@dataclass
class FakeOpenAI:
    """Replies in turn (the last repeats); `mode` makes every request fail one way instead."""

    url: str = ""
    replies: list[str] = field(default_factory=lambda: ["ok"])
    mode: str = "ok"  # ok, error500, notfound, garbage, hang
    key: str | None = None  # when set, requests must carry it as a Bearer token
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def next_reply(self) -> str:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def texts(self) -> list[str]:
        """Every message's content of every request, joined per request."""
        return ["\n".join(m["content"] for m in r["messages"]) for r in self.requests]


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            fake.requests.append(body)
            if fake.key is not None and self.headers.get("Authorization") != f"Bearer {fake.key}":
                given = self.headers.get("Authorization", "")
                error = {"error": {"message": f"Incorrect API key provided: {given}", "type": "invalid_request_error"}}
                self.send(401, json.dumps(error).encode())
                return
            if fake.mode == "hang":
                fake.release.wait(30)
                return
            if fake.mode == "error500":
                self.send(500, b'{"error": {"message": "model crashed", "type": "server_error"}}')
                return
            if fake.mode == "notfound" or not self.path.endswith("/chat/completions"):
                self.send(404, b'{"error": {"message": "model not found", "type": "not_found"}}')
                return
            if fake.mode == "garbage":
                self.send(200, b"<html>this is not an API</html>", "text/html")
                return
            text = fake.next_reply()
            if not body.get("stream"):
                reply = {"id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                      "finish_reason": "stop"}]}
                self.send(200, json.dumps(reply).encode())
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            pieces = [text[i:i + 7] for i in range(0, len(text), 7)]
            for piece in pieces:
                chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler


@pytest.fixture
def fake_ai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    """The address of a port nothing listens on (connections are refused)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
