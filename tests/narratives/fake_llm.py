"""A fake OpenAI-compatible chat server on 127.0.0.1 for the LLM detector's tests (and eval/llm.py's plumbing).

Its default "model" (`oracle`) labels each numbered paragraph of the user message by a few regular expressions
(RULES) and quotes the sentence that matched, exactly as it appears in the message: so hits, quotes and offsets come
from the real text the tests send; another model can be given (`model=`). Tests queue other answers first (`push`):
a status with headers, raw content (malformed JSON, schema violations, invented quotes), a delay longer than the
client's timeout. Every request is recorded with its JSON body and headers.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

RULES = [("west-subversion.colour-revolutions", r"colou?r revolutions?|цветн\w* революц\w*"),
         ("china-russia.pillar-of-stability", r"pillars? of peace and stability"),
         ("information-war.political-virus", r"political virus"),
         ("west-subversion.biolabs", r"biolab"),
         ("war-and-sanctions", r"sanctions|санкци\w*")]
PARAGRAPH = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)
SENTENCE = re.compile(r"[^.!?]*[.!?]?")


@dataclass
class Answer:
    """One queued reply: a status, headers, a delay, and content (None: the oracle's answer)."""

    status: int = 200
    content: str | Callable[[dict], str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: str | None = None          # a raw body instead of a chat completion (errors)


def sentence_around(text: str, start: int, end: int) -> str:
    for m in SENTENCE.finditer(text):
        if m.start() <= start and end <= m.end() and m.group().strip():
            return m.group().strip()
    return text[start:end]


def oracle(body: dict) -> dict:
    """The fake model's labels for the paragraphs of a request."""
    user = body["messages"][-1]["content"]
    hits = []
    for number, text in PARAGRAPH.findall(user):
        for narrative, pattern in RULES:
            m = re.search(pattern, text, re.IGNORECASE)
            if m:
                hits.append({"paragraph": int(number), "narrative": narrative,
                             "quote": sentence_around(text, m.start(), m.end()), "confidence": 0.9})
    return {"hits": hits}


def paragraphs_in(body: dict) -> list[str]:
    return [text for _n, text in PARAGRAPH.findall(body["messages"][-1]["content"])]


class FakeLLM:
    def __init__(self, *, refuse_schema: bool = False, delay: float = 0.0,
                 model: Callable[[dict], dict] | None = None):
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.queue: deque[Answer] = deque()
        self.refuse_schema = refuse_schema
        self.delay = delay
        self.model = model or oracle                # the answer when nothing is queued
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.usage: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def push(self, *answers: Answer) -> None:
        self.queue.extend(answers)

    def __enter__(self) -> "FakeLLM":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reply(self, path: str, body: dict, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.requests.append(body)
            self.headers.append(headers)
            answer = self.queue.popleft() if self.queue else Answer()
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(answer.delay or self.delay)
            if not path.endswith("/chat/completions"):
                return 404, {}, b'{"error": "not found"}'
            if self.refuse_schema and (body.get("response_format") or {}).get("type") == "json_schema":
                return 400, {}, b'{"error": {"message": "response_format json_schema is not supported"}}'
            if answer.body is not None or answer.status != 200:
                return answer.status, answer.headers, (answer.body or "").encode()
            content = answer.content(body) if callable(answer.content) else answer.content
            content = json.dumps(self.model(body)) if content is None else content
            system, user = body["messages"][0]["content"], body["messages"][-1]["content"]
            usage = {"prompt_tokens": (len(system) + len(user)) // 4, "completion_tokens": len(content) // 4 + 1}
            with self.lock:
                self.usage.append(usage)
            completion = {"id": "fake", "object": "chat.completion", "model": body.get("model"),
                          "choices": [{"index": 0, "finish_reason": "stop",
                                       "message": {"role": "assistant", "content": content}}],
                          "usage": usage}
            return 200, answer.headers, json.dumps(completion).encode()
        finally:
            with self.lock:
                self.in_flight -= 1

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                status, headers, data = fake.reply(self.path, body, dict(self.headers.items()))
                try:
                    self.send_response(status)
                    for name, value in {"content-type": "application/json", **headers}.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):   # the client gave up (timeout tests)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        return Handler
