"""lockstep: how closely media actors move together.

    import lockstep
    corpus = lockstep.open("corpus.duckdb")
    corpus.ingest(["pages/"])
    frame = corpus.documents()
"""

from lockstep.store.corpus import Corpus, DocumentFilter, open  # noqa: A004

__version__ = "0.1.0"
__all__ = ["Corpus", "DocumentFilter", "open", "__version__"]
