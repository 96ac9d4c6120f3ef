"""Benchmark indlint (cold start, throughput, scaling, memory) on a synthetic corpus built from corpus/."""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus"
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
INDLINT = BIN / "indlint"
YAMLLINT = BIN / "yamllint"
GENERATOR_VERSION = 4            # bump when the generator changes: the cached corpus is rebuilt
SEED = 20260101

import yaml  # noqa: E402  (a dependency of indlint, so present wherever it is installed)

# ---- the synthetic corpus ---------------------------------------------------------------------

_CMP = re.compile(r"^(≥|>=|≤|<=|＞=|＜=|=|＝|>|<|＞|＜)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_UNIT_TAIL = re.compile(r"(\(?\s*(?:%|人次|人|次|个|场|天|家|户|项|篇|期|万元|元|小时|平方米)\)?)$")
COMPARATORS = ["≥", ">=", "≤", "<=", "=", "＝", ">", "<", "＞", ""]
UNITS = ["%", "人", "次", "个", "场", "天", "家", "户", "项", "篇", "期", "万元", "元", "人次",
         "小时", "平方米", "(次)", "(%)", "(人)"]
VAGUE = ["提升", "有所提高", "逐步完善", "明显改善", "较好", "进一步提高", "基本满意", "有效", "及时",
         "稳步推进", "按计划完成", "达到预期"]


def load_seeds() -> list[dict]:
    """Return the seed forms of corpus/*.yaml (plain dicts)."""
    forms = []
    for path in sorted(SEEDS.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        forms += data["forms"] if "forms" in data else [data]
    return forms


def name_words(forms: list[dict]) -> list[list[str]]:
    """Split every seed indicator name into words (jieba when it loads, else two-character pieces)."""
    names = sorted({str(r.get("name") or "") for f in forms for r in f["indicators"]} - {""})
    try:
        import logging

        import jieba
        jieba.setLogLevel(logging.WARNING)
        return [[w for w in jieba.lcut(n) if w.strip()] for n in names]
    except Exception:  # noqa: BLE001 — the generator only needs some split
        return [[n[i:i + 2] for i in range(0, len(n), 2)] for n in names]


class Generator:
    """Deterministic perturbed forms: file i depends only on SEED and i."""

    def __init__(self, seeds: list[dict]):
        self.seeds = seeds
        self.words = name_words(seeds)
        self.pool = {kind: [r for f in seeds if f.get("kind") == kind for r in f["indicators"]]
                     for kind in ("declaration", "self-evaluation")}

    def file(self, index: int) -> tuple[str, int, int]:
        """Return (YAML text, forms, rows) of synthetic file number index."""
        rng = random.Random(f"{SEED}:{index}")
        total = rng.randint(50, 150)                 # rows in this file; about 100 on average
        sizes = []
        while total > 0:
            n = min(total, rng.randint(8, 60))
            sizes.append(n)
            total -= n
        forms = [self.form(rng, index, i, n) for i, n in enumerate(sizes)]
        dump = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        if len(forms) == 1 and rng.random() < 0.5:
            body = forms[0]
        else:
            body = {"forms": forms}
        text = yaml.dump(body, Dumper=dump, allow_unicode=True, sort_keys=False, width=4096)
        return f"# synthetic form {index} (bench/run.py)\n{text}", len(forms), sum(sizes)

    def form(self, rng: random.Random, file_index: int, form_index: int, n: int) -> dict:
        seed = rng.choice(self.seeds)
        kind = seed.get("kind", "declaration")
        rows = [dict(r) for r in seed["indicators"]]
        if rng.random() < 0.5:
            rng.shuffle(rows)
        while len(rows) < n:
            rows.append(dict(rng.choice(self.pool[kind])))
        rows = [self.row(rng, r, kind) for r in rows[:n]]
        out = copy.deepcopy({k: v for k, v in seed.items() if k != "indicators"})
        out["project"] = f"{seed.get('project', '项目')}（{file_index}-{form_index}）"
        out["year"] = str(rng.randint(2022, 2026))
        out["indicators"] = rows
        return out

    def row(self, rng: random.Random, row: dict, kind: str) -> dict:
        row = {k: (None if v is None else str(v)) for k, v in row.items()}
        if rng.random() < 0.3:
            row["name"] = self.recombined_name(rng)
        target = row.get("target") or ""
        if rng.random() < 0.06:
            target = rng.choice(VAGUE)
        else:
            if rng.random() < 0.5:
                target = _NUMBER.sub(lambda m: self.number(rng, m.group(0)), target)
            if _NUMBER.search(target) and rng.random() < 0.25:
                target = _CMP.sub("", target)
                target = rng.choice(COMPARATORS) + target
            if _NUMBER.search(target) and rng.random() < 0.2:
                target = _UNIT_TAIL.sub("", target).rstrip() + rng.choice(UNITS)
        row["target"] = target
        if kind == "self-evaluation" and row.get("actual") and rng.random() < 0.5:
            row["actual"] = _NUMBER.sub(lambda m: self.number(rng, m.group(0)), row["actual"])
        if kind == "declaration" and rng.random() < 0.15:
            # A newer three-column row (指标性质 / 指标值 / 度量单位).
            found = re.fullmatch(r"(≥|>=|≤|<=|=|＝|>|<)?\s*(\d+(?:\.\d+)?)\s*\(?([^\d()]*)\)?", target)
            if found:
                row["nature"] = {">=": "≥", "<=": "≤", "＝": "=", None: "定量"}.get(found.group(1),
                                                                                  found.group(1))
                row["target"], row["unit"] = found.group(2), found.group(3).strip()
        return row

    def recombined_name(self, rng: random.Random) -> str:
        a, b = rng.choice(self.words), rng.choice(self.words)
        head = a[:max(1, rng.randint(1, len(a)))]
        tail = b[rng.randint(0, len(b) - 1):]
        return "".join(head + tail)[:40]

    @staticmethod
    def number(rng: random.Random, text: str) -> str:
        value = float(text) * rng.choice([0.5, 0.8, 1, 1, 1.2, 2, 10])
        if text == "100" and rng.random() < 0.7:
            return text                                # keep most 100% targets as they are
        decimals = len(text.split(".")[1]) if "." in text else 0
        return f"{value:.{decimals}f}"


def build_corpus(files: int) -> tuple[Path, list[tuple[str, int]]]:
    """Build (or reuse) bench/out/corpus-N; return the folder and [(path, rows)] in order."""
    seeds_hash = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(SEEDS.glob("*.yaml"))))
    key = f"{GENERATOR_VERSION}:{SEED}:{files}:{seeds_hash.hexdigest()[:16]}"
    folder = OUT / f"corpus-{files}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return folder, [(str(folder / p), n) for p, n in data["files"]]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    gen = Generator(load_seeds())
    listing = []
    for i in range(files):
        text, _, rows = gen.file(i)
        name = f"f{i:04d}.yaml"
        (folder / name).write_text(text, encoding="utf-8")
        listing.append((name, rows))
    manifest.write_text(json.dumps({"key": key, "files": listing}), encoding="utf-8")
    return folder, [(str(folder / p), n) for p, n in listing]


