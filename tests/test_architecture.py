"""The gateway's import graph, measured from the code (loadtests/import_graph.py): no loops between
units, at most 13 layers, and ARCHITECTURE.md's layer table is the measured one."""

from __future__ import annotations

import re
from pathlib import Path

from loadtests.import_graph import ROOT, import_graph, layer_table, layers, loops

ARCHITECTURE = ROOT.parent / "ARCHITECTURE.md"


def test_no_unit_imports_a_unit_that_imports_it_back() -> None:
    assert loops(import_graph()) == []


def test_thirteen_layers_at_most_and_the_documented_table_is_the_measured_one() -> None:
    table = layer_table(layers(import_graph()))
    assert len(table) <= 13
    measured = [f"{n:2d} {' '.join(units)}" for n, units in table.items()]
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = re.search(r"## Layers.*?```text\n(.*?)```", text, re.S)
    assert block is not None, "ARCHITECTURE.md has no layer table"
    assert block[1].splitlines() == measured


def test_the_measurement_sees_relative_imports_loops_and_imports_inside_functions(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "wing").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text("X = 1\n")
    (package / "wing" / "__init__.py").write_text("from ..base import X\n")
    (package / "wing" / "inner.py").write_text("from . import X\nfrom pkg.wing import inner\n")
    (package / "top.py").write_text("def late():\n    from pkg import wing\n    return wing\n")
    graph = import_graph(package)
    assert graph == {"base": set(), "wing": {"base"}, "top": {"wing"}}
    assert layer_table(layers(graph)) == {1: ["base"], 2: ["wing"], 3: ["top"]}
    (package / "base.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.top\n")
    assert loops(import_graph(package)) == [["base", "top", "wing"]]
