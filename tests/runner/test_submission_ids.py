"""The default submission id, made from the source's last component, is always one that may
name a report directory (a 300-character folder name once crashed the grade with exit 3)."""

from __future__ import annotations

import pytest

from challenges.roster import check_id
from runner.pipeline import submission_id


@pytest.mark.parametrize(
    "source",
    ["/x/" + "a" * 300, "/x/index.html", "/x/INDEX.HTML", "/x/...", "/x/" + "é" * 100,
     "/x/-lead", "https://github.com/alice/kv.git", "/x/a\nb", "/"],
)  # fmt: skip
def test_the_default_id_is_always_a_valid_directory_name(source):
    assert check_id(submission_id(source)) == submission_id(source)


def test_long_names_that_share_a_beginning_get_different_ids():
    first, second = submission_id("/x/" + "a" * 300 + "1"), submission_id("/x/" + "a" * 300 + "2")
    assert first != second
    assert len(first) <= 64
