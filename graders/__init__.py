"""Measurement layer: graders turn a submission's evidence into typed measurements."""