# ---- measuring a command --------------------------------------------------------------------

GNU_TIME = "/usr/bin/time"


def measure(cmd: list[str]) -> tuple[float, float, int]:
    """Run cmd; return (wall seconds, peak RSS in MiB, exit status).

    The peak RSS comes from GNU time (/usr/bin/time -f %M), which forks the command from
    its own small process. The fallback, os.wait4's ru_maxrss, is the larger of the command's
    peak and this process's RSS at the fork (Linux keeps the high-water mark across exec),
    so it is only an upper bound. Either way, worker processes count as the largest single
    process, not as their sum.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        wrapped = [GNU_TIME, "-f", "%M", "-o", out.name, *cmd] if os.access(GNU_TIME, os.X_OK) else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        lines = out.read().split()
        peak_kib = int(lines[-1]) if wrapped is not cmd and lines and lines[-1].isdigit() \
            else usage.ru_maxrss
    if code not in (0, 1):
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        print(f"    ! {' '.join(cmd[:3])} … exited {code}: {' / '.join(tail)}")
    return wall, peak_kib / 1024, code


def median_of(cmd: list[str], runs: int, warmup: bool = True) -> tuple[float, float]:
    """Return the medians of wall time and peak RSS over runs (after one untimed run)."""
    if warmup:
        measure(cmd)
    walls, rss = [], []
    for _ in range(runs):
        w, m, _ = measure(cmd)
        walls.append(w)
        rss.append(m)
    return statistics.median(walls), statistics.median(rss)


def subset(listing: list[tuple[str, int]], rows: int) -> tuple[list[str], int]:
    """The first files of the corpus that together hold about `rows` rows."""
    paths, total = [], 0
    for path, n in listing:
        if total >= rows * 0.97:
            break
        paths.append(path)
        total += n
    return paths, total


def find_yamllint() -> str | None:
    """yamllint beside this Python (the `bench` extra) or on PATH; None when it is not installed."""
    return str(YAMLLINT) if YAMLLINT.exists() else shutil.which("yamllint")


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes): other work slows every figure."""
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# ---- the report ----------------------------------------------------------------------------
# Every indlint run passes --no-respect-gitignore (bench/out/ is git-ignored: a folder walk
# would otherwise find no files) and, unless it measures the cache, --no-cache.

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="a smaller run: 100 files (about 10,000 rows), fewer repetitions")
    parser.add_argument("--serve-only", action="store_true",
                        help="only the time to check ten seed forms through indlint serve's API")
    args = parser.parse_args()
    if args.serve_only:
        report_serve(serve_api(5))
        return
    quick = args.quick
    n_files = 100 if quick else 1000
    cold_runs, tput_runs = (3, 1) if quick else (7, 3)

    if not INDLINT.exists():
        sys.exit(f"indlint is not installed beside {sys.executable}; run `make install` first")
    yl = find_yamllint()
    print(f"indlint benchmark{' (--quick)' if quick else ''} — python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, {sys.executable}")
    print(f"load average at start: {load()}")
    if yl is None:
        print("yamllint is not installed: its columns are left out "
              "(`make bench` or pip install '.[bench]' installs it)")
    t0 = time.perf_counter()
    folder, listing = build_corpus(n_files)
    rows_total = sum(n for _, n in listing)
    print(f"corpus: {folder.relative_to(ROOT)} — {len(listing)} files, {rows_total:,} indicator rows "
          f"(built or reused in {time.perf_counter() - t0:.1f} s)\n")
    ind = [str(INDLINT), "check", "--no-respect-gitignore"]
    cold = [*ind, "--no-cache"]
    r: dict = {}

    # 1. Cold start on one real seed file, cache off.
    one = min(SEEDS.glob("*.yaml"), key=lambda p: p.stat().st_size)
    one_rows = sum(len(f["indicators"]) for f in load_seeds_of(one))
    print(f"cold start: {one.relative_to(ROOT)} ({one_rows} rows), cache off, median of {cold_runs} runs")
    r["cold"] = median_of([*cold, str(one)], cold_runs)
    r["cold_yl"] = median_of([yl, "-d", "relaxed", str(one)], cold_runs) if yl else None
    side_by_side("indlint check --no-cache", r["cold"], "yamllint -d relaxed", r["cold_yl"], unit="ms")
    with tempfile.TemporaryDirectory(prefix="indlint-bench-cache-") as cache:
        line("indlint check, caches warm", median_of([*ind, "--cache-dir", cache, str(one)],
                                                      cold_runs), unit="ms")

    # 2. The whole corpus: one process without the cache, then cached (after one priming run).
    print(f"\nwhole corpus, median of {tput_runs} runs (yamllint: one run)")
    r["one"] = median_of([*cold, str(folder)], tput_runs, warmup=not quick)
    r["yl_all"] = median_of([yl, "-d", "relaxed", str(folder)], 1, warmup=False) if yl else None
    side_by_side("indlint, 1 process, no cache", r["one"], "yamllint -d relaxed", r["yl_all"],
                 rows=rows_total)
    with tempfile.TemporaryDirectory(prefix="indlint-bench-cache-") as cache:
        warm = [*ind, "--cache-dir", cache, str(folder)]
        measure(warm)                                        # fills the cache
        r["warm"] = median_of(warm, tput_runs, warmup=False)
    line("indlint, cached re-run", r["warm"], rows_total)

    # 3. --jobs: the whole corpus, and the first 10 files (small work: must not be slower).
    r["two"] = median_of([*cold, "--jobs", "2", str(folder)], tput_runs, warmup=False)
    line("indlint --jobs 2, no cache", r["two"], rows_total)
    r["jobs"] = r["one"][0] / r["two"][0]
    print(f"  --jobs 2 speed-up on the whole corpus: {r['jobs']:.2f} ×")
    small = [p for p, _ in listing[:10]]
    small_rows = sum(n for _, n in listing[:10])
    s1 = median_of([*cold, *small], 5)
    s2 = median_of([*cold, "--jobs", "2", *small], 5)
    r["jobs_small"] = s1[0] / s2[0]
    print(f"  first 10 files ({small_rows:,} rows), median of 5: 1 job {s1[0] * 1000:.0f} ms, "
          f"--jobs 2 {s2[0] * 1000:.0f} ms → {r['jobs_small']:.2f} ×\n")

    # 4. Growth with the number of rows (first files of the corpus).
    points = scaling(listing, rows_total, r["one"], cold, tput_runs, quick)

    # 5. The web API of `indlint serve`.
    r["api"] = serve_api(3 if quick else 5)
    report_serve(r["api"])

    # 6. Word, old Excel and PDF forms (start-up included).
    r["formats"] = bench_formats(cold_runs)

    # 7. Targets (issue 16, serve's of issue 17, formats' of issue 13).
    targets(r, rows_total, points, quick)
    print(f"\nload average at end: {load()}")
    if not os.access(GNU_TIME, os.X_OK):
        print(f"({GNU_TIME} not found: peak RSS from os.wait4, an upper bound that includes this "
              f"process's own size at the fork)")


