"""The files ``takehome challenge new`` writes: a small, complete challenge to edit.

``{slug}`` and ``{title}`` are the only placeholders (``str.format`` is not used, so braces in
the files stay as written). The challenge is a real one: its suite kills the mutants of its
reference, its sample scores in its declared range and its starter fails every test.
"""

from __future__ import annotations

CHALLENGE_TOML = """\
# The challenge's settings: `takehome schema challenge` prints every field with its meaning.
schema_version = 1
id = "{slug}"
title = "{title}"
version = "0.1.0"
language = "python"
time_window = "2h"          # from when the candidate first opens the invitation
feedback = "summary"        # none | summary | visible_tests (tests marked `visible`)
allowed_hosts = ["github.com", "gitlab.com", "bitbucket.org"]

[image]
setup = []                  # shell steps run as root on the base image (e.g. apt-get install)

[limits]
wall_timeout = "30s"
test_timeout = "2s"
memory = "256m"
cpus = 1.0
pids = 64

[tests]
dir = "tests"                                  # the hidden suite: never leaves the grader
tripwire = "test_tripwire.py::test_tripwire"   # must always fail; not scored
python_path = ["."]                            # candidate directories on sys.path
"""

RUBRIC_TOML = '''\
# The rubric: automatic rows (scored from measurements) and human rows (rated by reviewers).
# Points add up to total_points. `takehome schema rubric` prints every field.
schema_version = 1
version = "0.1.0"
total_points = 100
# ------------------------------------------------------------------ automatic (80)
# Tests rows select hidden tests by marker (`pytestmark = pytest.mark.core`) or keyword;
# `weights = { test_name = 2 }` makes one test count double.

[[criteria]]
id = "core"
kind = "auto"
title = "Counting and ranking"
source = "tests"
points = 50
select = { marker = "core" }

[[criteria]]
id = "edge"
kind = "auto"
title = "Edge cases and argument checks"
source = "tests"
points = 20
select = { marker = "edge" }

# Measured rows: a metric of a grader, thresholds from the best level (4) down.
[[criteria]]
id = "lint"
kind = "auto"
title = "Lint findings per thousand lines"
source = "lint"
points = 5
metric = "per_kloc"
thresholds = [{ level = 4, max = 10 }, { level = 3, max = 25 }, { level = 2, max = 50 }]

[[criteria]]
id = "complexity"
kind = "auto"
title = "Most complex function"
source = "complexity"
points = 5
metric = "max_cc"
thresholds = [{ level = 4, max = 10 }, { level = 3, max = 15 }, { level = 2, max = 25 }]
# ------------------------------------------------------------------ human (20)
# Each level's anchor is a concrete behaviour a reviewer can point at in the code, not an
# adjective: two reviewers reading the same code should pick the same level.

[[criteria]]
id = "readability"
kind = "human"
title = "Readability"
question = "Could another engineer maintain this code without asking its author?"
points = 10
evidence = ["lint", "complexity"]
[[criteria.levels]]
level = 1
# the lowest level: what is missing or wrong
anchor = """\\
Counting, normalising and ranking are tangled in one block; names such as `d` or `tmp` do \\
not say what they hold."""
[[criteria.levels]]
level = 2
anchor = """\\
Works and is readable line by line, but the word rule (what counts as a word) is repeated \\
or buried in a loop."""
[[criteria.levels]]
level = 3
# the level a solid answer reaches
anchor = """\\
One place decides what a word is, one place ranks; names say what things are; a docstring \\
states the tie rule."""
[[criteria.levels]]
level = 4
# as level 3, plus what only the best answers do
anchor = """\\
As level 3, and the ranking uses a sort key that makes the tie rule visible (count \\
descending, then word), with the complexity stated."""

[[criteria]]
id = "testing"
kind = "human"
title = "Testing habits"
question = "How good are the candidate's own tests?"
points = 10
evidence = ["tests"]
# a checklist instead of levels: each item is worth its points
[[criteria.items]]
id = "ties"
text = "A test pins the tie rule (equal counts in alphabetical order)."
points = 4
[[criteria.items]]
id = "edges"
text = "Tests cover empty text, n = 0 and a negative n."
points = 3
[[criteria.items]]
id = "punctuation"
text = "A test shows punctuation and case do not split or duplicate words."
points = 3
'''

