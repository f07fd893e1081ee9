"""Ingest engines: the per-record stages and the machinery that runs them (a local process pool, or Ray)."""