def side_by_side(a_name, a, b_name, b, rows=None, unit="s") -> None:
    line(a_name, a, rows, unit)
    if b is None:
        print(f"  {b_name:<32} (not installed)")
        return
    line(b_name, b, rows, unit)
    print(f"  {'indlint / yamllint':<32} {a[0] / b[0]:7.2f} × time   {a[1] / b[1]:6.2f} × memory")


def line(name, figures, rows=None, unit="s") -> None:
    wall, rss = figures
    shown = f"{wall * 1000:7.0f} ms" if unit == "ms" else f"{wall:7.2f} s "
    rate = f"{rows / wall:9,.0f} rows/s" if rows else " " * 16
    print(f"  {name:<32} {shown} {rate}   peak {rss:6.1f} MiB")


def scaling(listing, rows_total, whole, cold, runs, quick) -> list:
    sizes = [1_000, 3_000, 10_000] if quick else [1_000, 10_000, 100_000]
    print(f"scaling: subsets of the corpus, no cache, median of {runs} runs (startup included)")
    print(f"  {'rows':>8} {'files':>6} {'wall s':>8} {'rows/s':>9} {'marginal rows/s':>16} {'peak MiB':>9}")
    points = []
    for size in sizes:
        paths, rows = subset(listing, size)
        if size >= rows_total * 0.97:                 # the whole corpus: measured above
            paths, rows = [p for p, _ in listing], rows_total
            wall, rss = whole
        else:
            wall, rss = median_of([*cold, *paths], runs, warmup=False)
        marginal = ""
        if points:
            p_rows, _, p_wall, _ = points[-1]
            marginal = f"{(rows - p_rows) / max(wall - p_wall, 1e-9):,.0f}"
        points.append((rows, len(paths), wall, rss))
        print(f"  {rows:>8,} {len(paths):>6} {wall:>8.2f} {rows / wall:>9,.0f} {marginal:>16} {rss:>9.1f}")
    print(f"  peak memory, {points[-1][1]} files / {points[0][1]} files: "
          f"{points[-1][3] / points[0][3]:.2f} ×\n")
    return points


