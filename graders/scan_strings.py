"""Constant strings as the code builds them, so that the static scan sees the names it uses.

``getattr(pytest, "rai" + "ses")``, ``__import__("".join(["_py", "test"]))`` and
``codecs.decode("clgrfg", "rot13")`` name pytest as plainly as ``pytest.raises`` does, once the
constants are folded. The resolver folds what the syntax tree alone decides: literals,
concatenation and repetition, f-strings of constants, ``str.join`` of constant lists, slices,
``chr``, simple string methods, base64/base32/base16/base85 and rot13 decoding, ``bytes``
decoding, and module-level names bound once to such a value. Anything else is unknown (None);
nothing is ever executed. Depth and length are bounded, so a 100,000-term expression costs a
bounded walk and gives up rather than recursing until the interpreter stops.
"""

from __future__ import annotations

import ast
import base64
import binascii
import codecs
from collections import Counter
from collections.abc import Callable

MAX_DEPTH = 60
MAX_LENGTH = 20_000
BUDGET = 2_000_000
"""Characters one module's folding may produce in all; past it everything is unknown, so a
file built to make the fold slow costs a bounded time."""

Value = str | bytes

_DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "b64decode": base64.b64decode, "urlsafe_b64decode": base64.urlsafe_b64decode,
    "standard_b64decode": base64.standard_b64decode, "b32decode": base64.b32decode,
    "b16decode": base64.b16decode, "b85decode": base64.b85decode, "a85decode": base64.a85decode,
    "decodebytes": base64.decodebytes, "unhexlify": binascii.unhexlify,
    "a2b_base64": binascii.a2b_base64, "a2b_hex": binascii.a2b_hex,
}  # fmt: skip
_STR_METHODS = {"upper", "lower", "strip", "lstrip", "rstrip", "title", "capitalize", "swapcase"}
_ROT13 = {"rot13", "rot_13"}
_BYTE_CODECS: dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]] = {
    "base64": (base64.decodebytes, base64.encodebytes),
    "base_64": (base64.decodebytes, base64.encodebytes),
    "base64_codec": (base64.decodebytes, base64.encodebytes),
    "hex": (binascii.unhexlify, binascii.hexlify),
    "hex_codec": (binascii.unhexlify, binascii.hexlify),
}


def decoder_name(call: ast.Call) -> str | None:
    """``b64decode`` for ``base64.b64decode(...)`` or ``b64decode(...)``: a decoding call."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name if name in _DECODERS else None


def module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level names bound exactly once, by a plain assignment, to their expression."""
    counts: Counter[str] = Counter()
    bound: dict[str, ast.expr] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] += 1
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            bound[statement.targets[0].id] = statement.value
    return {name: value for name, value in bound.items() if counts[name] == 1}


