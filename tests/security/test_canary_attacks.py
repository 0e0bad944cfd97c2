"""SECURITY.md rows 12 and 27: secret per-run canaries against generic forgery, for real.

A canary is a copy of a hidden test, planted by the wrapper at run time under a fresh name,
that ends in a wrong expectation. Forgeries that make every test pass (lying helpers,
always-equal objects, swapped test code) make the canaries pass too; an honest program,
the reference solution included, never does.
"""

from __future__ import annotations

import re

import pytest

from tests.security.test_forgery_attacks import _starter_with, assert_caught_by_a_canary

pytestmark = pytest.mark.docker

HONEST_ROUNDS = 20

ALWAYS_YES = (
    "import contextlib, pytest, unittest\n"
    "class _Yes:\n"
    "    def __eq__(self, other): return True\n"
    "    def __ne__(self, other): return False\n"
    "    __lt__ = __le__ = __gt__ = __ge__ = __eq__\n"
    "    def __bool__(self): return True\n"
    "    def __hash__(self): return 0\n"
    "    def __iter__(self): return iter(())\n"
    "    def __len__(self): return 0\n"
    "    def __contains__(self, item): return True\n"
    "    def __call__(self, *a, **k): return self\n"
    "    def __getattr__(self, name): return self\n"
    "    def __enter__(self): return self\n"
    "    def __exit__(self, *exc): return True\n"
    "    def _same(self, *a): return self\n"
    "    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __neg__ = _same\n"
    "class KVStore:  # every answer compares equal to what the test expects\n"
    "    def __init__(self, clock=None): pass\n"
    "    def __getattr__(self, name): return _Yes()\n"
    "    def __len__(self): return 0\n"
    "    def __contains__(self, key): return True\n"
)
LYING_HELPERS = (
    "@contextlib.contextmanager\n"
    "def _raises(*a, **k):\n"
    "    try:\n"
    "        yield _Yes()\n"
    "    except BaseException:\n"
    "        pass\n"
    "setattr(pytest, 'rai' + 'ses', _raises)\n"
    "setattr(pytest, 'approx', lambda *a, **k: _Yes())\n"
    "unittest.TestCase.assertEqual = lambda self, *a, **k: None\n"
)
SWAPS_TEST_CODE = (
    "import sys\n"
    "_NOTHING = (lambda *a, **k: None).__code__\n"
    "def _swap(module):\n"
    "    for _name, _value in list(vars(module).items()):\n"
    "        if _name.startswith('test') and getattr(_value, '__code__', None) is not None:\n"
    "            if not _value.__code__.co_freevars:\n"
    "                _value.__code__ = _NOTHING\n"
    "def _swap_all():\n"
    "    for _name, _module in list(sys.modules.items()):\n"
    "        if _name.startswith('test_') and _name != 'test_tripwire':\n"
    "            _swap(_module)\n"
    "class _Loader:\n"
    "    def __init__(self, real): self.real = real\n"
    "    def create_module(self, spec): return self.real.create_module(spec)\n"
    "    def exec_module(self, module):\n"
    "        self.real.exec_module(module)\n"
    "        _swap_all()\n"
    "class _Hook:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        _swap_all()\n"
    "        if not name.startswith('test_') or name == 'test_tripwire':\n"
    "            return None\n"
    "        for finder in sys.meta_path:\n"
    "            if finder is not self and hasattr(finder, 'find_spec'):\n"
    "                spec = finder.find_spec(name, path, target)\n"
    "                if spec is not None:\n"
    "                    spec.loader = _Loader(spec.loader)\n"
    "                    return spec\n"
    "        return None\n"
    "sys.meta_path.insert(0, _Hook())\n"
)


def _failed_ids(output: str) -> set[str]:
    return set(re.findall(r"^FAILED (\S+::\S+)", output, flags=re.MULTILINE))


def test_the_reference_solution_gets_full_marks_every_time_with_canaries(
    grade_with, kv_store, kv_image, engine
):
    known = {case.node_id for case in kv_store.tests}
    seen: set[str] = set()
    for _ in range(HONEST_ROUNDS):
        card = grade_with(kv_store.root / "solution", kv_store, kv_image)
        assert card.outcome == "passed", card.reason
        assert card.tests.score == card.tests.max_score == 75
        assert not any(flag.kind == "tamper" for flag in card.flags)
        canaries = {node_id for node_id in _failed_ids(card.tests.output_excerpt)} - known
        assert len(canaries) >= 3, card.tests.output_excerpt[-2000:]  # ==, raises, approx (+1)
        seen |= canaries
    assert len(seen) > 3 * HONEST_ROUNDS  # names are drawn again for every run


@pytest.mark.parametrize(
    ("name", "attack"),
    [
        ("always-equal-objects", ALWAYS_YES),
        ("always-equal-and-lying-helpers", ALWAYS_YES + LYING_HELPERS),
        ("swaps-test-code-from-an-import-hook", SWAPS_TEST_CODE),
    ],
)
def test_row_27_generic_forgery_makes_a_canary_pass_and_is_caught(
    hostile_repo, grade_with, kv_store, kv_image, name, attack
):
    repo = hostile_repo({"kvstore.py": _starter_with(attack)}, base="starter", name=name)
    card = grade_with(repo, kv_store, kv_image)
    assert_caught_by_a_canary(card)
