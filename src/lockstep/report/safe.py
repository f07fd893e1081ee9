"""Hostile text in HTML: JSON that can sit inside a <script> tag, and labels that Plotly shows as text.

Scraped documents may contain ``<script>`` or ``"><img onerror=...>``. Jinja2 autoescaping covers HTML text and
attributes; this module covers the two places it does not reach: JSON payloads embedded in ``<script>`` elements and
strings handed to Plotly (which interprets a subset of HTML tags in labels and hover text).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from typing import Any

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: Any) -> str:
    """JSON safe to embed inside ``<script type="application/json">``: no ``</script>``, no ``<!--``."""
    text = json.dumps(clean_json(value), ensure_ascii=True, default=_default, allow_nan=False)
    for raw, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def plot_text(value: Any, limit: int = 200) -> str:
    """A label or hover string for Plotly: HTML-escaped (Plotly shows entities as text) and cut to `limit`."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def anchor(*parts: Any) -> str:
    """A stable, safe element id for a chart point's evidence (never built from raw text)."""
    key = "\x1f".join("" if p is None else str(p) for p in parts)
    return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def clean_json(value: Any) -> Any:
    """Replace NaN/inf with None recursively so payloads are valid JSON."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return clean_json(value.item())
        except (ValueError, AttributeError):
            return value
    return value
