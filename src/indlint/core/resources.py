"""Find the grammar and the rule set that ship inside the package (importlib.resources' files)."""
from __future__ import annotations

import functools
from importlib.machinery import SourceFileLoader
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def data_root(name: str) -> Traversable:
    """Return the packaged ``grammar`` or ``rules`` folder.

    A wheel carries them under ``indlint/_data/`` (pyproject's force-include).
    A source checkout run without installing (``PYTHONPATH=src``) has them at the
    repository root, three levels above this module.
    """
    packaged = package_files() / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"indlint is installed without its {name}/ folder")


@functools.lru_cache(maxsize=1)
def package_files() -> Traversable:
    """``importlib.resources.files("indlint")``.

    For a package imported from plain files (every pip install) that is the package's own
    folder, which its import spec already names: importing importlib.resources (tempfile,
    shutil, zipfile …) would add about 4 ms to a cold start (issue 16). Any other loader (a
    zip file, a frozen application) goes through importlib.resources.
    """
    import indlint

    spec = indlint.__spec__
    if isinstance(spec.loader, SourceFileLoader) and spec.origin:
        return Path(spec.origin).parent
    from importlib import resources

    return resources.files("indlint")


def read_text(name: str, *parts: str) -> str:
    """Read one packaged text file, e.g. ``read_text("grammar", "target.lark")``."""
    node = data_root(name)
    for part in parts:
        node = node / part
    return node.read_text(encoding="utf-8")
