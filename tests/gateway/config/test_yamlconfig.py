"""YAML documents that remember where each value is, and dotted key paths."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, model_validator

from gateway.config.yamlconfig import Loc, LocatedError, YamlDocument, dotted, validate
from gateway.errors import ConfigError

TEXT = """\
# a comment first
top: 1
outer:
  inner:
    leaf: x
  items:
    - first
    - name: second
      tags: [a, b]
  "quoted key": 2
  3: three
"""


@pytest.fixture
def doc() -> YamlDocument:
    return YamlDocument.parse(TEXT, "settings.yaml")


@pytest.mark.parametrize(
    ("loc", "mark"),
    [
        ((), (2, 1)),
        (("top",), (2, 1)),
        (("outer",), (3, 1)),
        (("outer", "inner"), (4, 3)),
        (("outer", "inner", "leaf"), (5, 5)),
        (("outer", "items"), (6, 3)),
        # Sequence items point at the item itself.
        (("outer", "items", 0), (7, 7)),
        (("outer", "items", 1), (8, 7)),
        (("outer", "items", 1, "name"), (8, 7)),
        (("outer", "items", 1, "tags"), (9, 7)),
        (("outer", "items", 1, "tags", 1), (9, 17)),
        (("outer", "quoted key"), (10, 3)),
        # Keys are compared as text, so an int part finds the key `3` in a mapping.
        (("outer", 3), (11, 3)),
        (("outer", "3"), (11, 3)),
        # Missing parts: the deepest node that exists.
        (("nope",), (2, 1)),
        (("outer", "nope"), (3, 1)),
        (("outer", "inner", "leaf", "deeper"), (5, 5)),
        (("outer", "items", 2), (6, 3)),
        (("outer", "items", -1), (6, 3)),
        (("outer", "items", "0"), (6, 3)),
        (("outer", "items", 1, "nope", "deeper"), (8, 7)),
    ],
)
def test_mark(doc: YamlDocument, loc: tuple[str | int, ...], mark: tuple[int, int]) -> None:
    assert doc.mark(loc) == mark


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_empty_document(text: str) -> None:
    doc = YamlDocument.parse(text, "empty.yaml")
    assert doc.data == {}
    assert doc.mark(()) is None
    assert doc.mark(("a", 0)) is None


def test_parse_keeps_source_and_data(doc: YamlDocument) -> None:
    assert doc.source == "settings.yaml"
    assert doc.data["outer"]["items"][1] == {"name": "second", "tags": ["a", "b"]}
    assert doc.data["outer"][3] == "three"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: [\n", 2, 1),
        ("a: 1\n b: 2\n", 2, 3),
        ("a: 1\n---\nb: 2\n", 2, 1),
    ],
)
def test_invalid_yaml_is_located(text: str, line: int, column: int) -> None:
    with pytest.raises(ConfigError) as info:
        YamlDocument.parse(text, "bad.yaml")
    [problem] = info.value.problems
    assert (problem.source, problem.path, problem.line, problem.column) == ("bad.yaml", "", line, column)
    assert problem.message.startswith("invalid YAML: ")
    assert str(info.value).startswith(f"bad.yaml:{line}:{column}: invalid YAML: ")


@pytest.mark.parametrize("text", ["[1, 2]\n", "hello\n", "3\n"])
def test_top_level_not_a_mapping(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        YamlDocument.parse(text, "bad.yaml")
    assert str(info.value) == "bad.yaml:1:1: the top level must be a mapping of keys to values"


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        ((), ""),
        (("listen",), "listen"),
        (("listen", "port"), "listen.port"),
        (("routes", 0), "routes[0]"),
        (("routes", 0, "provider"), "routes[0].provider"),
        (("groups", "eng", "approved_tools", 12, "models", 3), "groups.eng.approved_tools[12].models[3]"),
        (("modes", 1), "modes[1]"),
        ((0,), "[0]"),
        ((0, "a"), "[0].a"),
        (("a", "0"), "a.0"),
    ],
)
def test_dotted(loc: tuple[str | int, ...], text: str) -> None:
    assert dotted(loc) == text


# --- scalar_text ---------------------------------------------------------------------------------

SCALARS = """\
meta:
  version: 1.10
  quoted: "1.10"
  integer: 007
  flag: yes
  empty:
  nested:
    list: [1.50, {k: 2.0}]
