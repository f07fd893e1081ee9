"""A small client for any OpenAI-compatible chat endpoint: llama.cpp's server, Ollama, vLLM or a hosted API.

One request per call: ``POST {endpoint}/chat/completions`` with

    {"model": NAME, "messages": [{"role": "system", ...}, {"role": "user", ...}], "temperature": 0,
     "response_format": {"type": "json_schema", "json_schema": {"name": "narrative_hits", "strict": true,
                                                                 "schema": {...}}}}

`response_format` "auto" starts with the JSON schema; a server that refuses it (HTTP 400/422) is asked again with
`{"type": "json_object"}`, then with no response_format at all (the system prompt states the format either way);
the first form that works is kept for the rest of the run. The answer is read from `choices[0].message.content`,
the token counts from `usage` (`prompt_tokens`, `completion_tokens`, `prompt_tokens_details.cached_tokens`).

The API key is read from an environment variable (default LOCKSTEP_LLM_KEY) and sent only as the
`Authorization: Bearer` header: it is never stored, logged or put in a message (server text quoted in an error
has it masked). Without the variable no header is sent, which is what local servers expect.

Retries: timeouts, connection failures, 429 and 5xx are retried with exponential backoff and jitter (`backoff`
seconds doubled each try, times a random factor between 0.5 and 1); a `Retry-After` header (seconds or a date) is
honoured up to `max_wait` seconds. 401/403, 404 and a server that still fails after `retries` retries end the run
with a one-line EndpointError (what was tagged before stays in the store and cache).
"""

from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

import httpx

from lockstep.errors import InputError

DEFAULT_KEY_ENV = "LOCKSTEP_LLM_KEY"
FORMATS = ("auto", "json_schema", "json_object", "none")
RETRYABLE = {408, 409, 425, 429, 500, 502, 503, 504}


def pause(seconds: float) -> None:
    """Wait before a retry (a function of its own so tests can record the waits)."""
    time.sleep(seconds)


class EndpointError(InputError):
    """The LLM endpoint cannot be used: unreachable, refuses the key, rate-limits past the retries, fails."""

    code = "E210"


@dataclass(slots=True, kw_only=True)
class EndpointOptions:
    """Where the model is and how to talk to it."""

    endpoint: str = ""                       # the API's base URL, e.g. http://127.0.0.1:8080/v1
    model: str = ""
    api_key_env: str | None = DEFAULT_KEY_ENV
    timeout: float = 120.0                   # seconds per request
    retries: int = 4                         # after the first try, on timeouts, 429 and 5xx
    backoff: float = 1.0                     # seconds before the first retry (doubled each time, with jitter)
    max_wait: float = 120.0                  # the longest Retry-After honoured
    response_format: str = "auto"            # auto | json_schema | json_object | none
    temperature: float | None = 0.0          # None: not sent (some hosted reasoning models refuse it)
    max_tokens: int | None = None            # None: not sent


@dataclass(slots=True)
class Reply:
    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    finish_reason: str | None = None
    retries: int = 0