SPEC_MD = """\
# {title}

Write `top_words(text, n)` in `wordfreq.py`: the `n` most frequent words of `text`.

- A word is a run of letters `a`-`z` and apostrophes, compared without case: `Stop` and
  `stop` are the same word, reported in lower case. Anything else separates words.
- The result is a list of `(word, count)` pairs, most frequent first; words with the same
  count come in alphabetical order.
- When `text` has fewer than `n` different words, all of them are returned. `n = 0` gives an
  empty list; a negative `n` raises `ValueError`.

```python
>>> top_words("The cat and the hat", 2)
[('the', 2), ('and', 1)]
```

The examples in `test_examples.py` run with `python -m pytest`. Add your own tests, commit as
you go, and explain your choices in the README.
"""

STARTER_CODE = '''\
"""The most frequent words of a text: see the spec."""


def top_words(text: str, n: int) -> list[tuple[str, int]]:
    """The ``n`` most frequent words of ``text``, most frequent first."""
    raise NotImplementedError
'''

STARTER_README = """\
# {title}

Run the examples with `python -m pytest`. Replace this file with how to use and test your
code, and the choices you made.
"""

HANDOUT_TEST = '''\
"""Examples from the spec: candidates receive these (the hidden suite has more)."""

from wordfreq import top_words


def test_the_spec_example():
    assert top_words("The cat and the hat", 2) == [("the", 2), ("and", 1)]
'''

SOLUTION_CODE = '''\
"""The most frequent words of a text (the reference solution)."""

import re
from collections import Counter

WORD = re.compile(r"[a-z']+")


def top_words(text: str, n: int) -> list[tuple[str, int]]:
    """The ``n`` most frequent words of ``text`` in lower case, most frequent
    first, equal counts in alphabetical order.

    Raises ValueError when ``n`` is negative.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    counts = Counter(WORD.findall(text.lower()))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:n]
'''

SAMPLE_CODE = '''\
"""A plausible weak answer: Counter.most_common breaks ties by first appearance, not
alphabetically, and a negative n is not refused."""

import re
from collections import Counter


def top_words(text: str, n: int) -> list[tuple[str, int]]:
    return Counter(re.findall(r"[a-z']+", text.lower())).most_common(n)
'''

SAMPLE_EXPECTED = """\
# What grading this sample must give (`takehome challenge check` holds it to this).
schema_version = 1
description = "most_common: ties in the wrong order, a negative n not refused"
outcome = "test_failures"
tests_score = [60.0, 90.0]
"""

TESTS_CORE = '''\
"""Counting and ranking."""
import pytest
from wordfreq import top_words

pytestmark = pytest.mark.core


def test_counts_words_without_case():
    assert top_words("The cat and the hat", 1) == [("the", 2)]


def test_most_frequent_first():
    assert top_words("b a b c b a", 3) == [("b", 3), ("a", 2), ("c", 1)]


def test_equal_counts_in_alphabetical_order():
    assert top_words("pear apple fig", 2) == [("apple", 1), ("fig", 1)]


def test_punctuation_separates_words():
    assert top_words("Stop. stop, don't!", 5) == [("stop", 2), ("don't", 1)]


def test_fewer_words_than_asked():
    assert top_words("one two", 10) == [("one", 1), ("two", 1)]
'''

TESTS_EDGE = '''\
"""Edge cases and argument checks."""
import pytest
from wordfreq import top_words

pytestmark = pytest.mark.edge


def test_empty_text():
    assert top_words("", 3) == []


def test_zero_words_asked():
    assert top_words("a b", 0) == []


def test_one_word_asked():
    assert top_words("a b b", 1) == [("b", 2)]


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        top_words("a", -1)
'''

TRIPWIRE = '''\
"""Tripwire: this test must always fail.

It is not scored. The grader checks that it is reported as failed; if a report says it
passed, the report was forged (or the suite was tampered with) and the submission is flagged.
"""


def test_tripwire():
    assert False, "tripwire: this test must fail"
'''
