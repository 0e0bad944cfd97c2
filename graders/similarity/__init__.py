"""Similarity between submissions: normalised tokens, winnowed fingerprints, an inverted index.

Evidence for the reviewer (which submissions share which code, which known solutions a
submission resembles), never a verdict or a score.
"""
