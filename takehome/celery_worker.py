"""The workers' app for the celery command: ``celery -A takehome.celery_worker worker``.

``takehome worker`` starts the same app without it; both read the same settings. Importing
this module reads them, which is why nothing else imports it.
"""

from __future__ import annotations

from takehome.commands.queueing import app_from_settings, default_concurrency
from takehome.settings import load_settings

app = app_from_settings(load_settings(), default_concurrency())
