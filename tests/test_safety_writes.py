"""Issue 12, every write safe and `fix` writes only what it is sure of: the hostile trial's
reproductions for fix, -o, report -o, import -o, --xlsx-out and baselines."""
from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from test_safety_reads import G, run

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (device nodes, other owners)")
FIXABLE = "project: 测试\nindicators:\n  - {l1: 产出指标, l2: 数量指标, name: 培训人数, target: \">=5.00(人)\"}\n"


@pytest.fixture()
def work(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "g.yaml").write_text(G, encoding="utf-8")
    monkeypatch.setenv("INDLINT_NO_CACHE", "1")
    return tmp_path


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if "indlint" in p.name and p.name.endswith("tmp")
            or p.name.startswith("tmp")]


# ---- fix: what it writes ------------------------------------------------------------------------

def test_fix_patches_an_aliased_row_once_and_keeps_the_comment(work):
    form = work / "a.yaml"
    form.write_text("project: 测试\nindicators:\n"
                    "  - &r {l1: 产出指标, l2: 数量指标, name: 培训人数, target: 5.00(人)}\n"
                    "  # 备注：联系电话见附件\n"
                    "  - *r\n", encoding="utf-8")
    done = run("fix", form.name, cwd=work)
    assert done.returncode == 0, done.stderr
    text = form.read_text(encoding="utf-8")
    assert "target: 5人}" in text and "  # 备注：联系电话见附件\n" in text and "  - *r\n" in text


BIG5 = ("project: 測試\nindicators:\n  - {l1: 產出指標, l2: 數量指標, name: 培訓人數, "
        "target: \"5.00(人)\"}\n").encode("big5")
#: Valid both as Big5 and as GB18030, with none of the form's Chinese words in either reading.
AMBIGUOUS = b"project: x\nindicators:\n  - {l1: a, l2: b, name: \xb4\xfa\xb8\xd5, target: \">=5.00(\xa4H)\"}\n"


def test_a_big5_form_is_read_and_fixed_as_big5(work):
    form = work / "b.yaml"
    form.write_bytes(BIG5)
    done = run("check", "--format", "json", form.name, cwd=work)
    assert "產出指標" in done.stdout or "input.inferred" not in done.stdout
    assert run("fix", form.name, cwd=work).returncode == 0
    assert form.read_bytes() == BIG5.replace(b'"5.00(\xa4H)"', '"5人"'.encode("big5"))


def test_an_ambiguous_legacy_form_gets_a_note_and_fix_refuses(work):
    form = work / "c.yaml"
    form.write_bytes(AMBIGUOUS)
    assert AMBIGUOUS.decode("big5") and AMBIGUOUS.decode("gb18030")
    done = run("check", "--format", "json", form.name, cwd=work)
    assert '"category": "input.inferred"' in done.stdout
    done = run("fix", form.name, cwd=work)
    assert done.returncode == 2 and "编码" in done.stderr
    assert form.read_bytes() == AMBIGUOUS


@pytest.mark.parametrize("encoding,bom", [("utf-16-be", b"\xfe\xff"), ("utf-16-le", b"\xff\xfe"),
                                          ("utf-8", b"\xef\xbb\xbf")])
def test_fix_keeps_the_bom_and_byte_order(work, encoding, bom):
    form = work / "u.yaml"
    form.write_bytes(bom + FIXABLE.encode(encoding))
    assert run("fix", form.name, cwd=work).returncode == 0
    assert form.read_bytes() == bom + FIXABLE.replace('">=5.00(人)"', '"≥5人"').encode(encoding)


def test_fix_exit_codes(work):
    (work / "f.yaml").write_text(FIXABLE, encoding="utf-8")
    assert run("fix", "--diff", "g.yaml", cwd=work).returncode == 0
    assert run("fix", "--diff", "f.yaml", cwd=work).returncode == 1
    assert run("fix", "f.yaml", cwd=work).returncode == 0
    assert run("fix", "f.yaml", cwd=work).returncode == 0
    assert run("fix", "absent.yaml", cwd=work).returncode == 2


def test_fix_refuses_a_read_only_file_and_a_hard_link(work):
    ro, linked = work / "ro.yaml", work / "h.yaml"
    for path in (ro, linked):
        path.write_text(FIXABLE, encoding="utf-8")
    os.chmod(ro, 0o444)
    os.link(linked, work / "h2.yaml")
    for path in (ro, linked):
        done = run("fix", path.name, cwd=work)
        assert done.returncode == 2 and path.read_text(encoding="utf-8") == FIXABLE
    assert stat.S_IMODE(ro.stat().st_mode) == 0o444
    assert (work / "h2.yaml").stat().st_ino == linked.stat().st_ino


@ROOT_ONLY
def test_fix_keeps_owner_group_and_mode(work):
    form = work / "o.yaml"
    form.write_text(FIXABLE, encoding="utf-8")
    os.chown(form, 12345, 23456)
    os.chmod(form, 0o640)
    assert run("fix", form.name, cwd=work).returncode == 0
    info = form.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (12345, 23456, 0o640)
    assert "≥5人" in form.read_text(encoding="utf-8")


