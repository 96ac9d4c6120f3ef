"""Generate core/bundle.json, the packaged rules, lexicons and grammar data parsed once (core/bundle.py).

Regenerate after editing rules/ or grammar/ (a test fails while the committed copy differs):
``make bundle``, i.e. ``PYTHONPATH=src python -m indlint.judge.bundled > src/indlint/core/bundle.json``
from the repository root (or run from a package installed from the same tree). A stale copy is never used (each entry names the bytes of its sources).
"""
from __future__ import annotations

from indlint.core import bundle


def build_all() -> None:
    """Call every loader of packaged data once, building each from its sources."""
    from indlint.judge.rules import load_categories, load_profile, load_rules, profile_names
    from indlint.judge.wording import wording
    from indlint.values.comparators import load_comparators
    from indlint.values.lexicons import load_lexicons
    from indlint.values.parse import problem_examples

    # The loaders keep their results for the process: call the functions under the caches.
    lexicons = load_lexicons.__wrapped__()
    load_comparators.__wrapped__()
    wording.__wrapped__()
    problem_examples()
    load_categories()
    for name in profile_names():
        load_profile(name)
    load_rules(lexicons)


def text() -> str:
    """The bundle's text as it is committed."""
    return bundle.dumps(bundle.record(build_all))


if __name__ == "__main__":      # pragma: no cover - the maintainer's regeneration step
    import sys

    sys.stdout.write(text())
