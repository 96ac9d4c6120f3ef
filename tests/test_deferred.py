"""core/deferred.py: a module deferred while a dependency is imported loads on its first use."""
from __future__ import annotations

import json
import sys

import pytest

from indlint.core.deferred import Deferred, deferring


@pytest.fixture()
def probes(tmp_path, monkeypatch):
    """probe_user imports probe_target at its top; probe_log records each load of the target."""
    (tmp_path / "probe_log.py").write_text("loads = []\n", encoding="utf-8")
    (tmp_path / "probe_target.py").write_text(
        "import probe_log\nprobe_log.loads.append('target')\nVALUE = 42\n", encoding="utf-8")
    (tmp_path / "probe_user.py").write_text(
        "import probe_target\n\n\ndef value():\n    return probe_target.VALUE\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in ("probe_log", "probe_target", "probe_user"):
        sys.modules.pop(name, None)


def test_a_deferred_module_loads_on_first_use_and_only_then(probes):
    import probe_log

    with deferring("probe_target"):
        import probe_user
    assert probe_log.loads == [], "imported although nothing used it"
    assert "probe_target" not in sys.modules, "the stand-in must leave sys.modules"
    assert isinstance(probe_user.probe_target, Deferred)
    assert probe_user.value() == 42
    assert probe_log.loads == ["target"]
    assert sys.modules["probe_target"].VALUE == 42
    probe_user.value()
    assert probe_log.loads == ["target"], "loaded once"


def test_a_module_used_inside_the_block_is_the_real_one_afterwards(probes):
    import probe_log

    with deferring("probe_target"):
        import probe_user
        assert probe_user.value() == 42
    assert probe_log.loads == ["target"]
    assert not isinstance(sys.modules["probe_target"], Deferred)


def test_an_imported_module_is_left_as_it_is():
    with deferring("json"):
        assert sys.modules["json"] is json
    assert sys.modules["json"] is json


def test_the_import_systems_probes_do_not_load_it(probes):
    import probe_log

    with deferring("probe_target"):
        stand_in = sys.modules["probe_target"]
        assert getattr(stand_in, "__file__", None) is None
        with pytest.raises(AttributeError):
            stand_in.__path__     # noqa: B018 - a package probe: answered without a load
    assert probe_log.loads == []


def test_a_function_taken_at_import_loads_the_module_when_called(tmp_path, monkeypatch):
    """``from probe_fn_target import twice`` binds a function that imports the module when called."""
    (tmp_path / "probe_fn_log.py").write_text("loads = []\n", encoding="utf-8")
    (tmp_path / "probe_fn_target.py").write_text(
        "import probe_fn_log\nprobe_fn_log.loads.append('target')\n\n\n"
        "def twice(x):\n    return 2 * x\n", encoding="utf-8")
    (tmp_path / "probe_fn_user.py").write_text("from probe_fn_target import twice\n",
                                               encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        import probe_fn_log

        with deferring("probe_fn_target", functions={"probe_fn_target": ("twice",)}):
            import probe_fn_user
        assert probe_fn_log.loads == [] and "probe_fn_target" not in sys.modules
        assert probe_fn_user.twice(21) == 42
        assert probe_fn_log.loads == ["target"]
        assert probe_fn_user.twice(2) == 4 and probe_fn_log.loads == ["target"]
    finally:
        for name in ("probe_fn_log", "probe_fn_target", "probe_fn_user"):
            sys.modules.pop(name, None)
