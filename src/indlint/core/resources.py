"""Find the grammar and the rule set that ship inside the package (importlib.resources)."""
from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def data_root(name: str) -> Traversable:
    """Return the packaged ``grammar`` or ``rules`` folder.

    A wheel carries them under ``indlint/_data/`` (pyproject's force-include).
    A source checkout run without installing (``PYTHONPATH=src``) has them at the
    repository root, three levels above this module.
    """
    packaged = resources.files("indlint") / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"indlint is installed without its {name}/ folder")


def read_text(name: str, *parts: str) -> str:
    """Read one packaged text file, e.g. ``read_text("grammar", "target.lark")``."""
    node = data_root(name)
    for part in parts:
        node = node / part
    return node.read_text(encoding="utf-8")
