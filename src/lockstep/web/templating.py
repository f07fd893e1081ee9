"""Jinja2 for the dashboard: autoescape always on; JSON for <script> blocks goes through script_json."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

from lockstep.report.numbers import display_cell
from lockstep.report.render import cell
from lockstep.report.safe import script_json

TEMPLATES = Path(__file__).parent / "templates"


def query_string(params: dict, **changes) -> str:
    merged = {**params, **changes}
    pairs = []
    for key, value in merged.items():
        if value in (None, "", False, []):
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, "true" if item is True else str(item)))
    return urlencode(pairs)


@lru_cache(maxsize=1)
def templates():
    from fastapi.templating import Jinja2Templates
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(script_json=script_json, cell=cell, shown=display_cell, qs=query_string,
                       docurl=lambda doc_id: "/documents/" + quote(str(doc_id), safe=""))
    return Jinja2Templates(env=env)


def page(request, name: str, context: dict, status_code: int = 200):
    """Render a page template with the context every page shares (navigation, store name, review mode)."""
    store = request.app.state.store
    base = {"nav": request.url.path, "review_enabled": store.writable, "db_name": store.path.name, "json_url": None}
    return templates().TemplateResponse(request, name, {**base, **context}, status_code=status_code)