"""


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        (("meta", "version"), "1.10"),
        (("meta", "quoted"), "1.10"),
        (("meta", "integer"), "007"),
        (("meta", "flag"), "yes"),
        (("meta", "empty"), ""),
        (("meta", "nested", "list", 0), "1.50"),
        (("meta", "nested", "list", 1, "k"), "2.0"),
        # Not a scalar, or not there.
        (("meta",), None),
        (("meta", "nested", "list"), None),
        (("meta", "nope"), None),
        (("meta", "nope", "deeper"), None),
        (("meta", "nested", "list", 5), None),
        (("meta", "version", "deeper"), None),
    ],
)
def test_scalar_text(loc: tuple[str | int, ...], text: str | None) -> None:
    doc = YamlDocument.parse(SCALARS, "s.yaml")
    assert doc.scalar_text(loc) == text


def test_scalar_text_of_an_empty_document() -> None:
    assert YamlDocument.parse("", "e.yaml").scalar_text(("a",)) is None


# --- validate ------------------------------------------------------------------------------------


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    low: int = 0
    high: int = 0

    @model_validator(mode="after")
    def _ordered(self) -> _Inner:
        if self.low > self.high:
            raise LocatedError("low must not exceed high", "low")
        return self


class _Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    ranges: list[_Inner] = []
    plain: _Inner = _Inner()

    @model_validator(mode="after")
    def _named(self) -> _Outer:
        if self.name == "bad":
            raise ValueError("name must not be 'bad'")
        return self


VALIDATE_TEXT = """\
name: x
ranges:
  - low: 1
    high: 2
  - high: 1
    low: 5
"""


def located_problems(text: str) -> tuple[list[tuple[str, str, int | None, int | None, str]], list[tuple[Any, Any]]]:
    doc = YamlDocument.parse(text, "v.yaml")
    calls: list[tuple[Any, Any]] = []

    def locate(loc: Loc, section: Loc) -> tuple[str, int | None, int | None]:
        calls.append((list(loc), list(section)))
        mark = doc.mark(loc)
        return (doc.source, *mark) if mark else (doc.source, None, None)

    with pytest.raises(ConfigError) as info:
        validate(_Outer, doc.data, locate)
    problems = [(p.source, p.path, p.line, p.column, p.message) for p in info.value.problems]
    return problems, calls


def test_validate_returns_the_model() -> None:
    doc = YamlDocument.parse(VALIDATE_TEXT.replace("low: 5", "low: 0"), "v.yaml")
    model = validate(_Outer, doc.data, lambda loc, section: ("v.yaml", None, None))
    assert [(r.low, r.high) for r in model.ranges] == [(1, 2), (0, 1)]


def test_located_error_points_below_its_section() -> None:
    problems, calls = located_problems(VALIDATE_TEXT)
    assert problems == [("v.yaml", "ranges[1].low", 6, 5, "low must not exceed high")]
    # The locator learns both the key at fault and the keys behind it (here: its section).
    assert calls == [(["ranges", 1, "low"], [("ranges", 1)])]


def test_plain_value_error_points_at_its_section() -> None:
    problems, calls = located_problems("name: bad\n")
    assert problems == [("v.yaml", "", 1, 1, "name must not be 'bad'")]
    assert calls == [([], [])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\ncolour: red\n", ("colour", 2, 1, "unknown key; allowed here: name, ranges, plain")),
        # A close match is suggested, from the keys allowed where the typo is (lists and nesting followed).
        ("name: x\nrange: []\n", ("range", 2, 1, "unknown key; did you mean 'ranges'?")),
        ("name: x\nranges:\n  - {low: 1, hihg: 2}\n", ("ranges[0].hihg", 3, 14, "unknown key; did you mean 'high'?")),
        ("name: x\nplain: {lo: 1}\n", ("plain.lo", 2, 9, "unknown key; did you mean 'low'?")),
        ("ranges: []\n", ("name", 1, 1, "required key is missing")),
        ("name: x\nplain:\n  low: two\n", ("plain.low", 3, 3, "Input should be a valid integer")),
    ],
)
def test_validate_messages(text: str, expected: tuple[str, int, int, str]) -> None:
    problems, _ = located_problems(text)
    [(source, path, line, column, message)] = problems
    assert source == "v.yaml"
    assert (path, line, column) == expected[:3]
    assert message.startswith(expected[3])
