"""Secret per-run canaries: copies of real hidden tests that end in a wrong expectation.

A forger that flips every result to passed, rebinds the result channel, swaps test code, or
lies from pytest.raises / approx / unittest's assert* / an ``__eq__`` that is always true,
turns these failing tests into passes too. Their names and places are drawn here, by the
wrapper, in a fresh copy of the suite made for this run only (the image's copy is not
readable by the candidate), so a submission cannot know them before it runs.

A canary is the body of a real test up to one of its top-level statements, followed by one
statement in the style of that statement that fails for every honest program:

- ``assert X == Y``                 -> ``assert X == (Y, "<random token>")``
- ``assert X == approx(Y)``         -> ``assert X == approx(float("nan"))``
- ``with raises(E): ...``           -> ``with raises(E): pass``
- ``self.assertEqual(X, Y)``        -> ``self.assertEqual(X, (Y, "<random token>"))``
- ``with self.assertRaises(E): ...`` -> ``with self.assertRaises(E): pass``

The prefix holds no ``return``/``yield``, so the added statement runs unless something
before it raised (a failure too). No honest value equals a tuple holding a token made up
now, nothing honest is approximately NaN, and an empty block raises nothing. The prefix's
own checks become plain evaluations (canary_styles.py), so a lying helper reaches the end.

Canaries live in new test modules beside their source module, named from the suite's own
words, which take that module's globals (helpers, fixtures, marks) but none of its tests:
the real modules stay as built, so pytest's rewritten copies cached in the image still
serve, and only the small canary modules are rewritten per run. Finding the places a canary
can start from walks every test's syntax tree; that depends on the suite alone, so it is
done once when the image is built (``python3 canaries.py CONFIG``, a catalog readable by
root alone), and a run only draws from it.

Standard library only: this runs inside the run image.
"""

import ast
import contextlib
import copy
import json
import os
import random
import sys

from canary_styles import Helpers, Unchecked, hooks_in, is_test_case, never_empty, usable

_RANDOM = random.SystemRandom()
_FILLER = ("value", "state", "after", "many", "keys", "order", "update", "empty", "again")
_SKIPPING = ("skip", "skipif", "xfail", "__test__")
MAX_CANARIES = 6


def _skipped(body):
    """A module or class body whose ``pytestmark``/``__test__`` could skip what we add."""
    for statement in body:
        if isinstance(statement, ast.Assign):
            names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
            if "__test__" in names or (
                "pytestmark" in names and any(word in ast.dump(statement) for word in _SKIPPING)
            ):
                return True
    return False


def _containers(tree):
    """(class chain, owner) of the module and of every class pytest collects from it:
    Test* classes, and unittest.TestCase subclasses of any name."""
    yield [], tree
    stack = [([], tree)]
    while stack:
        classes, owner = stack.pop()
        for node in owner.body:
            if isinstance(node, ast.ClassDef) and (
                node.name.startswith("Test") or is_test_case(node, tree)
            ):
                if node.decorator_list or _skipped(node.body):
                    continue
                chain = [*classes, node.name]
                yield chain, node
                stack.append((chain, node))


def _owner(tree, classes):
    owner = tree
    for name in classes:
        owner = next(n for n in owner.body if isinstance(n, ast.ClassDef) and n.name == name)
    return owner


def _test_files(suite):
    found = []
    for base, dirs, files in os.walk(suite):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py")):
                found.append(os.path.relpath(os.path.join(base, name), suite).replace(os.sep, "/"))
    return found


def _parse(suite, relative):
    path = os.path.join(suite, relative)
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    return source, ast.parse(source, filename=path)


def catalog(suite, tripwire):
    """Every place a canary can start from (file, classes, test, statement index, style),
    and the words of the suite's test names that canary names are made of."""
    places, words = [], set(_FILLER)
    for relative in _test_files(suite):
        _, tree = _parse(suite, relative)
        if _skipped(tree.body):
            continue
        for classes, owner in _containers(tree):
            helpers = Helpers(tree, owner if classes else None)
            for function in owner.body:
                node_id = "::".join([relative, *classes, getattr(function, "name", "")])
                if node_id == tripwire or not usable(function, node_id, tripwire):
                    continue
                words.update(function.name.lower().split("_"))
                for index, statement in enumerate(function.body):
                    for style, _ in hooks_in(statement, helpers) if len(classes) <= 1 else ():
                        places.append([relative, classes, function.name, index, style])
    return {"places": places, "words": sorted(words - {"test", ""})}


def _choose(places):
    """One place of each style, one more of any, in random order."""
    by_style = {}
    for place in places:
        by_style.setdefault(place[4], []).append(place)
    chosen = [_RANDOM.choice(group) for group in by_style.values()]
    rest = [place for place in places if place not in chosen]
    if rest:
        chosen.append(_RANDOM.choice(rest))
    _RANDOM.shuffle(chosen)
    return chosen[:MAX_CANARIES]


def _fresh(prefix, vocabulary, taken, camel=False, suffix=""):
    while True:
        words = _RANDOM.sample(vocabulary, _RANDOM.randint(3, 5))
        joined = "".join(w.capitalize() for w in words) if camel else "_".join(words)
        name = prefix + joined + suffix
        if name not in taken:
            taken.add(name)
            return name


