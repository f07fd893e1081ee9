"""`lockstep serve`: check where to listen, then run the dashboard with uvicorn."""

from __future__ import annotations

from pathlib import Path

import typer

from lockstep.cli.options import DB_DEFAULT


def serve(
    db: Path = typer.Option(DB_DEFAULT, "--db", help="The DuckDB store to explore."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (localhost unless --allow-remote)."),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="Port to listen on."),
    allow_remote: bool = typer.Option(False, "--allow-remote",
                                      help="Allow listening beyond localhost (anyone who can reach it can read the corpus)."),
    review: bool = typer.Option(False, "--review", help="Open the store writable so narrative tags can be "
                                "accepted/rejected (pages stay read-only)."),
) -> None:
    """The local dashboard: overview, search, documents, term, narrative and alignment explorers, JSON under /api."""
    from rich.console import Console

    from lockstep.web.options import ServeOptions

    options = ServeOptions(db=db, host=host, port=port, allow_remote=allow_remote, review=review)
    check_host(options, Console(stderr=True))
    run(options)


def check_host(options, console) -> None:
    """Refuse a non-local address without --allow-remote; warn loudly with it."""
    from lockstep.errors import InputError

    if options.is_local:
        return
    if not options.allow_remote:
        raise InputError(f"--host {options.host}: refusing to listen beyond localhost; the dashboard has no login. "
                         "Add --allow-remote if you really mean it")
    console.print(f"[bold red]warning[/bold red]: listening on {options.host}: anyone who can reach this address "
                  "can read the corpus" + (" and record reviews" if options.review else "") + "; there is no login")


def run(options) -> None:
    import uvicorn

    from lockstep.web.app import create_app

    app = create_app(options)
    print(f"lockstep dashboard on http://{options.host}:{options.port}/  (store {options.db}, "
          f"{'review on' if options.review else 'read-only'}; Ctrl-C to stop)")
    uvicorn.run(app, host=options.host, port=options.port, log_level="warning")
