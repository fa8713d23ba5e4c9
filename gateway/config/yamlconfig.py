"""YAML loading that remembers where every value came from.

Settings and policy files are validated with pydantic; this module turns a
pydantic error location (``("providers", "openai", "base_url")``) back into the
file, line and column a person has to fix.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from gateway.errors import ConfigError, ConfigProblem

Loc = Sequence[str | int]
M = TypeVar("M", bound=BaseModel)


class YamlDocument:
    def __init__(self, source: str, data: Any, root: yaml.Node | None) -> None:
        self.source = source
        self.data = data
        self._root = root

    @classmethod
    def load(cls, path: Path) -> YamlDocument:
        source = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ConfigError([ConfigProblem(source, "", f"cannot read file: {exc.strerror}")]) from None
        return cls.from_bytes(raw, source)

    @classmethod
    def from_bytes(cls, raw: bytes, source: str) -> YamlDocument:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = ConfigProblem(source, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
            raise ConfigError([problem]) from None
        return cls.parse(text, source)

    @classmethod
    def parse(cls, text: str, source: str) -> YamlDocument:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
            raise ConfigError([ConfigProblem(source, "", f"invalid YAML: {exc.problem}", line, col)]) from None
        except yaml.YAMLError as exc:
            raise ConfigError([ConfigProblem(source, "", f"invalid YAML: {exc}")]) from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ConfigError([ConfigProblem(source, "", "the top level must be a mapping of keys to values", 1, 1)])
        return cls(source, data, root)

    def mark(self, loc: Loc) -> tuple[int, int] | None:
        """Line and column (1-based) of the deepest node on ``loc`` that exists."""
        node = self._root
        best = _start(node)
        for part in loc:
            if node is None:
                break
            found = _child(node, part)
            if isinstance(found, tuple):  # a mapping entry: point at its key
                best, node = _start(found[0]), found[1]
            else:
                node = found
                best = _start(node) or best
        return best

    def scalar_text(self, loc: Loc) -> str | None:
        """The source text of a plain scalar (so `version: 1.10` stays "1.10", not 1.1)."""
        node: yaml.Node | None = self._root
        for part in loc:
            found = _child(node, part) if node is not None else None
            node = found[1] if isinstance(found, tuple) else found
        return node.value if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else None


def _start(node: yaml.Node | None) -> tuple[int, int] | None:
    return (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else None


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.Node] | yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if str(key_node.value) == str(part):
                return key_node, value_node
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None


class LocatedError(ValueError):
    """Raised by cross-field validators to point at the key at fault, not the section."""

    def __init__(self, message: str, *loc: str | int, related: Sequence[Loc] = ()) -> None:
        super().__init__(message)
        self.loc = loc
        # Other keys (relative to the validated section) whose values led to the error.
        self.related = tuple(tuple(r) for r in related)


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# (location of the error, keys whose values led to it) -> (source, line, column)
Locator = Callable[[Loc, list[tuple[str | int, ...]]], tuple[str, int | None, int | None]]


def validate(model: type[M], data: Any, locate: Locator) -> M:
    """Validate ``data`` as ``model``; every error names its source, line and key."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False, include_input=False):
            # pydantic adds "function-..." for validators and "[key]" for a bad mapping key: not keys in the file.
            section = [
                p for p in err["loc"] if not (isinstance(p, str) and (p.startswith("function-") or p == "[key]"))
            ]
            cause = err.get("ctx", {}).get("error")
            loc: list[str | int] = list(section)
            related: list[tuple[str | int, ...]] = [tuple(section)] if section else []
            if isinstance(cause, LocatedError):
                loc += cause.loc
                related += [(*section, *r) for r in cause.related]
            source, line, col = locate(loc, related)
            message = _humanize(err["type"], err["msg"])
            if err["type"] == "extra_forbidden":
                message += _spelling_hint(model, loc)
            problems.append(ConfigProblem(source, dotted(loc), message, line, col))
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))  # in the order a reader meets them
        raise ConfigError(problems) from None


def _spelling_hint(model: type[BaseModel], loc: Loc) -> str:
    """ "; did you mean 'approved_tools'?" for a misspelt key, from the keys allowed there."""
    if not loc or not isinstance(loc[-1], str):
        return ""
    allowed = _keys_at(model, loc[:-1])
    close = difflib.get_close_matches(loc[-1], allowed, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; allowed here: {', '.join(allowed)}" if allowed else " (check the spelling; see the documented schema)"


def _keys_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the schema allows at ``loc`` (walking fields, lists and mappings)."""
    kind: Any = model
    for part in loc:
        kind = _unwrap(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            field = kind.model_fields.get(str(part))
            if field is None:
                return []
            kind = field.annotation
        else:
            args = [a for a in typing.get_args(kind) if a is not Ellipsis]
            if not args:
                return []
            kind = args[-1]  # tuple[X, ...], list[X] or dict[K, X]: the item's type
    kind = _unwrap(kind)
    return list(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else []


def _unwrap(kind: Any) -> Any:
    """``X | None`` -> ``X``."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(kind) if a is not type(None)]
        return rest[0] if len(rest) == 1 else kind
    return kind


def _humanize(kind: str, msg: str) -> str:
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    return msg.removeprefix("Value error, ")
