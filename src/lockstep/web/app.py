"""The dashboard: FastAPI pages and their JSON twins under /api (OpenAPI at /api/openapi.json)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from lockstep.errors import LockstepError
import lockstep.web.api as api
import lockstep.web.pages as pages
from lockstep.web.options import LOCAL_HOSTS, ServeOptions
from lockstep.web.connection import Store
from lockstep.web.templating import page

HERE = Path(__file__).parent
# Scraped text is hostile: even if something slipped past escaping, the browser runs only the dashboard's own
# scripts (/static, no inline script: charts' data travels in non-executed application/json blocks), loads
# nothing from another origin, and never shows the dashboard inside another site's frame. Inline styles stay
# allowed because plotly.js styles its SVG through style attributes.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    "font-src 'self' data:", "connect-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(options: ServeOptions | None = None, *, store: Store | None = None) -> FastAPI:
    options = options or ServeOptions()
    app = FastAPI(title="lockstep dashboard", version="0.1.0", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Read-only JSON twins of every dashboard page, plus narrative review.")
    app.state.store = store or Store(options.db, writable=options.review)
    app.state.options = options
    if not options.allow_remote:  # DNS-rebinding guard: only answer requests addressed to this machine
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*LOCAL_HOSTS, "[::1]", "testserver"])
    app.add_api_route("/static/plotly.min.js", plotly_js, include_in_schema=False)
    app.add_api_route("/favicon.ico", lambda: Response(status_code=204), include_in_schema=False)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(LockstepError, lockstep_error)
    app.middleware("http")(security_headers)
    return app


async def security_headers(request: Request, call_next) -> Response:
    """The same security headers on every answer: pages, JSON, panels, static files and errors."""
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@lru_cache(maxsize=1)
def _plotly_bytes() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")


def plotly_js() -> Response:
    """plotly.js from the installed plotly package: no CDN, works offline."""
    return Response(_plotly_bytes(), media_type="application/javascript",
                    headers={"Cache-Control": "public, max-age=86400"})


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/panels/")


def error_response(request: Request, status: int, message: str) -> Response:
    if wants_json(request) and not request.url.path.startswith("/panels/"):
        return JSONResponse({"error": message, "status": status}, status_code=status)

    return page(request, "error.html", {"status": status, "message": message}, status_code=status)


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    if wants_json(request) and not request.url.path.startswith("/panels/"):
        return JSONResponse({"error": "invalid parameters", "detail": parts, "status": 422}, status_code=422)
    return error_response(request, 422, "Invalid parameters: " + "; ".join(parts))


async def http_error(request: Request, exc: HTTPException) -> Response:
    return error_response(request, exc.status_code, str(exc.detail))


async def lockstep_error(request: Request, exc: LockstepError) -> Response:
    return error_response(request, 409, str(exc))


__all__ = ["create_app", "HTMLResponse"]