def safe_url(url: str) -> str:
    """The URL without user, password or query string: what error messages show."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def chat_url(endpoint: str) -> str:
    """`{endpoint}/chat/completions`, also when the user gave the full path."""
    parts = urlsplit(endpoint.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--endpoint {safe_url(endpoint)!r}: give the API's base URL, e.g. http://127.0.0.1:8080/v1")
    base = endpoint.strip().rstrip("/")
    return base if base.endswith("/chat/completions") else base + "/chat/completions"


def retry_after(response: httpx.Response) -> float | None:
    """Seconds asked for by a Retry-After header (a number or an HTTP date), or None."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class ChatClient:
    """Thread-safe: one client serves every worker of a run."""

    def __init__(self, options: EndpointOptions):
        if options.response_format not in FORMATS:
            raise InputError(f"--llm-format {options.response_format!r}: use one of {', '.join(FORMATS)}")
        self.options = options
        self.url = chat_url(options.endpoint)
        self.where = safe_url(self.url)
        key = os.environ.get(options.api_key_env or "") if options.api_key_env else None
        self._secret = key or None
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.http = httpx.Client(timeout=httpx.Timeout(options.timeout), headers=headers)
        self.format = "json_schema" if options.response_format == "auto" else options.response_format
        self.lock = threading.Lock()

    def __enter__(self) -> "ChatClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def mask(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    # ---- one call --------------------------------------------------------------------------------------------
    def complete(self, system: str, user: str, schema: dict) -> Reply:
        """The model's reply to one prompt; raises EndpointError when the endpoint cannot answer."""
        while True:
            form = self.format
            response, retries = self.post(self.payload(system, user, schema, form))
            if response.status_code == 200:
                return self.reply(response, retries)
            if response.status_code in (400, 422) and self.options.response_format == "auto" and form != "none":
                with self.lock:
                    if self.format == form:
                        self.format = "json_object" if form == "json_schema" else "none"
                continue
            raise EndpointError(self.refusal(response))

    def payload(self, system: str, user: str, schema: dict, form: str) -> dict:
        body: dict = {"model": self.options.model,
                      "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}]}
        if self.options.temperature is not None:
            body["temperature"] = self.options.temperature
        if self.options.max_tokens is not None:
            body["max_tokens"] = self.options.max_tokens
        if form == "json_schema":
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "narrative_hits", "strict": True, "schema": schema}}
        elif form == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    def post(self, body: dict) -> tuple[httpx.Response, int]:
        """The response, retrying timeouts, connection failures, 429 and 5xx; (response, retries used)."""
        last = ""
        for attempt in range(self.options.retries + 1):
            wait = self.options.backoff * 2 ** attempt * random.uniform(0.5, 1.0)
            try:
                response = self.http.post(self.url, json=body)
            except httpx.TimeoutException:
                last = f"{self.where} did not answer within {self.options.timeout:g} s"
            except httpx.TransportError as exc:
                last = f"cannot reach {self.where} ({type(exc).__name__}: {self.mask(str(exc)) or 'no detail'})"
            else:
                if response.status_code not in RETRYABLE:
                    return response, attempt
                last = f"{self.where} answered {response.status_code}" + \
                    (" (rate limit)" if response.status_code == 429 else "")
                asked = retry_after(response)
                if asked is not None:
                    if asked > self.options.max_wait:
                        raise EndpointError(f"{last}: it asks to wait {asked:.0f} s, more than --llm-max-wait "
                                            f"{self.options.max_wait:g} s")
                    wait = asked
            if attempt < self.options.retries:
                pause(min(wait, self.options.max_wait))
        raise EndpointError(f"{last} ({self.options.retries + 1} tries)")

    def refusal(self, response: httpx.Response) -> str:
        status = response.status_code
        if status in (401, 403):
            env = self.options.api_key_env or DEFAULT_KEY_ENV
            state = "the key in $" + env if self._secret else "no key ($" + env + " is not set)"
            return f"{self.where} refused the request ({status}) with {state}"
        if status == 404:
            return (f"{self.where} answered 404: check --endpoint (the API's base URL, usually ending in /v1) "
                    f"and --llm-model {self.options.model!r}")
        detail = " ".join(self.mask(response.text[:300]).split())
        return f"{self.where} answered {status}: {detail}"

    def reply(self, response: httpx.Response, retries: int) -> Reply:
        try:
            data = response.json()
            choice = data["choices"][0]
            content = choice["message"].get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            return Reply(content="", finish_reason="no choices in the response", retries=retries)
        usage = data.get("usage") or {}
        details = usage.get("prompt_tokens_details") or {}
        return Reply(content=content, prompt_tokens=int(usage.get("prompt_tokens") or 0),
                     completion_tokens=int(usage.get("completion_tokens") or 0),
                     cached_tokens=int(details.get("cached_tokens") or 0),
                     finish_reason=choice.get("finish_reason"), retries=retries)
