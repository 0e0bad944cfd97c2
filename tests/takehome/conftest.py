"""Fixtures the web tests share."""

from tests.takehome.chromium import browser

__all__ = ["browser"]
