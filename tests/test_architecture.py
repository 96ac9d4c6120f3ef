"""The pipeline is visible in the folders: imports point one way, modules stay small, docs agree.

Layers, earliest first: core → values → read → normalise → judge → output → app. A module may
import only from its own layer or an earlier one (docs/architecture.md).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

SRC = ROOT / "src" / "indlint"
LAYERS = ["core", "values", "read", "normalise", "judge", "output", "app"]
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every indlint module a file imports, at any depth (function-level imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("indlint")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            if base.startswith("indlint"):
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names
                          if (SRC.parent / f"{base}.{a.name}".replace(".", "/")).with_suffix(".py").exists()}
    return found


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in SRC.rglob("*.py")}


def test_every_module_lives_in_a_layer():
    loose = [m for m in graph() if layer_of(m) is None and m not in (
        "indlint", "indlint.__main__")]
    assert loose == []


def test_imports_point_one_way():
    back = [(m, dep) for m, deps in graph().items() for dep in deps
            if layer_of(m) is not None and layer_of(dep) is not None
            and layer_of(dep) > layer_of(m)]
    assert back == [], "back-edges (a module importing from a later layer)"


def test_no_import_cycles():
    g = graph()
    edges = {m: {d for d in deps if d in g} for m, deps in g.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(edges[node]):
            if state.get(dep) == 1 and dep != node and not node.startswith(dep + "."):
                cycles.append(stack[stack.index(dep):] + [node, dep] if dep in stack else [node, dep])
            elif dep not in state:
                visit(dep, stack + [node])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [])
    assert cycles == []


def test_no_module_is_over_the_size_limit():
    big = {str(p.relative_to(ROOT)): n for p in SRC.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert big == {}


def test_every_module_says_its_job_in_a_docstring():
    silent = [str(p.relative_to(ROOT)) for p in SRC.rglob("*.py")
              if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert silent == []


def test_architecture_doc_names_exactly_the_packages():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`indlint/([a-z_]+)/`", doc))
    real = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    real |= {f"{p.parent.name}/{p.name}" for p in SRC.glob("*/*") if (p / "__init__.py").exists()}
    assert {n for n in real if "/" not in n} == named
