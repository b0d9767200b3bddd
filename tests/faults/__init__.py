"""Fault injection: a corpus of hostile and broken raw files, generated at test time (tests/faults/corpus.py)."""
