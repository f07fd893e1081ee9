"""JSON twins of every page, under /api (documented in the OpenAPI schema at /api/openapi.json)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from lockstep.report.analyses import AnalysisMissing
from lockstep.report.safe import clean_json
from lockstep.web.analyses import record_document_review
from lockstep.web.analyses import record_review
from lockstep.web.document import document_view
from lockstep.web.explorers import run_panel
from lockstep.web.panels import ExplorerQuery
from lockstep.web.params import check_doc_id, clean_names, explorer_query, search_query
from lockstep.web.search import SearchQuery, search
import lockstep.web.views as views

router = APIRouter(prefix="/api", tags=["api"])
Explorer = Annotated[ExplorerQuery, Depends(explorer_query)]


def store_of(request: Request):
    return request.app.state.store


@router.get("/overview", summary="Corpus overview: counts by actor, language, month; duplicates; skipped inputs")
def overview(request: Request) -> dict[str, Any]:
    data = views.overview_data(store_of(request))
    return clean_json({"summary": data["summary"], "section": asdict(data["section"])})


@router.get("/filters", summary="Actors, languages and narratives present in the store")
def filters(request: Request) -> dict[str, Any]:
    return views.filter_choices(store_of(request))


@router.get("/search", summary="Full-text search over paragraphs (every word must occur), with filters and pages")
def search_api(request: Request, query: Annotated[SearchQuery, Depends(search_query)]) -> dict[str, Any]:
    return clean_json(search(store_of(request), query))


@router.get("/documents/{doc_id}", summary="One document: metadata, paragraphs, removed debris, duplicates, echoes")
def document_api(request: Request, doc_id: str,
                 highlight: Annotated[list[str] | None, Query(description="words to highlight")] = None
                 ) -> dict[str, Any]:
    view = document_view(store_of(request), check_doc_id(doc_id), highlight=clean_names(highlight, "highlight"))
    if view is None:
        raise HTTPException(404, f"no document with id {doc_id!r}")
    return clean_json(view)


def explorer_routes(page: str, panels: tuple[str, ...]) -> None:
    def page_twin(request: Request, query: Explorer) -> dict[str, Any]:
        return views.explorer_data(store_of(request), page, query)

    def panel_twin(request: Request, panel: str, query: Explorer) -> dict[str, Any]:
        if panel not in panels:
            raise HTTPException(404, f"no panel {panel!r} on the {page} page; one of {', '.join(panels)}")
        return views.section_json(run_panel(store_of(request), page, panel, query))

    router.add_api_route(f"/{page}", page_twin, methods=["GET"], summary=f"All panels of the {page} explorer")
    router.add_api_route(f"/{page}/{{panel}}", panel_twin, methods=["GET"], summary=f"One panel of the {page} explorer: {', '.join(panels)}")


class ReviewRequest(BaseModel):
    hit_id: str = Field(min_length=1, max_length=200)
    decision: Literal["accept", "reject"]
    coder: str = Field(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f<>]+$")


@router.post("/narratives/review", summary="Accept or reject a narrative tag (needs `lockstep serve --review`)")
def review(request: Request, body: ReviewRequest) -> dict[str, Any]:
    if "application/json" not in request.headers.get("content-type", ""):
        raise HTTPException(415, "send the review as application/json")
    origin = request.headers.get("origin")
    if origin and origin.split("://", 1)[-1] != request.headers.get("host", ""):
        raise HTTPException(403, "cross-origin review requests are refused")
    try:
        return clean_json(record_review(store_of(request), body.hit_id, body.decision, body.coder.strip()))
    except AnalysisMissing as exc:
        raise HTTPException(501, f"review is not available: {exc}") from exc


class DocumentReviewRequest(BaseModel):
    doc_id: str = Field(min_length=1, max_length=64)
    labels: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(default_factory=list, max_length=200)
    none: bool = False
    coder: str = Field(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f<>]+$")


@router.post("/narratives/document-review", summary="Say which narratives a sampled document carries "
             "(needs `lockstep serve --review`)")
def document_review(request: Request, body: DocumentReviewRequest) -> dict[str, Any]:
    check_review_request(request)
    if not body.labels and not body.none:
        raise HTTPException(422, "tick the narratives the document carries, or “carries none”")
    if body.labels and body.none:
        raise HTTPException(422, "a document cannot carry narratives and none")
    return clean_json(record_document_review(store_of(request), body.doc_id, body.labels, body.coder.strip()))


def check_review_request(request: Request) -> None:
    if "application/json" not in request.headers.get("content-type", ""):
        raise HTTPException(415, "send the review as application/json")
    origin = request.headers.get("origin")
    if origin and origin.split("://", 1)[-1] != request.headers.get("host", ""):
        raise HTTPException(403, "cross-origin review requests are refused")


explorer_routes("terms", ("trend", "keyness", "kwic", "collocates", "usage"))
explorer_routes("narratives", ("codebook", "prevalence", "evidence", "corrected", "documents"))
explorer_routes("alignment", ("matrix", "cell", "leads"))
