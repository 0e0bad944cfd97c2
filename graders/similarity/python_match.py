"""A ``match`` over literal values written as the ``if``/``elif`` chain it could have been.

``match x: case 1 | 2: A; case None: B; case _: C`` becomes ``if x == 1 or x == 2: A`` /
``elif x is None: B`` / ``else: C``; a guard joins its test with ``and``. A match with any
other kind of pattern (captures, classes, sequences, mappings) is left alone.
"""

from __future__ import annotations

import ast


def _test(subject: ast.expr, pattern: ast.pattern) -> ast.expr | None:
    """The comparison ``pattern`` makes of ``subject``; None for a wildcard or another kind."""
    if isinstance(pattern, ast.MatchValue):
        return ast.Compare(left=subject, ops=[ast.Eq()], comparators=[pattern.value])
    if isinstance(pattern, ast.MatchSingleton):
        return ast.Compare(left=subject, ops=[ast.Is()], comparators=[ast.Constant(pattern.value)])
    if isinstance(pattern, ast.MatchOr):
        parts = [_test(subject, option) for option in pattern.patterns]
        if all(part is not None for part in parts):
            return ast.BoolOp(op=ast.Or(), values=[p for p in parts if p is not None])
    return None


def _wildcard(case: ast.match_case) -> bool:
    pattern = case.pattern
    return isinstance(pattern, ast.MatchAs) and pattern.pattern is None and pattern.name is None


def as_if_chain(match: ast.Match) -> ast.stmt:
    """``match`` as an ``if`` chain, or ``match`` itself when its patterns do not allow it."""
    tests: list[ast.expr | None] = []
    for number, case in enumerate(match.cases):
        if _wildcard(case) and case.guard is None and number == len(match.cases) - 1:
            tests.append(None)
            continue
        test = _test(match.subject, case.pattern)
        if test is None:
            return match
        if case.guard is not None:
            test = ast.BoolOp(op=ast.And(), values=[test, case.guard])
        tests.append(test)
    orelse: list[ast.stmt] = []
    for case, test in reversed(list(zip(match.cases, tests, strict=True))):
        if test is None:
            orelse = case.body
        else:
            orelse = [
                ast.copy_location(ast.If(test=test, body=case.body, orelse=orelse), case.pattern)
            ]
    return orelse[0] if len(orelse) == 1 and isinstance(orelse[0], ast.If) else match
