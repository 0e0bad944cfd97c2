"""What the normaliser throws away (layout, names, dead code) and what it keeps; every file
gets tokens, through Pygments when it is not Python or does not parse; fingerprints are the
same in every process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graders.similarity.analysis import compare
from graders.similarity.python_tokens import python_tokens
from graders.similarity.sources import file_tokens

KV = Path(__file__).parents[3] / "challenges" / "catalog" / "kv-store"
ROOT = Path(__file__).parents[3]

PLAIN = """
def total(prices, rate):
    result = []
    for price in prices:
        if price > 0:
            result.append(price * rate)
    return sum(result)
"""
DISGUISED = '''
def grand_total(amounts, factor):  # my own work
    """Add up the positive amounts, scaled."""
    if False:
        print("debug")
    pass
    scaled = [amount * factor for amount in amounts if amount > 0]
    return sum(scaled)
    print("never reached")
'''


def _texts(source: str) -> list[str]:
    return [token.text for token in python_tokens(source)]


def test_names_comments_docstrings_dead_code_and_the_loop_leave_no_trace() -> None:
    assert _texts(PLAIN) == _texts(DISGUISED)


def test_what_the_code_does_still_shows() -> None:
    assert _texts(PLAIN) != _texts(PLAIN.replace("price * rate", "price + rate"))
    assert _texts(PLAIN) != _texts(PLAIN.replace("sum(result)", "max(result)"))
    assert _texts(PLAIN) != _texts(PLAIN.replace("if price > 0:", "if price > 0 and rate:"))


IF_CHAIN = """
def kind(x, strict):
    if x == 1 or x == 2:
        return "small"
    elif x is None:
        return "none"
    elif x == "big" and strict:
        raise ValueError(x)
    else:
        return "other"
"""
MATCH = """
def kind(value, strict):
    match value:
        case 1 | 2:
            return "small"
        case None:
            return "none"
        case "big" if strict:
            raise ValueError(value)
        case _:
            return "other"
"""


def test_an_if_chain_and_the_same_match_statement_are_the_same_code() -> None:
    assert _texts(IF_CHAIN) == _texts(MATCH)
    capture = MATCH.replace("case None:", "case [first, *rest]:")
    assert _texts(capture) != _texts(IF_CHAIN)  # a real pattern is not an if chain


def test_a_python_file_that_does_not_parse_is_lexed_and_still_compared(tmp_path: Path) -> None:
    broken = (KV / "samples" / "no_import" / "kvstore.py").read_text(encoding="utf-8")
    assert not file_tokens("kvstore.py", broken).parsed
    (tmp_path / "copy").mkdir()
    renamed = broken.replace("KVStore", "Store").replace("key", "k").replace("value", "v")
    (tmp_path / "copy" / "kvstore.py").write_text("# mine\n" + renamed, encoding="utf-8")
    report = compare("kv-store", KV / "starter", [KV / "samples" / "no_import", tmp_path / "copy"])
    assert report.report.submissions[0].unparsed == ["kvstore.py"]
    assert report.report.pairs[0].similarity >= 0.9


JS = """// a counter
function count(items, wanted) {
  let n = 0;
  for (const item of items) {
    if (item === wanted) { n += 1; }
  }
  return n;
}
function longest(words) {
  let best = "";
  for (const w of words) { if (w.length > best.length) { best = w; } }
  return best;
}
"""


def test_another_language_goes_through_pygments(tmp_path: Path) -> None:
    tokens = file_tokens("app.js", JS)
    assert not tokens.parsed
    assert "count" not in {t.text for t in tokens.tokens}  # names normalised
    assert "a counter" not in " ".join(t.text for t in tokens.tokens)  # comments dropped
    disguised = "/* rewritten */\n" + JS.replace("count", "tally").replace("items", "xs")
    for name, text in (("a", JS), ("b", disguised), ("c", "const x = 1;\nconsole.log(x);\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "app.js").write_text(text, encoding="utf-8")
    pairs = compare("x", None, [tmp_path / n for n in "abc"]).report.pairs
    assert [(p.a, p.b) for p in pairs] == [("a", "b")]
    assert pairs[0].similarity == 1.0
    assert pairs[0].regions[0].file_a == "app.js"


_PRINT_FINGERPRINTS = (
    "from pathlib import Path; from graders.similarity.documents import document; "
    "print(sorted(p.hash for p in document('s', Path(%r), 'submission', frozenset()).prints))"
)


def test_fingerprints_do_not_depend_on_the_process_hash_seed() -> None:
    outputs = set()
    for seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        script = _PRINT_FINGERPRINTS % str(KV / "solution")
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True,
            cwd=ROOT, env=environment,
        )  # fmt: skip
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert len(outputs.pop()) > 100