def targets(r, rows_total, points, quick) -> None:
    c_wall, c_rss = r["cold"]
    ratio = c_wall / r["cold_yl"][0] if r["cold_yl"] else None
    tput = rows_total / r["one"][0]
    rows_ = [
        ("cold start ≤ 1.3× yamllint",
         f"{ratio:.2f}× ({c_wall * 1000:.0f} ms vs {r['cold_yl'][0] * 1000:.0f} ms)" if ratio
         else "yamllint not installed", None if ratio is None else ratio <= 1.3),
        ("cold start ≤ 40 MiB", f"{c_rss:.1f} MiB", c_rss <= 40),
        ("≥ 20,000 rows/s, 1 process", f"{tput:,.0f} rows/s", tput >= 20_000),
        ("cached re-run ≤ 1.0 s", f"{r['warm'][0]:.2f} s", r["warm"][0] <= 1.0),
        ("--jobs 2 ≥ 1.7× one job", f"{r['jobs']:.2f}×", r["jobs"] >= 1.7),
        ("--jobs 2 ≥ 0.95× on 10 files", f"{r['jobs_small']:.2f}× (median of 5)",
         r["jobs_small"] >= 0.95),
        ("serve API, 10 forms < 3 s", "not available" if r["api"] is None else f"{r['api']:.2f} s",
         None if r["api"] is None else r["api"] < 3),
    ]
    for name, (wall, limit) in r.get("formats", {}).items():
        rows_.append((f"{name} < {limit:g} s", "not measured" if wall is None else f"{wall:.2f} s",
                      None if wall is None else wall < limit))
    print("targets" + (" (--quick: indicative only)" if quick else ""))
    print(f"  {'target':<30} {'measured':<40} result")
    for name, figure, ok in rows_:
        verdict = "n/a (not measured)" if ok is None else ("met" if ok else "NOT MET")
        print(f"  {name:<30} {figure:<40} {verdict}")


