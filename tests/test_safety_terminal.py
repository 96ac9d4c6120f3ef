"""Issue 12, terminal safety: escape sequences in file data (cells, project names, file names,
user rules) never reach the terminal raw, on any command (check's escaping, reused)."""
from __future__ import annotations

import re

import pytest

from test_safety_reads import run, work  # noqa: F401  (fixture)

#: What may not reach a terminal from a file: C0 controls but tab and newline, DEL, C1, bidi.
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: CSI colour, clear screen, an OSC title with BEL, an 8-bit CSI and a right-to-left override.
ESC = ["\x1b[31m", "\x1b[2J", "\x1b]0;pwned\x07", "\x9b6n", "\u202e"]


def _yaml_text(s: str) -> str:
    return s.encode("unicode_escape").decode("ascii").replace("\\x1b", "\\e").replace("\\x07", "\\a")


def _form(bad: str) -> str:
    q = _yaml_text(bad)
    return (f'project: "测试{q}项目"\nkind: self-evaluation\nindicators:\n'
            f'  - {{l1: 产出指标, l2: 数量指标, name: "培训{q}人数", target: ">=5.00(人)", '
            f'actual: "5{q}人", score_max: "10", score: "8"}}\n'
            f'  - {{l1: 产出指标, l2: 时效指标, name: "发放{q}", target: "及时{q}", actual: "及时", '
            f'score_max: "10", score: "8"}}  # indlint: disable=VL05\n')


def _rule(bad: str) -> str:
    from conftest import ROOT

    text = (ROOT / "rules" / "value" / "VL05.yaml").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith(("id:", "name:", "exclusive:",
                                                                 "summary:"))]
    return f'id: ZZ01\nname: my-rule\nsummary: "摘要{_yaml_text(bad)}"\n' + "\n".join(lines) + "\n"


COMMANDS = [
    ["check", "{f}"], ["check", "--output-format", "concise", "{f}"], ["check", "--statistics", "{f}"],
    ["score", "{f}"], ["fix", "--diff", "{f}"], ["fix", "--check", "{f}"], ["fix", "{f}"],
    ["report", "-o", "r.html", "{f}"], ["import", "{f}"], ["import", "{f}", "-o", "i.yaml"],
    ["rules"], ["explain", "ZZ01"], ["check", "--baseline", "b.json", "{f}"],
]


@pytest.mark.parametrize("bad", ESC, ids=["csi", "clear", "osc-title", "c1-csi", "bidi"])
@pytest.mark.parametrize("in_name", [False, True], ids=["in-cells", "in-file-name"])
def test_no_command_prints_file_data_raw(work, bad, in_name):
    name = f"e{bad}.yaml" if in_name else "e.yaml"
    (work / "my").mkdir()
    (work / "my" / "ZZ01.yaml").write_text(_rule(bad), encoding="utf-8")
    (work / "indlint.yaml").write_text("rule-paths: [my]\n", encoding="utf-8")
    for command in COMMANDS:
        (work / name).write_text(_form(bad), encoding="utf-8")
        done = run(*[a.replace("{f}", name) for a in command], cwd=work, timeout=60)
        assert done.returncode in (0, 1, 2), (command, done.stderr[-300:])
        shown = done.stdout + done.stderr
        assert not RAW.search(shown), (command, RAW.search(shown), shown[-400:])


def _run_on_a_terminal(args, cwd) -> str:
    """indlint with a pseudo-terminal as stdout and stderr (click strips nothing there)."""
    import os
    import pty
    import subprocess
    import sys

    main, child = pty.openpty()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "indlint", *args], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=child, stderr=child)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:                 # EIO: the child side is closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("command", [["check", "e.yaml"], ["score", "e.yaml"],
                                     ["fix", "--diff", "e.yaml"], ["rules"], ["explain", "ZZ01"]],
                         ids=["check", "score", "fix", "rules", "explain"])
def test_on_a_terminal_colour_codes_from_a_file_are_escaped(work, command):
    (work / "my").mkdir()
    (work / "my" / "ZZ01.yaml").write_text(_rule("\x1b[31m"), encoding="utf-8")
    (work / "indlint.yaml").write_text("rule-paths: [my]\n", encoding="utf-8")
    (work / "e.yaml").write_text(_form("\x1b[31m"), encoding="utf-8")
    shown = _run_on_a_terminal(command, work)
    # The value shows escaped (the diff shows the file's own YAML escape \e); never raw.
    assert ("\\x1b[31m" in shown or "\\e[31m" in shown) and "\x1b" not in shown, shown[-400:]


_HOSTILE = ["plain 文字", "tab\there", "line\nbreak", "bell\x07", "esc\x1b[31m", "del\x7f",
            "c1\x85", "bidi\u202etxt", "isolate\u2066x", "lone\udce4\udcb8\udcad", "nbsp\xa0",
            "wide\u3000space", "zero\u200bwidth", ""]


@pytest.mark.parametrize("text", _HOSTILE, ids=range(len(_HOSTILE)))
def test_the_fast_text_path_escapes_exactly_as_field_by_field(text):
    """report.full_text and the one-test fast path of text_lines / concise_line give the bytes of
    escaping each field apart (core.safeio.printable), whatever a field holds."""
    from indlint.core.model import Finding, Severity
    from indlint.core.safeio import printable
    from indlint.output.report import concise_line, full_text, text_lines

    def slow(f: Finding) -> list[str]:
        place = f" ({f.cell or f.location})" if f.cell or f.location else ""
        head = (f"{printable(f'{f.path}:{f.line}:{f.column}{place}:')} {printable(f.rule)} "
                f"[{f.severity.value}]")
        row = f"第{f.row}行 " if f.row else ""
        return [f"{head} {printable(row + f.message)}"] + (
            [printable(f"    建议：{f.suggestion}")] if f.suggestion else [])

    variants = [dict(path=f"a{text}.yaml"), dict(rule=f"R{text}"), dict(message=text),
                dict(suggestion=text), dict(cell=text), dict(location=text), dict(project=text)]
    for change in variants:
        fields = dict(path="a.yaml", form=0, project="项目", row=3, indicator="指标", line=4,
                      column=5, rule="VL03", category="value.x", severity=Severity.WARNING,
                      message="消息", suggestion="建议")
        f = Finding(**{**fields, **change})
        assert text_lines(f) == slow(f)
        assert full_text([f, f]) == "".join(line + "\n" for line in slow(f) + slow(f))
        project = f"「{f.project}」" if f.project else ""
        assert concise_line(f) == slow(Finding(**{**fields, **change, "row": None,
                                                   "message": project + "第3行 " + f.message,
                                                   "suggestion": ""}))[0]
    assert printable(text) == text or not text.isprintable()
