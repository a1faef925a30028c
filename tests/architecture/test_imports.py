"""The import graph of `src/music_minion`, read from the source (every `import` and `from ...
import` anywhere in a file, function-level ones included): the layering rules hold and no two
modules import each other, directly or in a ring.

Add a layering rule to `RULES`; a ring that is known and waiting for its fix goes to
`KNOWN_CYCLES` (listed, so it is removed once fixed).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PACKAGE = "music_minion"
SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass(frozen=True)
class Rule:
    """Modules under `source` import nothing under `forbidden` except what is under `allowed`."""

    name: str
    source: str
    forbidden: str
    allowed: tuple[str, ...] = ()

    def breaks(self, importer: str, imported: str) -> bool:
        return (
            _under(importer, self.source)
            and _under(imported, self.forbidden)
            and not any(_under(imported, a) for a in self.allowed)
        )


RULES = (
    Rule(
        "the emulator stands alone (it plays SoundCloud, so it never imports the client)",
        source="music_minion.emulator",
        forbidden="music_minion",
        allowed=("music_minion.emulator",),
    ),
)

# The layers of DESIGN.md, bottom up: a part imports only parts of lower layers (and itself), so
# parts of one layer never import each other (soundcloud/ and store/ stay apart; so do discovery/,
# library/ and export). The emulator stands apart from all of them (rule above).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__init__", "errors", "timeutil", "vocab", "urls", "words"),
    ("files",),
    ("config",),
    ("soundcloud", "store"),
    ("discovery", "library", "export"),
    ("pipeline", "sandbox", "automation"),
    ("demo",),
    ("cli", "web"),
    ("__main__",),
)


def part(module: str) -> str:
    """The top-level part of the package a module belongs to (`store`, `cli`, `vocab` …)."""
    rest = module.removeprefix(PACKAGE).lstrip(".")
    return rest.split(".", 1)[0] or "__init__"


def layer(module: str) -> int | None:
    name = part(module)
    return next((i for i, parts in enumerate(LAYERS) if name in parts), None)


# Rings outside the emulator that exist today, each as the set of its modules.
KNOWN_CYCLES: tuple[frozenset[str], ...] = ()


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _longest_known(name: str) -> str | None:
    """`name`, or the closest package above it, when it is a module of the package."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules():
            return candidate
    return None


def _imports(module: str, path: Path) -> Iterator[str]:
    """The dotted names `module` imports, relative imports resolved; `from X import Y` names X.Y
    when that is a module, else X."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield sub if sub in modules() else base


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module -> the modules of the package it imports."""
    edges: dict[str, frozenset[str]] = {}
    for module, path in modules().items():
        targets = {_longest_known(name) for name in _imports(module, path)}
        edges[module] = frozenset(t for t in targets if t is not None and t != module)
    return edges


def cycles() -> list[frozenset[str]]:
    """The rings of the graph: its strongly connected components of more than one module."""
    edges, index, low, stack, on_stack = graph(), {}, {}, [], set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            ring = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                ring.add(member)
                if member == node:
                    break
            if len(ring) > 1:
                found.append(frozenset(ring))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read():
    edges = graph()
    assert "music_minion.emulator.server" in edges
    assert "music_minion.emulator.routes" in edges["music_minion.emulator.server"]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.source)
def test_layering_rule(rule: Rule):
    broken = sorted(
        f"{importer} imports {imported}"
        for importer, targets in graph().items()
        for imported in targets
        if rule.breaks(importer, imported)
    )
    assert not broken, f"{rule.name}:\n" + "\n".join(broken)


def test_every_part_has_a_layer():
    unplaced = sorted(
        {part(m) for m in modules()} - {p for ps in LAYERS for p in ps} - {"emulator"}
    )
    assert not unplaced, f"place these parts in LAYERS: {unplaced}"


def test_parts_import_only_lower_layers():
    broken = sorted(
        f"{importer} imports {imported}"
        for importer, targets in graph().items()
        for imported in targets
        if part(importer) != part(imported)
        and "emulator" not in (part(importer), part(imported))
        and not (layer(imported) or 0) < (layer(importer) or 0)
    )
    assert not broken, "imports against the layers of DESIGN.md:\n" + "\n".join(broken)


def test_the_layer_check_sees_a_violation():
    assert layer("music_minion.store.session") == layer("music_minion.soundcloud.client")
    assert layer("music_minion.discovery.sync") > layer("music_minion.store.db")
    assert part("music_minion") == "__init__" and part("music_minion.cli.main") == "cli"


def test_no_import_cycles():
    rings = cycles()
    new = [sorted(r) for r in rings if r not in KNOWN_CYCLES]
    assert not new, f"import cycles: {new}"
    fixed = [sorted(r) for r in KNOWN_CYCLES if r not in rings]
    assert not fixed, f"these rings are gone: remove them from KNOWN_CYCLES: {fixed}"
