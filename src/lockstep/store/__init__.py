"""The store: one DuckDB file with the core tables (documents, paragraphs, inputs, skipped), its schema and writer."""
