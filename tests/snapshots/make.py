"""Regenerate the output snapshots: `python tests/snapshots/make.py` (from the repository root).

Each snapshot is one command's output over the bundled corpus or the development forms, with
SOURCE_DATE_EPOCH fixed. A change of findings on purpose regenerates them in the same commit.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z

#: snapshot name → (input folder relative to the repository root, indlint arguments).
SNAPSHOTS = {
    "corpus.json": ("corpus", ["check", "--format", "json"]),
    "corpus.sarif": ("corpus", ["check", "--format", "sarif"]),
    "corpus.html": ("corpus", ["report", "-o", "-"]),
    "dev.json": ("../shared/dev/forms", ["check", "--format", "json"]),
    "dev.sarif": ("../shared/dev/forms", ["check", "--format", "sarif"]),
    "dev.html": ("../shared/dev/forms", ["report", "-o", "-"]),
}


def indlint() -> str:
    """The installed indlint beside the running interpreter (the tests use the installed package)."""
    exe = Path(sys.executable).with_name("indlint")
    return str(exe) if exe.exists() else "indlint"


def render(name: str, tmp: Path) -> bytes:
    """Run one snapshot's command from the repository root and return its output bytes."""
    folder, args = SNAPSHOTS[name]
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, INDLINT_NO_CACHE="1", NO_COLOR="1")
    env.pop("GITHUB_ACTIONS", None)
    if args[0] == "report":
        out = tmp / name
        subprocess.run([indlint(), "report", folder, "-o", str(out)], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        return out.read_bytes()
    proc = subprocess.run([indlint(), *args, "--exit-zero", folder], cwd=ROOT, env=env,
                          capture_output=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace"))
    return proc.stdout


def main() -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        for name, (folder, _) in SNAPSHOTS.items():
            if not (ROOT / folder).exists():
                print(f"skipped {name}: {folder} is absent")
                continue
            (HERE / name).write_bytes(render(name, Path(tmp)))
            print(f"wrote tests/snapshots/{name}")


if __name__ == "__main__":
    main()
