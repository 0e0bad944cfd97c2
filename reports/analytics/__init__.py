"""Calibration analytics: how well reviewers agree, who is lenient or strict, who drifts, which
submissions divide them, and how the hidden suite and the human rows relate.

Pure functions over plain rating records (``records.RatingRecord``); the store read lives in
``runner.store.ratings`` and the command in ``takehome.commands.calibrate``. Every figure carries
the sample size it rests on.
"""
