"""Checks a report (or part of one) against its TypedDict in ``gateway.report.model``: the same keys
at every level, and the right kind of value where the model says so. The report's JSON format is
these keys, so the gatherer, the renderers' test data and the model cannot drift apart unseen."""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin, get_type_hints, is_typeddict


def shape_problems(value: Any, hint: Any, where: str = "report") -> list[str]:
    """Every place ``value`` does not fit ``hint``: missing or extra keys, wrong containers or scalars."""
    if is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{where}: a {type(value).__name__}, not an object"]
        hints = get_type_hints(hint)
        problems = [f"{where}: missing {key}" for key in sorted(hints.keys() - value.keys())]
        problems += [f"{where}: unexpected {key}" for key in sorted(value.keys() - hints.keys())]
        for key in (key for key in hints if key in value):  # the model's order: the same problems in any process
            problems += shape_problems(value[key], hints[key], f"{where}.{key}")
        return problems
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        fits = [shape_problems(value, arg, where) for arg in args]
        return [] if any(not p for p in fits) else min(fits, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: a {type(value).__name__}, not a list"]
        return [p for n, item in enumerate(value) for p in shape_problems(item, args[0], f"{where}[{n}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: a {type(value).__name__}, not an object"]
        return [p for key, item in value.items() for p in shape_problems(item, args[1], f"{where}[{key!r}]")]
    if hint is type(None):
        return [] if value is None else [f"{where}: {type(value).__name__}, not null"]
    if hint is float:
        return [] if isinstance(value, int | float) and not isinstance(value, bool) else [f"{where}: not a number"]
    if hint is int:
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{where}: not an integer"]
    return [] if isinstance(value, hint) else [f"{where}: a {type(value).__name__}, not {hint.__name__}"]
