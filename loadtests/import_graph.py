"""The gateway's import graph, measured from the code: units (a sub-package of ``gateway/`` or one of
its top-level modules), the imports between them (module level, in functions and under
``TYPE_CHECKING`` alike), loops, and layers (a unit's layer is one above the highest unit it imports).

``python -m loadtests.import_graph`` prints the layers, bottom first; ARCHITECTURE.md shows the same
table and ``tests/test_architecture.py`` holds the two together.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

PACKAGE = "gateway"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

Graph = dict[str, set[str]]


def unit_of(module: str, package: str = PACKAGE) -> str | None:
    """``gateway.screening.stream`` -> ``screening``; ``gateway.errors`` -> ``errors``; others -> None."""
    parts = module.split(".")
    if parts[0] != package or len(parts) < 2:
        return None
    return parts[1]


def _module_name(path: Path, root: Path) -> str:
    relative = path.relative_to(root.parent).with_suffix("")
    parts = list(relative.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)  # "from gateway import errors"


def import_graph(root: Path = ROOT) -> Graph:
    """Unit -> the other units it imports."""
    graph: Graph = {}
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        unit = unit_of(module, root.name)
        if unit is None:
            continue
        edges = graph.setdefault(unit, set())
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for target in _imported(tree, module, path.name == "__init__.py"):
            other = unit_of(target, root.name)
            if other is not None and other != unit and ((root / other).is_dir() or (root / f"{other}.py").is_file()):
                edges.add(other)
    return graph


def loops(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one unit (Tarjan), each sorted; none in a layered graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        for other in sorted(graph.get(unit, ())):
            if other not in index:
                visit(other)
                low[unit] = min(low[unit], low[other])
            elif other in stack:
                low[unit] = min(low[unit], index[other])
        if low[unit] == index[unit]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == unit:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for unit in sorted(graph):
        if unit not in index:
            visit(unit)
    return sorted(found)


def layers(graph: Mapping[str, set[str]]) -> dict[str, int]:
    """Unit -> layer (1 = imports no other unit). The graph must have no loops."""
    layer: dict[str, int] = {}

    def of(unit: str) -> int:
        if unit not in layer:
            layer[unit] = 1 + max((of(other) for other in graph.get(unit, ())), default=0)
        return layer[unit]

    for unit in graph:
        of(unit)
    return layer


def layer_table(layer: Mapping[str, int]) -> dict[int, list[str]]:
    table: dict[int, list[str]] = {}
    for unit, n in layer.items():
        table.setdefault(n, []).append(unit)
    return {n: sorted(table[n]) for n in sorted(table)}


def main() -> int:
    graph = import_graph()
    found = loops(graph)
    if found:
        for group in found:
            print("loop:", " ".join(group))
        return 1
    table = layer_table(layers(graph))
    print(f"{len(graph)} units, {sum(map(len, graph.values()))} imports between them, {len(table)} layers")
    for n, units in table.items():
        print(f"{n:2d} {' '.join(units)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
