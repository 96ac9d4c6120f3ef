"""Check a job's uploads and write what the page offers: report, JSON, SARIF, YAML imports, annotated copies."""
from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Callable

from indlint import __version__
from indlint.app.serve.store import Download, Job, Upload, write_private
from indlint.core.config import Config
from indlint.core.model import Document, Finding

INTERNAL = "内部错误：检查这个文件时出错。请把文件交给 indlint 的维护人员。"
_TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json",
          ".sarif": "application/sarif+json", ".yaml": "application/x-yaml; charset=utf-8",
          ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class Checker:
    """The configuration and one linter per profile, shared by every job; one batch at a time."""

    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        self._linters: dict[str, object] = {}
        self._build = threading.Lock()
        self.busy = threading.Lock()        # two cores: batches queue rather than compete

    def profiles(self) -> list[str]:
        """The profiles a page may choose."""
        from indlint.judge.rules import profile_names

        return profile_names()

    def keep(self, profile: str, linter) -> None:
        """Use a linter already built (and checked) for a profile."""
        with self._build:
            self._linters[profile] = linter

    def linter(self, profile: str | None = None):
        """The linter of a profile (built once; the configuration's selection applies)."""
        from indlint.judge.engine import build_linter

        name = profile or self.config.profile
        with self._build:
            if name not in self._linters:
                c = self.config
                self._linters[name] = build_linter(name, c.select, c.ignore, c.severity,
                                                   c.rule_paths)
            return self._linters[name]

    def check(self, job: Job) -> list[tuple[Upload, Document, list[Finding]]]:
        """Check every upload in order, counting progress in job.done."""
        linter = self.linter(job.profile)
        results = []
        for upload in job.uploads:
            doc, findings = check_upload(linter, self.config, upload)
            results.append((upload, doc, findings))
            job.done += 1
        return results

    def run(self, job: Job) -> None:
        """Check the job and write its outputs; the job ends done or failed, never raising."""
        try:
            with self.busy:
                job.state = "running"
                results = self.check(job)
                write_outputs(job, self.linter(job.profile), results)
            job.state = "done"
        except Exception:  # noqa: BLE001 — the page gets a message, never internals
            job.state, job.message = "failed", "检查时发生内部错误，请重试；如果仍然出错，请联系维护人员。"

    def findings_json(self, job: Job) -> str:
        """The findings JSON v1 of a job's uploads (the API's answer)."""
        with self.busy:
            results = self.check(job)
            return formatted("json", self.linter(job.profile), results)


def check_upload(linter, config: Config, upload: Upload) -> tuple[Document, list[Finding]]:
    """Read and lint one upload as ``check`` does; names and messages use the client's name."""
    from indlint.judge.engine import input_invalid, selected
    from indlint.judge.suppress import apply, directive_suppressions
    from indlint.read.files import read_path

    try:
        doc = read_path(upload.path)
        ignored = config.ignored_for(upload.name)
        findings = [f for f in linter.lint(doc)
                    if not ignored or f.category == "input.invalid"
                    or selected(linter.rule(f.rule), (), ignored)]
        comments = directive_suppressions(upload.name, doc.comments)
        findings = list(apply(doc, findings, comments, set()).findings)
    except Exception:  # noqa: BLE001 — formats.md: an internal failure is one input.invalid
        doc, findings = Document(upload.path, error=INTERNAL), [input_invalid(upload.path, INTERNAL)]
    hide = _hider(upload)
    doc = replace(doc, path=upload.name, error=hide(doc.error) if doc.error else doc.error)
    return doc, [replace(f, path=upload.name, message=hide(f.message),
                         suggestion=hide(f.suggestion)) for f in findings]


def _hider(upload: Upload) -> Callable[[str], str]:
    """Replace the server's path and file name in a message by the client's name."""
    server = (upload.path, os.path.basename(upload.path))

    def hide(text: str) -> str:
        for part in server:
            text = text.replace(part, upload.name)
        return text
    return hide


def formatted(fmt: str, linter, results) -> str:
    """Every finding of a batch in one output format (as ``check -o FORMAT`` writes it)."""
    from indlint.output.report import FORMATTERS, Context, Summary

    findings = [f for _, _, fs in results for f in fs]
    summary = Summary(len(results), sum(len(d.forms) for _, d, _ in results),
                      sum(len(f.rows) for _, d, _ in results for f in d.forms),
                      tuple(u.name for u, _, _ in results))
    return FORMATTERS[fmt](findings, summary, Context(linter.rules, linter.severities, __version__))


def write_outputs(job: Job, linter, results) -> None:
    """Write the report, the findings and each file's own downloads; fill job.files/summary."""
    from indlint.output.html_report import render_report

    offer = _Offer(job)
    offer.text("report", "审核报告（HTML）", "审核报告.html",
               render_report([(u.name, d, fs) for u, d, fs in results], linter.tools))
    offer.text("json", "检查结果（JSON）", "检查结果.json", formatted("json", linter, results))
    offer.text("sarif", "检查结果（SARIF）", "检查结果.sarif", formatted("sarif", linter, results))
    for hook in BATCH_OUTPUTS:
        hook(offer, linter, results)
    job.files = [_file_entry(offer, index, *item) for index, item in enumerate(results, 1)]
    findings = [f for _, _, fs in results for f in fs]
    job.summary = {"files": len(results), "forms": sum(e["forms"] for e in job.files),
                   "rows": sum(e["rows"] for e in job.files),
                   **{s: sum(1 for f in findings if f.severity.value == s)
                      for s in ("error", "warning", "info")}}


