"""Issue 12, signals: SIGINT or SIGTERM to the parent alone, with -j 4, kills the workers at once,
leaves no orphan and no output file, and exits 130 / 143 without a traceback."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(),
                                reason="reads a process's children from /proc (Linux)")

ROW = "  - {l1: 产出指标, l2: 时效指标, name: 工资发放及时性%d, target: 及时}\n"


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    """Running, sleeping or waiting: a zombie or a vanished process is no longer working."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.fixture(scope="module")
def slow_folder(tmp_path_factory) -> Path:
    """Forty forms of 3,000 rows: several seconds of work for four workers."""
    folder = tmp_path_factory.mktemp("slow")
    text = "project: 测试\nindicators:\n" + "".join(ROW % i for i in range(3_000))
    for n in range(40):
        (folder / f"f{n:02d}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("signum,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("output", ["json", "text"])
def test_a_signal_to_the_parent_stops_the_workers_at_once(tmp_path, slow_folder, signum, code,
                                                          output):
    out = tmp_path / f"out.{output}"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "INDLINT_NO_CACHE": "1"}
    parent = subprocess.Popen([sys.executable, "-m", "indlint", "check", "-j", "4",
                               "-o", f"{output}:{out}", str(slow_folder)], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)      # the test can clean up after a failure
    try:
        deadline, workers = time.monotonic() + 30, set()
        while len(workers) < 4 and time.monotonic() < deadline and parent.poll() is None:
            time.sleep(0.05)
            workers = _children(parent.pid)
        assert len(workers) >= 4, "the workers never started"
        time.sleep(0.5)                                   # the workers are busy with forms
        started = time.monotonic()
        parent.send_signal(signum)                        # the parent alone, not its group
        _, stderr = parent.communicate(timeout=10)
        assert time.monotonic() - started < 5
        assert parent.returncode == code, stderr[-500:]
        assert "Traceback" not in stderr and "已中断" in stderr
        time.sleep(0.2)
        assert not [w for w in workers if _alive(w)], "workers left running"
        assert not out.exists() and not [p for p in tmp_path.iterdir() if "tmp" in p.name]
    finally:
        try:
            os.killpg(parent.pid, signal.SIGKILL)
        except OSError:
            pass
        parent.wait()


def test_ctrl_c_to_the_whole_group_prints_no_worker_traceback(tmp_path, slow_folder):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "INDLINT_NO_CACHE": "1"}
    parent = subprocess.Popen([sys.executable, "-m", "indlint", "check", "-j", "4", str(slow_folder)],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while len(_children(parent.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        os.killpg(parent.pid, signal.SIGINT)              # what Ctrl-C in a terminal does
        _, stderr = parent.communicate(timeout=10)
        assert parent.returncode == 130 and "Traceback" not in stderr, stderr[-500:]
    finally:
        try:
            os.killpg(parent.pid, signal.SIGKILL)
        except OSError:
            pass
        parent.wait()
