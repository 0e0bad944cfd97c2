"""The quality gate of a challenge (``takehome challenge check``): the reference, the starter and
the samples against their expectations, repeated runs for flaky tests, mutation analysis of the
hidden suite, the AI-written baseline and the suite's time against its timeout."""
