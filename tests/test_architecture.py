"""The shape of the code: no import circles, a small top level, modules read in one sitting.

The import graph is read from the source with ``ast``, so the check sees every import:
absolute and relative ones, those inside functions (lazy imports still tie two modules
together) and those under ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("survey", "analysis")
#: Modules directly in survey/; more means something wants a package of its own.
MAX_TOP_LEVEL_MODULES = 14
#: A module past this wants splitting by responsibility (STYLE.md, "Habits").
MAX_LINES = 400
#: Generated and then frozen: a migration is as long as its schema change.
NOT_COUNTED = ("survey/migrations/versions/",)


def module_files(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module of the packages by dotted name; a package is its ``__init__``."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement asks for: modules, or names in a module."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        # Relative to the package the module is in (a package's __init__ is in itself).
        base = module.split(".")
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join([*base, *([node.module] if node.module else [])])
    else:
        source = node.module or ""
    # ``from pkg import name``: the submodule pkg.name if there is one, else pkg itself.
    prefix = f"{source}." if source else ""
    return [source] + [prefix + alias.name for alias in node.names if alias.name != "*"]


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of the same packages it imports, anywhere in its source."""
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = _imported(node, module, path.name == "__init__.py")
            if isinstance(node, ast.ImportFrom):
                source, *members = names
                submodules = [name for name in members if name in modules]
                # Names that are not submodules come from the module (or package) itself.
                if len(submodules) < len(members) or not members:
                    submodules.append(source)
                names = submodules
            targets.update(name for name in names if name in modules and name != module)
        graph[module] = targets
    return graph


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, each sorted, of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def circle_through(graph: Mapping[str, Iterable[str]], component: list[str]) -> list[str]:
    """A shortest circle from the component's first module back to it, inside the component."""
    start, members = component[0], set(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, ())):
                if target not in members:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"{component} is not strongly connected")


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """One named circle per strongly connected component, e.g. 'a -> b -> a'."""
    return [" -> ".join(circle_through(graph, c)) for c in strongly_connected(graph)]


def test_the_cycle_finder_names_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"a"}}
    assert find_cycles(graph) == ["a -> b -> c -> a"]
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_sees_relative_lazy_and_package_imports(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .sub import helper\n\nVALUE = 1\n")
    (package / "sub" / "__init__.py").write_text("")
    # Inside a function, relative: a name from the package's __init__ and one from a module.
    (package / "sub" / "helper.py").write_text(
        "def later():\n    from .. import VALUE\n    from ..other import thing\n"
    )
    (package / "other.py").write_text("import pkg.sub\nfrom pkg.sub import helper\nthing = 1\n")
    graph = import_graph(module_files(tmp_path, ["pkg"]))
    assert graph == {
        "pkg": {"pkg.sub.helper"},
        "pkg.sub": set(),
        "pkg.sub.helper": {"pkg", "pkg.other"},
        "pkg.other": {"pkg.sub", "pkg.sub.helper"},
    }
    assert find_cycles(graph) == ["pkg -> pkg.sub.helper -> pkg"]
    # pkg.sub.helper -> pkg.other -> pkg.sub.helper is a second circle in the same component.
    assert strongly_connected(graph) == [["pkg", "pkg.other", "pkg.sub.helper"]]


def test_no_import_circles():
    graph = import_graph(module_files(ROOT, PACKAGES))
    assert {"survey.app", "analysis.picture"} <= graph.keys()
    assert find_cycles(graph) == []


def test_the_survey_top_level_stays_small():
    modules = sorted(path.name for path in (ROOT / "survey").glob("*.py"))
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, (
        f"{len(modules)} modules directly in survey/ (at most {MAX_TOP_LEVEL_MODULES}): "
        + ", ".join(modules)
    )


def test_no_module_is_too_long_to_read_in_one_sitting():
    too_long = {}
    for path in module_files(ROOT, PACKAGES).values():
        name = path.relative_to(ROOT).as_posix()
        if name.startswith(NOT_COUNTED):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long[name] = lines
    assert not too_long, f"modules over {MAX_LINES} lines: " + ", ".join(
        f"{name} ({lines})" for name, lines in sorted(too_long.items())
    )
