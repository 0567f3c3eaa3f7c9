"""No import cycles inside a package: the modules of each top-level package import one way.

The walk reads every import with `ast`, including those inside functions and under
`if TYPE_CHECKING:`, resolves relative imports, and works at module granularity: a package's
`__init__` is the module `pkg`, and `from pkg import name` imports `pkg.name` when `name` is a
submodule (otherwise `pkg`). Parents imported implicitly (`pkg` for `import pkg.sub`) are not
counted, so a facade `__init__` that re-exports its submodules is not a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.conftest import REPO

Graph = Mapping[str, frozenset[str]]

# Until the issuer's "one room per domain" reshaping lands: the issuer still has cycles, and
# the CLI (which composes the issuer's services) is not held to this yet.
PACKAGES = [
    pytest.param("badges", id="badges"),
    pytest.param("keys", id="keys"),
    pytest.param("verifier", id="verifier"),
    pytest.param("cli", id="cli"),
    pytest.param("issuer", id="issuer"),
]


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(package: str, root: Path) -> dict[str, Path]:
    """Every module of `package` under `root`, by dotted name."""
    return {_module_name(path, root): path for path in sorted((root / package).rglob("*.py"))}


def _resolve(name: str, known: Mapping[str, Path]) -> str | None:
    """The longest known module that `name` (a module or a name in one) lies in."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def _imported(module: str, path: Path, known: Mapping[str, Path]) -> Iterator[str]:
    """The known modules that `module` imports anywhere in its file."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = _resolve(alias.name, known)
                if found is not None:
                    yield found
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # The package the import is relative to: the module itself for an __init__.
                parts = module.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join([*parts[:keep], *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found = submodule if submodule in known else _resolve(base, known)
                if found is not None:
                    yield found


def import_graph(package: str, root: Path = REPO) -> dict[str, frozenset[str]]:
    """Module -> the modules of the same top-level package that it imports."""
    known = _modules(package, root)
    return {module: frozenset(target for target in _imported(module, path, known)
                              if target != module)
            for module, path in known.items()}


def find_cycles(graph: Graph) -> list[list[str]]:
    """One cycle (first module repeated at the end) per strongly connected component of
    more than one module, in a stable order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(_cycle_in(graph, component) for component in components)


def _cycle_in(graph: Graph, component: set[str]) -> list[str]:
    """A shortest cycle through the component's first module (breadth first)."""
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for target in sorted(graph[node] & component):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle in the component {sorted(component)}")


@pytest.mark.parametrize("package", PACKAGES)
def test_package_has_no_import_cycle(package: str) -> None:
    cycles = find_cycles(import_graph(package))
    assert not cycles, f"import cycles in {package}: " + "; ".join(
        " -> ".join(cycle) for cycle in cycles)


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_walk_sees_every_kind_of_import(tmp_path: Path) -> None:
    _write(tmp_path, {
        "pkg/__init__.py": "from pkg.facade import name\n",
        "pkg/facade.py": "def f():\n    from . import lazy\n",
        "pkg/lazy.py": ("from typing import TYPE_CHECKING\n"
                        "if TYPE_CHECKING:\n    from .sub.deep import Thing\n"),
        "pkg/sub/__init__.py": "from .. import facade\nfrom ..lazy import x\n",
        "pkg/sub/deep.py": "import pkg.sub\nfrom pkg import name, lazy\nimport os\n",
    })
    assert import_graph("pkg", tmp_path) == {
        "pkg": frozenset({"pkg.facade"}),
        "pkg.facade": frozenset({"pkg.lazy"}),
        "pkg.lazy": frozenset({"pkg.sub.deep"}),
        "pkg.sub": frozenset({"pkg.facade", "pkg.lazy"}),
        "pkg.sub.deep": frozenset({"pkg", "pkg.sub", "pkg.lazy"}),
    }
    assert find_cycles(import_graph("pkg", tmp_path)) == [
        ["pkg", "pkg.facade", "pkg.lazy", "pkg.sub.deep", "pkg"]]


def test_a_cycle_is_named() -> None:
    graph = {"p": frozenset({"p.a"}), "p.a": frozenset({"p.b"}), "p.b": frozenset({"p.c"}),
             "p.c": frozenset({"p.a", "p.d"}), "p.d": frozenset(), "p.e": frozenset({"p.e"})}
    assert find_cycles(graph) == [["p.a", "p.b", "p.c", "p.a"]]
    assert find_cycles({"p.x": frozenset({"p.y"}), "p.y": frozenset()}) == []
