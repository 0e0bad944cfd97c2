"""Argument checks shared by every stage."""

from __future__ import annotations

import math


def need_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected str, got {type(value).__name__}")
    return value


def need_int(value: object, name: str, *, at_least: int) -> int:
    if type(value) is bool or not isinstance(value, int):
        raise TypeError(f"{name}: expected int, got {type(value).__name__}")
    if value < at_least:
        raise ValueError(f"{name}: must be at least {at_least}, got {value}")
    return value


def need_real(value: object, name: str, *, low: float, high: float = math.inf) -> float:
    if type(value) is bool or not isinstance(value, (int, float)):
        raise TypeError(f"{name}: expected int or float, got {type(value).__name__}")
    number = float(value)
    if math.isnan(number) or math.isinf(number) or not low <= number <= high:
        raise ValueError(f"{name}: must be finite and within [{low}, {high}], got {value}")
    return number
