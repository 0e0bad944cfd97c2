"""Renderers: HTML and Markdown pages, exports, the cohort page."""
