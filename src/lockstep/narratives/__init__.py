"""Narratives: a versioned multilingual codebook, detection with evidence, discovery, human review."""
