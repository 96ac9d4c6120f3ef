"""Robustness: rewriting how labelled tables are written must not change what indlint finds (issue 11).

The rewrites are data (tests/robustness/rewrites.yaml); each names one of the small functions in
KINDS. Every labelled form (corpus/ and ../shared/dev/forms/) is rewritten into tmp_path, linted
in-process, and its findings, identified by (file, form, original row, rule, category), are
compared with those of the original file.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, shared_path

DATA = yaml.safe_load((ROOT / "tests" / "robustness" / "rewrites.yaml").read_text("utf-8"))
REWRITES = {r["id"]: r for r in DATA["rewrites"]}
KEPT_MIN, ADDED_MAX = 0.995, 0.005
ARTIFACT = ROOT / "test-artifacts" / "robustness.txt"


# ---- reading and writing declaration files: every scalar kept as the string written ----------

class _Strings(yaml.SafeLoader):
    """A loader that resolves only nulls: 1.50, 2023-01-01 and yes stay the text they were."""


_Strings.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load(path: Path) -> dict:
    return yaml.load(path.read_text("utf-8"), Loader=_Strings)


def dump(doc: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000),
                    "utf-8")


def forms_of(doc: dict) -> list[dict]:
    return doc["forms"] if "forms" in doc else [doc]


def text(row: dict, key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value)


# ---- the rewrite kinds: each returns the changed row, or None when the row is not eligible ----

@dataclass(frozen=True)
class Place:
    """Where a row sits: its 1-based position in its 二级 block, the ordinal of its l1 in the form."""

    n: int
    l1_ordinal: int


def _each_field(row: dict, spec: dict, change) -> dict | None:
    new = dict(row)
    for key in spec["fields"]:
        value = text(row, key)
        if value.strip():
            new[key] = change(value)
    return new if new != row else None


def append(row, spec, place):
    return _each_field(row, spec, lambda v: v + spec["text"])


def replace(row, spec, place):
    return _each_field(row, spec, lambda v: v.replace(spec["old"], spec["new"], spec["count"]))


def swap_chars(row, spec, place):
    table = str.maketrans({a: b for a, b in spec["pairs"]} | {b: a for a, b in spec["pairs"]})
    return _each_field(row, spec, lambda v: v.translate(table))


def translate(row, spec, place):
    return _each_field(row, spec, lambda v: v.translate(str.maketrans(spec["table"])))


def prefix(row, spec, place):
    return _each_field(row, spec, lambda v: spec["format"].format(n=place.n) + v)


def pad(row, spec, place):
    return _each_field(row, spec, lambda v: spec["left"] + v + spec["right"])


_BAND = re.compile(r"\d\s*分")


def score_band(row, spec, place):
    l1 = text(row, "l1")
    if not l1.strip() or _BAND.search(l1):
        return None
    fmt = spec["formats"][place.l1_ordinal % len(spec["formats"])]
    band = fmt.format(n=spec["scores"][place.l1_ordinal % len(spec["scores"])])
    return dict(row, l1=l1 + band)


_HAN = re.compile(r"[\u4e00-\u9fff]")     # a Chinese character


def line_break(row, spec, place):
    """A break between two Chinese characters near the middle of a long name (PDF cells wrap)."""
    def wrap(name):
        middle = len(name) // 2
        for k in sorted(range(1, len(name)), key=lambda k: abs(k - middle)):
            if _HAN.match(name[k - 1]) and _HAN.match(name[k]):
                return name[:k] + "\n" + name[k:]
        return name
    return _each_field(row, {"fields": spec["fields"]},
                       lambda v: wrap(v) if len(v) >= spec["min_chars"] else v)


_NUMBER = r"(\d+(?:\.\d+)?)"


def _unit_pattern() -> str:
    return "|".join(map(re.escape, sorted(DATA["plain_units"], key=len, reverse=True)))


def split_target(row, spec, place):
    """≥90% → nature ≥, target 90, unit %, on rows that have no nature and no unit column."""
    if text(row, "nature").strip() or text(row, "unit").strip():
        return None
    comparators = "|".join(map(re.escape, sorted(spec["natures"], key=len, reverse=True)))
    match = re.fullmatch(rf"\s*({comparators})\s*{_NUMBER}\s*(?:[(（]?({_unit_pattern()})[)）]?)?\s*",
                         text(row, "target"))
    if not match:
        return None
    fields = {"nature": spec["natures"][match.group(1)], "target": match.group(2)}
    if match.group(3):
        fields["unit"] = match.group(3)
    return _with_target(row, fields)


def merge_target(row, spec, place):
    """nature ≥, target 90, unit % → ≥90%, on rows whose nature is a comparator."""
    nature, unit = text(row, "nature").strip(), text(row, "unit").strip()
    target = text(row, "target").strip()
    if nature not in spec["natures"] or not re.fullmatch(_NUMBER, target) \
            or re.search(r"\d", unit):
        return None
    return _with_target({k: v for k, v in row.items() if k not in ("nature", "unit")},
                        {"target": spec["natures"][nature] + target + unit})


def _with_target(row: dict, fields: dict) -> dict:
    """The row with ``fields`` in place of its target, in the order a table writes them."""
    new = {}
    for key, value in row.items():
        if key == "target":
            new.update(fields)
        elif key not in fields:
            new[key] = value
    return new


def unit_into_name(row, spec, place):
    """受益人数 132人 → 受益人数(人) 132: a plain unit after a plain number, no unit column."""
    name = text(row, "name")
    if not _HAN.search(name) or name.rstrip()[-1] in ")）】]" or text(row, "unit").strip() \
            or text(row, "nature").strip():
        return None
    comparator = "[≥≤=]?" if spec.get("comparators") else ""
    match = re.fullmatch(rf"\s*({comparator}){_NUMBER}\s*({_unit_pattern()})\s*",
                         text(row, "target"))
    if not match:
        return None
    return dict(row, name=f"{name}({match.group(3)})", target=match.group(1) + match.group(2))


def chain(row, spec, place):
    """Several rewrites of one row at once, in order (real tables carry several variants)."""
    new = row
    for step in spec["steps"]:
        new = KINDS[step["kind"]](new, step, place) or new
    return new if new != row else None


KINDS = {f.__name__: f for f in (append, replace, swap_chars, translate, prefix, pad, score_band,
                                 line_break, split_target, merge_target, unit_into_name, chain)}


def shuffle(rows: list[dict], spec: dict, key: str) -> list[int]:
    """A deterministic permutation of the rows within each 二级 block (contiguous l1 and l2)."""
    order: list[int] = []
    start = 0
    while start < len(rows):
        end = start
        level = (text(rows[start], "l1"), text(rows[start], "l2"))
        while end < len(rows) and (text(rows[end], "l1"), text(rows[end], "l2")) == level:
            end += 1
        block = list(range(start, end))
        random.Random(f"{spec['seed']}:{key}:{start}").shuffle(block)
        if len(block) > 1 and block == sorted(block):
            block = block[1:] + block[:1]
        order += block
        start = end
    return order


# ---- applying a rewrite to a file, and comparing findings ------------------------------------

def rewrite_doc(doc: dict, spec: dict, name: str) -> tuple[dict, int, dict[int, list[int]]]:
    """The rewritten document, the rows touched, and per form the original index of each row."""
    touched, orders = 0, {}
    for f, form in enumerate(forms_of(doc)):
        rows = form.get("indicators") or []
        if spec["kind"] == "shuffle":
            order = shuffle(rows, spec, f"{name}:{f}")
            touched += sum(i != k for k, i in enumerate(order))
            form["indicators"] = [rows[i] for i in order]
            orders[f] = [i + 1 for i in order]
            continue
        for i, (row, place) in enumerate(zip(rows, places(rows))):
            new = KINDS[spec["kind"]](row, spec, place)
            if new is not None:
                rows[i], touched = new, touched + 1
    return doc, touched, orders


def places(rows: list[dict]) -> list[Place]:
    out, l1s, n, last = [], {}, 0, None
    for row in rows:
        level = (text(row, "l1"), text(row, "l2"))
        n = n + 1 if level == last else 1
        last = level
        out.append(Place(n, l1s.setdefault(level[0], len(l1s))))
    return out


def keys(linter, path: Path, label: str, orders: dict[int, list[int]]) -> Counter:
    from indlint.read.files import read_path

    return Counter((label, f.form, orders[f.form][f.row - 1] if f.row and f.form in orders
                    else f.row, f.rule, f.category) for f in linter.lint(read_path(str(path))))


@dataclass(frozen=True)
class Outcome:
    rewrite: str
    rows: int
    touched: int
    original: Counter
    kept: Counter
    added: Counter

    @property
    def kept_share(self) -> float:
        total = sum(self.original.values())
        return sum(self.kept.values()) / total if total else 1.0

    @property
    def added_share(self) -> float:
        return sum(self.added.values()) / max(1, sum(self.original.values()))

    @property
    def passes(self) -> bool:
        return self.kept_share >= KEPT_MIN and self.added_share <= ADDED_MAX and self.touched > 0


def compare(spec: dict, original: Counter, rewritten: Counter, rows: int, touched: int) -> Outcome:
    drop_categories = set(spec.get("exclude_categories", ()))
    marks = set(spec.get("exclude_rows_with", ()))
    marked = {k[:3] for k in original + rewritten if k[4] in marks}

    def counted(c: Counter) -> Counter:
        return Counter({k: v for k, v in c.items()
                        if k[4] not in drop_categories and k[:3] not in marked})
    before, after = counted(original), counted(rewritten)
    return Outcome(spec["id"], rows, touched, before, before & after, after - before)


def run(spec: dict, linter, files: list[Path], baseline: dict, out: Path) -> Outcome:
    out.mkdir(parents=True, exist_ok=True)
    original, rewritten, rows, touched = Counter(), Counter(), 0, 0
    for number, path in enumerate(files):
        label = path.name
        doc, count, orders = rewrite_doc(load(path), spec, label)
        target = out / f"{number:03d}-{label}"
        dump(doc, target)
        rows += sum(len(f.get("indicators") or []) for f in forms_of(doc))
        touched += count
        original += baseline[label]
        rewritten += keys(linter, target, label, orders)
    return compare(spec, original, rewritten, rows, touched)


# ---- the report ----------------------------------------------------------------------------

def table(outcomes: list[Outcome]) -> str:
    lines = [f"{'rewrite':30} {'rows touched':>14} {'findings':>8} {'kept':>6} {'kept %':>7} "
             f"{'added':>5} {'added %':>7}  status",
             "-" * 96]
    for o in outcomes:
        status = "ok" if o.passes else ("xfail" if "xfail" in REWRITES[o.rewrite] else "FAIL")
        lines.append(f"{o.rewrite:30} {o.touched:>6}/{o.rows:<7} {sum(o.original.values()):>8} "
                     f"{sum(o.kept.values()):>6} {100 * o.kept_share:>6.2f}% "
                     f"{sum(o.added.values()):>5} {100 * o.added_share:>6.2f}%  {status}"
                     + _aside(REWRITES[o.rewrite]))
    for o in outcomes:
        lines += _details(o)
    return "\n".join(lines) + "\n"


def _aside(spec: dict) -> str:
    aside = [*spec.get("exclude_categories", ()),
             *(f"rows with {c}" for c in spec.get("exclude_rows_with", ()))]
    return f" (set aside: {', '.join(aside)})" if aside else ""


def _details(o: Outcome) -> list[str]:
    lost = o.original - o.kept
    if not lost and not o.added:
        return []
    lines = [f"\n{o.rewrite}:"]
    for sign, found in (("-", lost), ("+", o.added)):
        for key, count in sorted(found.items(), key=lambda kv: (kv[0][3], kv[0][:3])):
            file, form, row, rule, category = key
            lines.append(f"  {sign} {rule} {category}  {file} form {form} row {row}"
                         + (f" ×{count}" if count > 1 else ""))
    return lines


# ---- the tests -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def files() -> list[Path]:
    dev = shared_path("dev", "forms")
    return sorted((ROOT / "corpus").glob("*.yaml")) + sorted(dev.glob("*.yaml"))


@pytest.fixture(scope="module")
def linter():
    from indlint.judge.engine import build_linter
    return build_linter()


@pytest.fixture(scope="module")
def baseline(linter, files) -> dict[str, Counter]:
    return {p.name: keys(linter, p, p.name, {}) for p in files}


@pytest.fixture(scope="module")
def outcomes(linter, files, baseline, tmp_path_factory) -> dict[str, Outcome]:
    root = tmp_path_factory.mktemp("robustness")
    results = [run(spec, linter, files, baseline, root / spec["id"]) for spec in DATA["rewrites"]]
    report = table(results)
    print("\n" + report)
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(report, "utf-8")
    return {o.rewrite: o for o in results}


def test_round_trip_changes_nothing(linter, files, baseline, tmp_path):
    """Re-writing a file with no rewrite keeps every finding: differences come from rewrites."""
    for number, path in enumerate(files):
        copy = tmp_path / f"{number:03d}-{path.name}"
        dump(load(path), copy)
        assert keys(linter, copy, path.name, {}) == baseline[path.name], path.name


def test_the_rewrites_are_known_kinds():
    for spec in DATA["rewrites"]:
        assert spec["kind"] in KINDS or spec["kind"] == "shuffle", spec["id"]


@pytest.mark.parametrize("rewrite", [
    pytest.param(r["id"], marks=pytest.mark.xfail(reason=r["xfail"], strict=True))
    if "xfail" in r else r["id"] for r in DATA["rewrites"]])
def test_rewrite_keeps_findings(outcomes, rewrite):
    o = outcomes[rewrite]
    assert o.touched > 0, f"{rewrite} touched no row"
    assert o.kept_share >= KEPT_MIN, f"{rewrite}: kept {o.kept_share:.2%}\n" + "\n".join(_details(o))
    assert o.added_share <= ADDED_MAX, \
        f"{rewrite}: added {o.added_share:.2%}\n" + "\n".join(_details(o))