class Resolver:
    """Folds constant string expressions of one module."""

    def __init__(self, constants: dict[str, ast.expr] | None = None) -> None:
        self.constants = constants or {}
        self.budget = BUDGET
        self._known: dict[int, Value | None] = {}
        self._nodes: list[ast.AST] = []  # keeps the ids in _known from being reused

    def text(self, node: ast.AST) -> str | None:
        """The string ``node`` always evaluates to, if the syntax decides it."""
        value = self.value(node)
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        return value

    def value(self, node: ast.AST, depth: int = 0) -> Value | None:
        """The str or bytes ``node`` always evaluates to, or None when unknown."""
        if id(node) in self._known:
            return self._known[id(node)]
        if depth > MAX_DEPTH or self.budget <= 0:
            return None
        try:
            found = self._value(node, depth + 1)
        except (ValueError, TypeError, UnicodeError, LookupError, OverflowError):
            found = None
        if found is not None and len(found) > MAX_LENGTH:
            found = None
        self.budget -= len(found) if found is not None else 1
        self._known[id(node)] = found
        self._nodes.append(node)
        return found

    def _value(self, node: ast.AST, depth: int) -> Value | None:
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str | bytes) else None
        if isinstance(node, ast.Name):
            bound = self.constants.get(node.id)
            return None if bound is None else self.value(bound, depth)
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, depth)
        if isinstance(node, ast.BinOp):
            return self._binop(node, depth)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return self._slice(node.value, node.slice, depth)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        return None

    def _fstring(self, node: ast.JoinedStr, depth: int) -> str | None:
        parts = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.format_spec is not None:
                    return None
                inner = self.value(part.value, depth)
                if inner is None:
                    return None
                parts.append(_converted(inner, part.conversion))
            else:
                text = self.value(part, depth)
                if not isinstance(text, str):
                    return None
                parts.append(text)
        return "".join(parts)

    def _binop(self, node: ast.BinOp, depth: int) -> Value | None:
        if isinstance(node.op, ast.Add):
            left, right = self.value(node.left, depth), self.value(node.right, depth)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            if isinstance(left, bytes) and isinstance(right, bytes):
                return left + right
            return None
        if isinstance(node.op, ast.Mult):
            text, times = node.left, node.right
            if isinstance(text, ast.Constant) and isinstance(text.value, int):
                text, times = times, text
            count = times.value if isinstance(times, ast.Constant) else None
            base = self.value(text, depth)
            if base is None or not isinstance(count, int) or isinstance(count, bool):
                return None
            return base * count if len(base) * max(count, 0) <= MAX_LENGTH else None
        return None

    def _slice(self, sliced: ast.expr, where: ast.Slice, depth: int) -> Value | None:
        base = self.value(sliced, depth)
        bounds = []
        for part in (where.lower, where.upper, where.step):
            bound = _integer(part) if part is not None else None
            if part is not None and bound is None:
                return None
            bounds.append(bound)
        return None if base is None else base[slice(*bounds)]

    def _call(self, node: ast.Call, depth: int) -> Value | None:
        func, args = node.func, node.args
        if isinstance(func, ast.Name) and func.id == "chr" and len(args) == 1:
            code = _integer(args[0])
            return chr(code) if code is not None else None
        if not isinstance(func, ast.Attribute):
            return self._decoded(node, depth) if decoder_name(node) else None
        if func.attr == "join" and len(args) == 1:
            return self._join(func.value, args[0], depth)
        if decoder_name(node):
            return self._decoded(node, depth)
        codec_call = isinstance(func.value, ast.Name) and func.value.id == "codecs"
        if codec_call and func.attr in {"decode", "encode"} and len(args) >= 2:
            return self._codecs(func.attr, args[0], args[1], depth)
        base = self.value(func.value, depth)
        if base is None:
            return None
        if func.attr in {"decode", "encode"} and len(args) <= 1:
            encoding = self.text(args[0]) if args else "utf-8"
            if encoding is None:
                return None
            return base.decode(encoding) if isinstance(base, bytes) else base.encode(encoding)
        if func.attr in _STR_METHODS and not args and isinstance(base, str):
            return str(getattr(base, func.attr)())
        if func.attr == "replace" and len(args) == 2 and isinstance(base, str):
            old, new = self.value(args[0], depth), self.value(args[1], depth)
            if isinstance(old, str) and isinstance(new, str):
                return base.replace(old, new)
        return None

    def _join(self, separator: ast.expr, items: ast.expr, depth: int) -> Value | None:
        glue = self.value(separator, depth)
        if isinstance(items, ast.Call) and isinstance(items.func, ast.Name):
            if items.func.id == "map" and len(items.args) == 2:
                mapped = items.args[0]
                if isinstance(mapped, ast.Name) and mapped.id == "chr":
                    codes = _elements(items.args[1])
                    chars = [_integer(code) for code in codes] if codes is not None else None
                    if chars is None or any(c is None for c in chars) or not isinstance(glue, str):
                        return None
                    return glue.join(chr(c) for c in chars if c is not None)
            if items.func.id in {"reversed", "list", "tuple"} and len(items.args) == 1:
                whole = self.value(items.args[0], depth)
                if isinstance(whole, str) and isinstance(glue, str):
                    parts = list(whole)
                    return glue.join(parts[::-1] if items.func.id == "reversed" else parts)
            return None
        elements = _elements(items)
        if glue is None or elements is None:
            return None
        values = [self.value(element, depth) for element in elements]
        if isinstance(glue, str) and all(isinstance(v, str) for v in values):
            return glue.join(v for v in values if isinstance(v, str))
        if isinstance(glue, bytes) and all(isinstance(v, bytes) for v in values):
            return glue.join(v for v in values if isinstance(v, bytes))
        return None

    def _decoded(self, node: ast.Call, depth: int) -> bytes | None:
        name = decoder_name(node)
        if name is None or not node.args:
            return None
        data = self.value(node.args[0], depth)
        if data is None:
            return None
        return _DECODERS[name](data.encode("ascii") if isinstance(data, str) else data)

    def _codecs(
        self, way: str, data_node: ast.expr, codec_node: ast.expr, depth: int
    ) -> Value | None:
        """``codecs.decode``/``encode`` with rot13 (its own inverse) or a bytes codec."""
        data, codec = self.value(data_node, depth), self.text(codec_node)
        if data is None or codec is None:
            return None
        codec = codec.lower().replace("-", "_")
        if codec in _ROT13 and isinstance(data, str):
            return str(codecs.decode(data, "rot13"))
        if codec in _BYTE_CODECS:
            decode, encode = _BYTE_CODECS[codec]
            raw = data.encode() if isinstance(data, str) else data
            return decode(raw) if way == "decode" else encode(raw)
        return None


def _converted(value: Value, conversion: int) -> str:
    """An f-string field as the interpreter shows it: ``!r``, ``!a`` or plain."""
    if conversion == ord("r"):
        return repr(value)
    if conversion == ord("a"):
        return ascii(value)
    return str(value)


def _integer(node: ast.expr) -> int | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _integer(node.operand)
        return -inner if inner is not None else None
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _elements(node: ast.expr) -> list[ast.expr] | None:
    return list(node.elts) if isinstance(node, ast.List | ast.Tuple) else None
