"""HTML pages. Each renders the same data as its /api twin (linked from the page)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from lockstep.web.document import document_view
from lockstep.web.explorers import registry, run_panel
from lockstep.web.panels import ExplorerQuery
from lockstep.web.params import check_doc_id, clean_names, explorer_query, search_query
from lockstep.web.search import SearchQuery, search
from lockstep.web.templating import page, query_string
import lockstep.web.views as views

router = APIRouter(include_in_schema=False)
Explorer = Annotated[ExplorerQuery, Depends(explorer_query)]


def render(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
    return page(request, name, context)


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request) -> HTMLResponse:
    data = views.overview_data(request.app.state.store)
    return render(request, "overview.html", {**data, "json_url": "/api/overview"})


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, query: Annotated[SearchQuery, Depends(search_query)]) -> HTMLResponse:
    store = request.app.state.store
    data = search(store, query)
    params = query.params()
    return render(request, "search.html", {
        **data, "choices": views.filter_choices(store), "params": params,
        "json_url": "/api/search?" + query_string(params),
        "next_url": "/search?" + query_string(params, page=query.page + 1) if data["has_next"] else None,
        "prev_url": "/search?" + query_string(params, page=query.page - 1) if data["has_previous"] else None})


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str,
                  highlight: Annotated[list[str] | None, Query()] = None) -> HTMLResponse:
    words = clean_names(highlight, "highlight")
    view = document_view(request.app.state.store, check_doc_id(doc_id), highlight=words)
    if view is None:
        raise HTTPException(404, f"no document with id {doc_id!r}")
    qs = query_string({"highlight": words or []})
    return render(request, "document.html", {"doc": view, "json_url": f"/api/documents/{view['metadata']['id']}"
                                             + (f"?{qs}" if qs else "")})


def explorer_page(page: str):
    def handler(request: Request, query: Explorer) -> HTMLResponse:
        store = request.app.state.store
        params = {**asdict(query), "actors": query.actors or []}
        panels = [{"name": name, "title": title, "src": f"/panels/{page}/{name}?" + query_string(params),
                   "api": f"/api/{page}/{name}?" + query_string(params)}
                  for name, (title, _) in registry()[page].items()]
        return render(request, f"{page}.html", {"page": page, "params": params, "panels": panels,
                                                "choices": views.filter_choices(store),
                                                "json_url": f"/api/{page}?" + query_string(params)})
    return handler


for _page in ("terms", "narratives", "alignment"):
    router.add_api_route(f"/{_page}", explorer_page(_page), methods=["GET"], response_class=HTMLResponse)


@router.get("/panels/{page}/{panel}", response_class=HTMLResponse)
def panel_fragment(request: Request, page: Literal["terms", "narratives", "alignment"], panel: str,
                   query: Explorer) -> HTMLResponse:
    if panel not in registry()[page]:
        raise HTTPException(404, f"no panel {panel!r} on the {page} page")
    section = run_panel(request.app.state.store, page, panel, query)
    return render(request, "panel.html", {"section": section, "json_url": None})


@router.get("/document")
def document_by_query(id: Annotated[str, Query(max_length=64)]) -> RedirectResponse:  # noqa: A002
    from urllib.parse import quote

    return RedirectResponse("/documents/" + quote(check_doc_id(id.strip()), safe=""), status_code=303)
