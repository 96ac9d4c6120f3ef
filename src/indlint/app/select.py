"""Which files a run checks: folder walks with exclude / extend-exclude and .gitignore, as ruff does.

Files named on the command line are checked; indlint's own files (configuration, sidecars, hook
definitions, custom rules) are never taken for forms; a named file of another type (.md,
images …) is skipped with one notice (formats.md). With --force-exclude (pre-commit, which
names every changed file) named files are filtered as a folder walk filters them: excluded,
own and unreadable types skipped silently, and a file holding no indicator table is skipped.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from indlint.read.files import READ_SUFFIXES

#: Suffixes of form types (read.files: what is read, and .doc / .wps / .et named as unreadable):
#: a folder walk takes them; a named file of one of these is read (and reported when unreadable).
WALK_SUFFIXES = READ_SUFFIXES
FORM_SUFFIXES = WALK_SUFFIXES
NOTHING = "没有可检查的文件：给出的路径中没有申报表文件（" + " ".join(WALK_SUFFIXES) + "）"
#: indlint's own files and the repository's tool files, never forms.
OWN_NAMES = frozenset({"indlint.yaml", ".indlint.yaml", "indlint-ignore.yaml",
                       ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", "pyproject.toml",
                       ".yamllint", ".yamllint.yaml", ".yamllint.yml", "action.yml", "action.yaml"})


@dataclass
class Selection:
    """The files to check, in order, and the notices for standard error."""

    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    walked: set[str] = field(default_factory=set)   # files met in a folder walk, not named


def select_files(paths, config, respect_gitignore: bool = True,
                 force_exclude: bool = False) -> Selection:
    """Expand folders and filter files as formats.md's table says.

    ``config`` is one Config for all paths, or a function giving the Config of a path (each
    file's nearest configuration: its exclude globs and rule-paths apply to it).
    """
    config_for = config if callable(config) else (lambda _path: config)
    out = Selection()
    for path in paths:
        if path == "-":
            out.files.append(path)
        elif os.path.isdir(path) and not os.path.islink(path):
            found = list(_walk(path, config_for))
            found = _not_ignored(path, found) if respect_gitignore else found
            out.files += found
            out.walked.update(found)
        elif force_exclude:
            if _walkable(path, os.path.basename(path), config_for(path)):
                out.files.append(path)
                out.walked.add(path)
        elif _own(path, config_for(path)):
            out.notes.append(f"{path}: 是 indlint 或仓库工具自己的文件，不作为申报表检查，已跳过")
        elif os.path.splitext(path)[1].lower() not in FORM_SUFFIXES and os.path.exists(path):
            out.notes.append(f"{path}: 不是申报表文件类型（YAML、xlsx、xls、csv、docx、pdf、txt），已跳过")
        else:
            out.files.append(path)
    if not out.files:
        out.notes.append(NOTHING)
    return out


def _walk(root: str, config_for):
    """Files under a folder; links to folders are not followed (no loops)."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = config_for(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not here.excludes(os.path.join(folder, d), root))
        for name in sorted(files):
            path = os.path.join(folder, name)
            if _walkable(path, name, here, root):
                yield path


def _walkable(path: str, name: str, config, root: str | None = None) -> bool:
    """Whether a walk takes a file: a readable type, not indlint's own, not excluded."""
    # ~$name.xlsx is the lock file Excel leaves beside an open workbook.
    return (name.lower().endswith(WALK_SUFFIXES) and not name.startswith("~$")
            and not _own(path, config) and not config.excludes(path, root))


def _own(path: str, config) -> bool:
    """indlint's configuration, sidecars and hook files, and the rule files of rule-paths."""
    if Path(path).name in OWN_NAMES:
        return True
    if not config.rule_paths:       # nothing to resolve links for (a walk of 1,000 files)
        return False
    real = os.path.realpath(path)
    return any(real.startswith(os.path.realpath(folder) + os.sep) for folder in config.rule_paths)


def _not_ignored(root: str, files: list[str]) -> list[str]:
    """The files git does not ignore (one `git check-ignore` call); all of them without git."""
    if not files:
        return files
    import subprocess       # only when a folder walk asks git

    absolute = [os.path.abspath(f) for f in files]
    try:        # run in the walked folder: its repository decides, whatever the current folder
        done = subprocess.run(["git", "check-ignore", "--stdin", "-z"], cwd=root,
                              capture_output=True, timeout=60,
                              input=b"\0".join(map(os.fsencode, absolute)) + b"\0")
    except (OSError, subprocess.SubprocessError):
        return files        # no git, or it hung: nothing is known to be ignored
    if done.returncode not in (0, 1):       # 128: not a repository
        return files
    # File names as bytes both ways: a name that is not UTF-8 is a name all the same.
    ignored = set(map(os.fsdecode, done.stdout.split(b"\0")))
    return [f for f, a in zip(files, absolute) if a not in ignored]