def test_fix_on_a_symlink_fixes_the_target_and_keeps_the_link(work, tmp_path_factory):
    shm = Path("/dev/shm")
    other = Path(tempfile_dir(shm)) if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path_factory.mktemp("t")
    target = other / "real.yaml"
    target.write_text(FIXABLE, encoding="utf-8")
    link = work / "link.yaml"
    link.symlink_to(target)
    try:
        done = run("fix", link.name, cwd=work)
        assert done.returncode == 0, done.stderr
        assert link.is_symlink() and "≥5人" in target.read_text(encoding="utf-8")
        assert leftovers(other) == [] and leftovers(work) == []
    finally:
        target.unlink()


def tempfile_dir(base: Path) -> str:
    import tempfile
    return tempfile.mkdtemp(dir=base)


def test_an_edit_during_fix_is_not_lost(work):
    from indlint.app.fix import fix_file, write_fix
    from indlint.core.safewrite import OutputError
    from indlint.values.lexicons import load_lexicons
    from indlint.values.parse import ValueParser

    form = work / "e.yaml"
    form.write_text(FIXABLE, encoding="utf-8")
    result = fix_file(str(form), ValueParser(load_lexicons().units))
    form.write_text(FIXABLE + "# 用户刚加的一行\n", encoding="utf-8")
    with pytest.raises(OutputError, match="读取后已被修改"):
        write_fix(result)
    assert form.read_text(encoding="utf-8").endswith("# 用户刚加的一行\n")


# ---- the writer: full disks, devices, links, inputs ----------------------------------------------

@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, failing):
    from indlint.core import safewrite

    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safewrite.os, failing, full)
    with pytest.raises(safewrite.OutputError, match="磁盘空间不足|无法写入"):
        safewrite.write_file(target, "new")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def device(folder: Path, name: str, minor: int) -> Path:
    """A private copy of /dev/null (minor 3) or /dev/full (7): a broken writer must never
    replace the system's own nodes under other programs."""
    node = folder / name
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    return node


@ROOT_ONLY
@pytest.mark.parametrize("args", [["check", "g.yaml", "-o", "json:{dev}"],
                                  ["check", "g.yaml", "-o", "sarif:{dev}"],
                                  ["report", "g.yaml", "-o", "{dev}"]])
def test_a_full_device_is_written_directly_and_fails_cleanly(work, args):
    full = device(work, "full", 7)
    done = run(*[a.replace("{dev}", str(full)) for a in args], cwd=work)
    assert done.returncode in (1, 2) and "磁盘空间不足" in done.stderr
    assert stat.S_ISCHR(os.lstat(full).st_mode)


@ROOT_ONLY
@pytest.mark.parametrize("args", [["check", "g.yaml", "-o", "json:{dev}"],
                                  ["report", "g.yaml", "-o", "{dev}"],
                                  ["import", "t.txt", "-o", "{dev}"]])
def test_a_null_device_stays_a_device(work, args):
    null = device(work, "null", 3)
    (work / "t.txt").write_text("x\n", encoding="utf-8")
    run(*[a.replace("{dev}", str(null)) for a in args], cwd=work)
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_an_output_that_is_a_hard_link_of_an_input_is_refused(work):
    os.link(work / "g.yaml", work / "out.json")
    for args in (["check", "g.yaml", "-o", "json:out.json"], ["report", "g.yaml", "-o", "out.json"]):
        done = run(*args, cwd=work)
        assert done.returncode in (1, 2) and "同一个文件" in done.stderr
        assert (work / "g.yaml").read_text(encoding="utf-8") == G


def test_xlsx_out_to_a_hard_link_of_the_input_is_refused(work):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["一级指标", "二级指标", "三级指标", "年度指标值"])
    sheet.append(["产出指标", "时效指标", "工资发放及时性", "及时"])
    book.save(work / "in.xlsx")
    before = (work / "in.xlsx").read_bytes()
    os.link(work / "in.xlsx", work / "out.xlsx")
    done = run("report", "in.xlsx", "--xlsx-out", "out.xlsx", cwd=work)
    assert done.returncode != 0 and (work / "in.xlsx").read_bytes() == before


def test_a_dangling_baseline_link_is_refused_and_leaves_nothing(work, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (work / "base.json").symlink_to(elsewhere / "missing.json")
    done = run("check", "--baseline", "base.json", "g.yaml", cwd=work)
    assert done.returncode == 2
    assert list(elsewhere.iterdir()) == [] and leftovers(work) == []


def test_stdout_to_a_full_device_is_one_line_not_a_traceback(work):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "indlint", "check", "g.yaml"], cwd=work,
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=20)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.returncode == 2


# ---- no crash ends a run ---------------------------------------------------------------------------

def test_a_failing_rule_becomes_an_internal_error_finding_and_the_run_goes_on(tmp_path):
    from dataclasses import replace

    from indlint.app.run import check_paths
    from indlint.core.config import Config
    from indlint.judge.engine import build_linter

    linter = build_linter()

    class Broken:
        level = "row"

        def check_row(self, facts):
            raise ZeroDivisionError("boom")

    broken = linter.rules[0]._replace(check=Broken())
    linter = replace(linter, rules=(broken, *linter.rules[1:]))
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(G, encoding="utf-8")
    result = check_paths(linter, Config(), [str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")])
    for file in result.files:
        internal = [f for f in file.findings if f.message.startswith("内部错误，请报告")]
        assert len(internal) == 1 and "ZeroDivisionError: boom" in internal[0].message
        assert internal[0].category == "input.invalid"
        assert any(f.rule == "VL05" for f in file.findings)        # the other findings kept
