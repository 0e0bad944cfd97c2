"""Presentation layer: the Scorecard model, scoring rules and report renderers."""
