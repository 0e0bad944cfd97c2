"""Tripwire: this test must always fail.

It is not scored. The grader checks that it is reported as failed; if a report
says it passed, the report was forged (or the suite was tampered with) and the
submission is flagged.
"""


def test_tripwire():
    assert False, "tripwire: this test must fail"
