"""Enrichment of documents and paragraphs: language, tokens and lemmas, sentence embeddings (cached in the store)."""
