"""The ratings CSV of another tool: read whole, or one error naming the file and the line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reports.analytics.ratings_csv import RatingsFileError, load_ratings_csv


def write(tmp_path, text, name="ratings.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_with_a_header_and_optional_times_is_read(tmp_path):
    path = write(tmp_path, "submission,reviewer,criterion,level,rated_at\n"
                           "s1,ana,design,3,2026-03-01T14:30:00Z\n"
                           "s1,bo,design,2,\n\n"
                           "s2,ana,design,4,2026-03-02\n")  # fmt: skip
    ratings = load_ratings_csv(path)
    assert [(r.submission, r.reviewer, r.level) for r in ratings] == [
        ("s1", "ana", 3), ("s1", "bo", 2), ("s2", "ana", 4)
    ]  # fmt: skip
    assert ratings[0].rated_at == datetime(2026, 3, 1, 14, 30, tzinfo=UTC)
    assert ratings[1].rated_at is None
    assert ratings[2].rated_at == datetime(2026, 3, 2, tzinfo=UTC)


def test_a_file_without_a_header_is_read(tmp_path):
    assert len(load_ratings_csv(write(tmp_path, "s1,ana,design,1\ns1,bo,design,4\n"))) == 2


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("s1,ana,design,3\ns1,bo,design,5\n", 2, r"level '5' is not a whole number from 1 to 4"),
        ("s1,ana,design,3\ns1,bo,design,three\n", 2, r"level 'three'"),
        ("s1,ana,design,3\ns1,bo,design,2.5\n", 2, r"level '2\.5'"),
        ("submission,reviewer,criterion,level\ns1,ana,design\n", 2, r"3 fields; expected"),
        ("s1,ana,design,3,2026-01-01,extra\n", 1, r"6 fields"),
        ("s1,,design,3\n", 1, r"the reviewer is empty"),
        ("s1,ana,design,3\ns2,ana,design,3\ns1,ana,design,2\n", 3,
         r"ana rated design of s1 already on line 1"),
        ("s1,ana,design,3,yesterday\n", 1, r"rated_at 'yesterday' is not an ISO 8601"),
        ('s1,ana,"design,3\n', 1, r"not valid CSV"),
    ],
)  # fmt: skip
def test_a_bad_line_is_one_error_naming_the_file_and_the_line(tmp_path, text, line, says):
    path = write(tmp_path, text)
    with pytest.raises(RatingsFileError, match=rf"ratings\.csv: line {line}: {says}"):
        load_ratings_csv(path)


def test_bytes_that_are_not_utf8_name_their_line(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_bytes(b"s1,ana,design,3\ns1,b\xe9,design,2\n")
    with pytest.raises(RatingsFileError, match=r"ratings\.csv: line 2: is not UTF-8"):
        load_ratings_csv(path)


def test_a_missing_or_empty_file_is_named(tmp_path):
    with pytest.raises(RatingsFileError, match=r"nope\.csv: cannot be read"):
        load_ratings_csv(tmp_path / "nope.csv")
    with pytest.raises(RatingsFileError, match=r"ratings\.csv: no ratings"):
        load_ratings_csv(write(tmp_path, "submission,reviewer,criterion,level\n"))