def _canary_function(function, index, style, name, helpers):
    prefix = []
    for statement in function.body[: index + 1]:
        changed = Unchecked().visit(copy.deepcopy(statement))
        prefix += changed if isinstance(changed, list) else [changed] if changed else []
    hooks = hooks_in(function.body[index], helpers)
    added = next(added for kind, added in hooks if kind == style)
    return ast.FunctionDef(
        name=name,
        args=copy.deepcopy(function.args),
        body=never_empty([*prefix, added]),
        decorator_list=[],
        returns=None,
        type_comment=None,
    )


def _module_name(suite, relative):
    """The name pytest imports a test file under (rootdir-relative packages, or bare)."""
    directory, file_name = os.path.split(os.path.join(suite, relative))
    parts = [file_name[:-3]]
    while os.path.exists(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        parts.insert(0, package)
    return ".".join(parts)


_PREAMBLE = """from __future__ import annotations

import importlib as _importlib
import unittest as _unittest

_source = _importlib.import_module({name!r})


def _collected(key, value):
    if isinstance(value, type):
        return issubclass(value, _unittest.TestCase) or key.startswith("Test")
    return callable(value) and key.startswith("test")


globals().update(
    {{
        key: value
        for key, value in vars(_source).items()
        if not key.startswith("__") and not _collected(key, value)
    }}
)
"""
"""A canary module has its source module's globals (helpers, fixtures, marks, imports),
none of the tests pytest would collect from them again (imported ones included: pytest
collects a test function or class wherever it was defined), and annotations left
unevaluated as in any module."""

_SILENCE = """for _name in dir({cls}):
    if _name.startswith("test") and _name != {keep!r}:
        setattr({cls}, _name, None)
"""
"""A canary class inherits its source class (set-up, fixtures, helpers) but none of its
tests: attributes that are not callable are not collected, by pytest or by unittest."""


def _canary_module(suite, relative, places, vocabulary, taken):
    """Source of a new module holding the canaries cut from ``relative``, and their IDs."""
    _, tree = _parse(suite, relative)
    directory = os.path.dirname(relative)
    if relative.endswith("_test.py"):  # named like its neighbours
        module = _fresh("", vocabulary, taken, suffix="_test")
    else:
        module = _fresh("test_", vocabulary, taken)
    path = f"{directory}/{module}.py" if directory else f"{module}.py"
    definitions, node_ids = [], []
    _RANDOM.shuffle(places)
    for _, classes, function_name, index, style in places:
        owner = _owner(tree, classes)
        function = next(
            n for n in owner.body if isinstance(n, ast.FunctionDef) and n.name == function_name
        )
        name = _fresh("test_", vocabulary, taken)
        helpers = Helpers(tree, owner if classes else None)
        canary = _canary_function(function, index, style, name, helpers)
        if classes:
            class_name = _fresh("Test", vocabulary, taken, camel=True)
            base = ast.Attribute(ast.Name("_source", ast.Load()), classes[0], ast.Load())
            canary = ast.ClassDef(class_name, [base], [], [canary], [])
            silence = ast.parse(_SILENCE.format(cls=class_name, keep=name)).body
            definitions += [canary, *silence]
            node_ids.append(f"{path}::{class_name}::{name}")
        else:
            definitions.append(canary)
            node_ids.append(f"{path}::{name}")
    code = ast.unparse(ast.fix_missing_locations(ast.Module(definitions, [])))
    source = _PREAMBLE.format(name=_module_name(suite, relative)) + "\n\n" + code + "\n"
    ast.parse(source)  # a canary that does not parse is a bug: raise before writing
    return path, source, node_ids


def plant(suite, catalog_path):
    """Add canary modules to ``suite`` (this run's copy); the canaries' node IDs.

    Every new source is built and parsed before any file is written, and a failed write
    removes what it wrote, so a failure leaves the copy as it was (and no canary reported)."""
    with open(catalog_path, encoding="utf-8") as handle:
        found = json.load(handle)
    chosen, vocabulary = _choose(found["places"]), found["words"]
    taken = {os.path.basename(r)[:-3] for r in _test_files(suite)}
    planned, node_ids = {}, []
    for relative in sorted({place[0] for place in chosen}):
        mine = [place for place in chosen if place[0] == relative]
        path, source, ids = _canary_module(suite, relative, mine, vocabulary, taken)
        planned[path] = source
        node_ids += ids
    written = []
    try:
        for relative, text in planned.items():
            written.append(os.path.join(suite, relative))
            with open(written[-1], "x", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(written[-1], 0o644)
    except OSError:
        for path in written:  # a canary module nobody reports would look like tampering
            with contextlib.suppress(OSError):
                os.unlink(path)
        raise
    return node_ids


def main(config_path):
    """At image build time: write the catalog of the image's suite where the config says."""
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    places = catalog(config["image_suite"], config["tripwire"])
    with open(config["canary_catalog"], "w", encoding="utf-8") as handle:
        json.dump(places, handle)
    os.chmod(config["canary_catalog"], 0o600)


if __name__ == "__main__":
    main(sys.argv[1])
