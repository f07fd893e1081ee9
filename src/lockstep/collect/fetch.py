"""Polite HTTP fetching with httpx: per-host rate and concurrency, retries with backoff, size and time caps.

Sync httpx client shared by a thread pool (httpx.Client is thread-safe); redirects are followed by hand so
every hop passes the SSRF guard and loops are caught. Expected failures come back as a `Skipped` result.
"""

from __future__ import annotations

import random
import ssl
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Callable, Iterator
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from lockstep.collect.guard import REFUSED, GuardedBackend, check_url
from lockstep.collect.options import CollectOptions, Skipped

RETRY_STATUS = (429, 500, 502, 503, 504)
MAX_RETRY_AFTER_S = 60.0
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Response:
    """One complete HTTP exchange, with the body already decompressed (within the size cap)."""

    url: str                                  # the URL this response answers (after redirects)
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes
    request_headers: list[tuple[str, str]]

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), "")

    @property
    def content_type(self) -> str:
        return self.header("content-type").split(";", 1)[0].strip().lower()


class TooLarge(Exception):
    pass


class HostGate:
    """At most `concurrency` requests in flight to one host, and starts spaced `interval` seconds apart."""

    def __init__(self, interval: float, concurrency: int):
        self.interval = interval
        self.slots = threading.BoundedSemaphore(max(1, concurrency))
        self.lock = threading.Lock()
        self.next_start = 0.0

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self.slots:
            self.wait_turn()
            yield

    def wait_turn(self) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.interval
        if start > now:
            time.sleep(start - now)

    def slow_down(self, interval: float) -> None:
        with self.lock:
            self.interval = max(self.interval, interval)


class Fetcher:
    """Fetch URLs under the collector's options; one instance per collect run (close it after)."""

    def __init__(self, options: CollectOptions):
        self.options = options
        self.client = make_client(options)
        self.gates: dict[str, HostGate] = {}
        self.gates_lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def gate(self, url: str) -> HostGate:
        host = host_key(url)
        with self.gates_lock:
            if host not in self.gates:
                rate = self.options.per_host_rate
                interval = 1.0 / rate if rate > 0 else 0.0
                self.gates[host] = HostGate(interval, self.options.per_host_concurrency)
            return self.gates[host]

    def fetch(self, url: str, may_fetch: Callable[[str], Skipped | None] | None = None) -> Response | Skipped:
        """GET a URL, following redirects by hand; a Response or why not. Every hop passes the SSRF guard, and
        each redirect target also `may_fetch` (robots.txt), so an allowed URL cannot lead to a refused one."""
        seen = {url}
        current = url
        for hop in range(self.options.max_redirects + 1):
            refusal = check_url(current, self.options.allow_private)
            if refusal:
                return Skipped(url, refusal.reason, refusal.detail)
            refused = may_fetch(current) if hop and may_fetch else None
            if refused:
                return Skipped(url, refused.reason, f"redirects to {current}: {refused.detail}")
            result = self.fetch_with_retries(current)
            if isinstance(result, Skipped):
                return Skipped(url, result.reason, result.detail)
            location = result.header("location")
            if result.status not in REDIRECTS or not location:
                return result
            current = urljoin(current, location).split("#", 1)[0]
            if current in seen:
                return Skipped(url, "redirect loop", f"{current} seen twice")
            seen.add(current)
        return Skipped(url, "too many redirects", f"more than {self.options.max_redirects}")

    def fetch_with_retries(self, url: str) -> Response | Skipped:
        last = Skipped(url, "connection error")
        hint: float | None = None
        for attempt in range(self.options.retries + 1):
            if attempt:
                time.sleep(self.backoff(attempt, hint))
            hint = None
            try:
                response = self.fetch_once(url)
            except TooLarge as exc:
                return Skipped(url, "too large", str(exc))
            except httpx.TimeoutException:
                last = Skipped(url, "timeout", f"no complete answer within {self.options.timeout_s:g}s")
                continue
            except httpx.TransportError as exc:
                if REFUSED in str(exc):
                    return Skipped(url, "private address", str(exc))
                last = Skipped(url, "connection error", str(exc)[:200])
                continue
            if response.status not in RETRY_STATUS:
                return response
            last = Skipped(url, "http 5xx after retries", f"HTTP {response.status}")
            hint = retry_after_s(response.header("retry-after"))
        return Skipped(url, last.reason, f"{last.detail} ({self.options.retries + 1} attempts)")

    def backoff(self, attempt: int, hint: float | None) -> float:
        """Exponential backoff with a little jitter; a server's Retry-After wins when longer (capped)."""
        wait = self.options.backoff_s * 2 ** (attempt - 1) * (1 + random.random() / 4)
        if hint is not None:
            wait = max(wait, hint)
        return min(max(wait, 0.0), MAX_RETRY_AFTER_S)

    def fetch_once(self, url: str) -> Response:
        request = self.client.build_request("GET", url)
        with self.gate(url).slot():
            deadline = time.monotonic() + self.options.timeout_s
            answer = self.client.send(request, stream=True)
            try:
                body = read_capped(answer, self.options.max_bytes, deadline)
            finally:
                answer.close()
        return Response(
            url=url, status=answer.status_code, reason=answer.reason_phrase, http_version=answer.http_version,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.headers.raw],
            body=body, request_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
        )


def read_capped(answer: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """The decompressed body, refusing more than max_bytes and anything still arriving after the deadline."""
    declared = answer.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"Content-Length {declared} > {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    for chunk in answer.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"body over {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("body still arriving at the time cap")
        chunks.append(chunk)
    return b"".join(chunks)


def retry_after_s(value: str) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), or None."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


def host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}"


def make_client(options: CollectOptions) -> httpx.Client:
    transport = GuardedTransport(allow_private=options.allow_private, max_connections=options.concurrency)
    return httpx.Client(
        transport=transport, follow_redirects=False, trust_env=False,
        timeout=httpx.Timeout(options.timeout_s),
        headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate",
                 "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with a connection pool whose sockets go through the SSRF guard."""

    def __init__(self, *, allow_private: bool, max_connections: int):
        super().__init__(retries=0)
        if not allow_private:
            self._pool = httpcore.ConnectionPool(
                ssl_context=ssl.create_default_context(cafile=certifi_path()),
                max_connections=max(10, max_connections * 2), retries=0, http1=True, http2=False,
                network_backend=GuardedBackend(),
            )


def certifi_path() -> str | None:
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi ships with httpx
        return None
    return certifi.where()
