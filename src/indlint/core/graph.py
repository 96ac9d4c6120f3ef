"""Print indlint's import graph by layer (``python -m indlint.core.graph``), flagging back-edges.

Only the standard library is used, so this module respects the layering it prints.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

LAYERS = ("core", "values", "read", "normalise", "judge", "output", "app")
PACKAGE = Path(__file__).resolve().parents[1]


def module_name(path: Path) -> str:
    """indlint.<layer>.<module> for a file of the package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The indlint modules a file imports, function-level imports included."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("indlint")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:    # relative import: resolve against the importing package
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            if base.startswith("indlint"):
                found.add(base)
    return found


def layer_of(module: str) -> int:
    """The layer's index, or -1 for the package root (indlint, indlint.__main__)."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else -1


def graph() -> dict[str, set[str]]:
    """Every module of the package and the indlint modules it imports."""
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def render(edges: dict[str, set[str]]) -> tuple[str, int]:
    """The graph as text, layer by layer, and the number of back-edges found."""
    lines, back = [], 0
    for index, layer in enumerate(LAYERS):
        lines.append(f"[{index}] {layer}")
        for module in sorted(m for m in edges if layer_of(m) == index):
            deps = sorted(d for d in edges[module] if d != module)
            marks = []
            for dep in deps:
                wrong = layer_of(dep) > index
                back += wrong
                marks.append(dep.removeprefix("indlint.") + (" (!)" if wrong else ""))
            lines.append(f"    {module.removeprefix('indlint.')} -> {', '.join(marks) or '-'}")
    lines.append(f"back-edges: {back}")
    return "\n".join(lines) + "\n", back


def main() -> int:
    """Print the graph; exit 1 when a module imports from a later layer."""
    text, back = render(graph())
    sys.stdout.write(text)
    return 1 if back else 0


if __name__ == "__main__":
    sys.exit(main())