def serve_api(runs: int) -> float | None:
    """Median seconds for one POST /api/check of ten seed forms (corpus/), server warmed up.

    The server runs in this process on an ephemeral loopback port, as `indlint serve` does
    (its own thread, uvicorn); the request is real HTTP. None when the serve extra is absent.
    """
    try:
        import httpx

        from indlint.app.serve.server import start_in_thread
        from indlint.app.serve.settings import Settings
    except ImportError:
        return None
    files = [(p.name, p.read_bytes()) for p in sorted(SEEDS.glob("*.yaml"))[:10]]
    running = start_in_thread(Settings(host="127.0.0.1", port=0))
    try:
        def post() -> float:
            start = time.perf_counter()
            answer = httpx.post(running.url + "/api/check", files=[("files", f) for f in files],
                                headers={"Origin": running.url}, timeout=120)
            answer.raise_for_status()
            return time.perf_counter() - start
        post()                           # the first request builds the linter (startup cost)
        return statistics.median(post() for _ in range(runs))
    finally:
        running.stop()


def report_serve(seconds: float | None) -> None:
    if seconds is None:
        print("serve API: not measured (pip install '.[serve,test]' for starlette, uvicorn, httpx)\n")
        return
    print(f"serve API: ten seed forms in one POST /api/check, median {seconds:.2f} s "
          f"(target < 3 s: {'met' if seconds < 3 else 'NOT MET'})\n")


def bench_formats(runs: int) -> dict:
    """Time `indlint check` on a typical .docx and .xls form and a 30-page PDF of forms."""
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    import make_word_pdf_xls as fx

    out = OUT / "formats"
    out.mkdir(parents=True, exist_ok=True)
    fx.make_docx(out)
    fx.make_xls(out)
    results: dict = {}
    print(f"formats: indlint check on one file, median of {runs} runs (start-up included)")
    for name, path in (("typical .docx", out / f"{fx.WORD}.docx"), ("typical .xls", out / f"{fx.XLS}.xls")):
        wall, _ = median_of([str(INDLINT), "check", "--no-cache", str(path)], runs)
        print(f"  {name:<16} {wall:7.2f} s")
        results[name] = (wall, 0.5)
    pdf = out / "forms-30-pages.pdf"
    if not pdf.exists() and fx.chromium() is not None:
        html = out / "forms-30-pages.html"
        pages = [fx.table_html(fx.classic(fx.seed_form("001", 1)), "项目支出绩效目标申报表", True)] * 10
        body = "<div style='break-after: page'></div>".join(p.split("<body>", 1)[1].rsplit("</body>", 1)[0]
                                                           for p in pages)
        html.write_text(pages[0].split("<body>", 1)[0] + "<body>" + body + "</body></html>", encoding="utf-8")
        fx.print_pdf(html, pdf)
    if pdf.exists():
        import pypdfium2  # noqa: F401 — pdfplumber's dependency, to count the pages
        count = len(pypdfium2.PdfDocument(str(pdf)))
        wall, _ = median_of([str(INDLINT), "check", "--no-cache", str(pdf)], max(1, runs // 2))
        print(f"  PDF, {count} pages   {wall:7.2f} s\n")
        results[f"{count}-page PDF"] = (wall, 10.0)
    else:
        print("  PDF: Chromium not found, not measured\n")
        results["30-page PDF"] = (None, 10.0)
    return results


def load_seeds_of(path: Path) -> list[dict]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data["forms"] if "forms" in data else [data]


if __name__ == "__main__":
    main()