class _Offer:
    """Writes a job's output files under server-chosen names and records them as downloads."""

    def __init__(self, job: Job):
        self.job = job

    def path_for(self, key: str, filename: str) -> str:
        return self.job.out_path(key + Path(filename).suffix.lower())

    def text(self, key: str, label: str, filename: str, text: str) -> None:
        path = self.path_for(key, filename)
        write_private(path, text.encode("utf-8"))
        self.add(key, label, filename, path)

    def add(self, key: str, label: str, filename: str, path: str) -> None:
        media = _TYPES.get(Path(filename).suffix.lower(), "application/octet-stream")
        self.job.downloads[key] = Download(key, label, filename, path, media)


def _file_entry(offer: _Offer, index: int, upload: Upload, doc: Document, findings) -> dict:
    """One uploaded file's line on the page, with its own downloads written."""
    keys = []
    for hook in FILE_OUTPUTS:
        try:
            key = hook(offer, index, upload, doc, findings)
        except Exception:  # noqa: BLE001 — one download failing must not lose the others
            key = None
        if key:
            keys.append(key)
    count = {s: sum(1 for f in findings if f.severity.value == s) for s in ("error", "warning", "info")}
    return {"name": upload.name, "forms": len(doc.forms), "rows": sum(len(f.rows) for f in doc.forms),
            "readable": doc.error is None, "message": doc.error or "", **count,
            "downloads": [{"label": offer.job.downloads[k].label,
                           "url": f"/jobs/{offer.job.id}/download/{k}"} for k in keys]}


def _stem(upload: Upload) -> str:
    return os.path.splitext(upload.name)[0] or "表格"


def yaml_import(offer: _Offer, index: int, upload: Upload, doc: Document, findings) -> str | None:
    """The YAML import of a form that is not YAML already (``indlint import``)."""
    from indlint.app.edit_cmd import document_import
    from indlint.read.text import import_text, to_yaml

    suffix = os.path.splitext(upload.path)[1]
    if suffix in (".yaml", ".yml"):
        return None
    if suffix == ".txt":
        result = import_text(Path(upload.path))
        result = replace(result, source=upload.name)
    elif doc.error is None and doc.forms:
        result = document_import(doc, upload.name)
    else:
        return None
    if not result.forms:
        return None
    key = f"yaml-{index}"
    offer.text(key, f"{upload.name} 的 YAML", f"{_stem(upload)}.yaml", to_yaml(result))
    return key


def annotated_xlsx(offer: _Offer, index: int, upload: Upload, doc: Document, findings) -> str | None:
    """The reviewer's own workbook with the findings written in (``report --xlsx-out``)."""
    from indlint.output.xlsx_annotate import annotate

    return _annotated(offer, f"xlsx-{index}", upload, doc, findings, annotate, "标注审核意见的副本")


def _annotated(offer: _Offer, key: str, upload: Upload, doc: Document, findings, annotate,
               label: str) -> str | None:
    """A copy of an upload of the key's format with the findings written in, as a download."""
    suffix = "." + key.split("-")[0]
    if not upload.path.lower().endswith(suffix) or doc.error is not None:
        return None
    filename = f"{_stem(upload)}-审核意见{suffix}"
    path = offer.path_for(key, filename)
    annotate(upload.path, path, findings)
    os.chmod(path, 0o600)
    offer.add(key, f"{upload.name} {label}", filename, path)
    return key


def findings_xlsx(offer: _Offer, linter, results) -> None:
    """Every finding of the batch on one sheet (``check -o xlsx:``), for reviewers working in Excel."""
    from indlint.output.docs import bases_of
    from indlint.output.xlsx_findings import findings_workbook, targets_in

    findings = [f for _, _, fs in results for f in fs]
    bases = bases_of(linter.rules)
    data = findings_workbook(findings, bases, targets_in(d for _, d, _ in results))
    path = offer.path_for("workbook", "审核意见.xlsx")
    write_private(path, data)
    offer.add("workbook", "全部审核意见（Excel）", "审核意见.xlsx", path)


def annotated_docx(offer: _Offer, index: int, upload: Upload, doc: Document, findings) -> str | None:
    """The reviewer's own Word form with the findings as comments (``report --docx-out``)."""
    from indlint.output.docx_annotate import annotate_docx

    return _annotated(offer, f"docx-{index}", upload, doc, findings, annotate_docx, "加批注的副本")


# Extension points. Each hook writes one more download:
#   BATCH_OUTPUTS: (offer, linter, results) -> None, once per batch;
#   FILE_OUTPUTS:  (offer, index, upload, doc, findings) -> key or None, once per uploaded file.
BATCH_OUTPUTS: list[Callable] = [findings_xlsx]
FILE_OUTPUTS: list[Callable] = [yaml_import, annotated_xlsx, annotated_docx]
