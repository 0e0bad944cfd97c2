"""The lexer chosen for a file name: Pygments' own choice among its built-in lexers, found
without its per-process cost (a regular expression per pattern, a scan for plugins)."""

from __future__ import annotations

import re

import pygments.lexers
import pytest
from pygments.lexers._mapping import LEXERS

from graders.similarity import lexed_tokens
from graders.similarity.lexed_tokens import lexer_class


def _example(pattern: str) -> str:
    """A file name the pattern matches: wildcards made concrete."""
    name = re.sub(r"\[([^\]]+)\]", lambda m: m.group(1).lstrip("!^")[0], pattern)
    return name.replace("*", "x").replace("?", "a")


# pygments.lexers replaces its module object at import: its functions see the original's globals
PYGMENTS_GLOBALS = pygments.lexers.find_lexer_class_for_filename.__globals__

NAMES = sorted(
    {_example(pattern) for entry in LEXERS.values() for pattern in entry[3]}
    | {"README.md", "expected.toml", "Makefile", "notes.txt", "kvstore.py", "x.unknown", "a/b/c.h"}
)


def test_the_choice_is_pygments_own_among_its_built_in_lexers(monkeypatch):
    monkeypatch.setitem(PYGMENTS_GLOBALS, "find_plugin_lexers", lambda: [])
    pygments_choice = pygments.lexers.find_lexer_class_for_filename
    differ = [name for name in NAMES if lexer_class(name) is not pygments_choice(name)]
    assert differ == []
    assert len(NAMES) > 500


def test_no_installed_package_is_asked_for_plugin_lexers(monkeypatch):
    def scan() -> list[type]:
        raise AssertionError("a scan of every installed package's entry points")

    monkeypatch.setitem(PYGMENTS_GLOBALS, "find_plugin_lexers", scan)
    lexer_class.cache_clear()
    tokens = lexed_tokens.lexed_tokens("README.md", "# Title\n\nSome *text*, `code`.\n")
    assert tokens != []


@pytest.mark.parametrize("name", ["x.unknown", "LICENSE"])
def test_a_name_no_lexer_claims_is_read_as_plain_words(name):
    assert lexed_tokens.lexed_tokens(name, "Hello, World") != []
