"""Distributed grading: the Celery app, its jobs, grading once under a claim, waiting."""
