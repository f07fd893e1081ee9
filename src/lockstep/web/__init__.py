"""The local dashboard: FastAPI pages over the store, each with a JSON twin under /api.

``create_app(ServeOptions(db=...))`` builds the app; ``lockstep serve`` runs it with uvicorn on 127.0.0.1.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "ServeOptions"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from lockstep.web.app import create_app

        return create_app
    if name == "ServeOptions":
        from lockstep.web.options import ServeOptions

        return ServeOptions
    raise AttributeError(name)
