"""The on-disk cache of parsed rules and lexicons: used when fresh, rebuilt when stale, optional."""
from __future__ import annotations

import json

from indlint.core import bundle, cache
from indlint.values.lexicons import load_lexicons
from indlint.judge.rules import load_rules


def test_cache_is_written_reused_and_invalidated(tmp_path, monkeypatch):
    monkeypatch.setenv("INDLINT_CACHE_DIR", str(tmp_path))
    source = tmp_path / "source.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    calls = []

    def build():
        calls.append(1)
        return {"a": len(calls)}

    assert cache.cached_json("demo", [source], build) == {"a": 1}
    assert cache.cached_json("demo", [source], build) == {"a": 1} and len(calls) == 1
    source.write_text("a: 22\n", encoding="utf-8")             # size changes: stale
    assert cache.cached_json("demo", [source], build) == {"a": 2}


def test_corrupt_cache_falls_back(tmp_path, monkeypatch):
    monkeypatch.setenv("INDLINT_CACHE_DIR", str(tmp_path))
    source = tmp_path / "s.yaml"
    source.write_text("x", encoding="utf-8")
    key = cache.source_key("demo", [source])
    (tmp_path / f"demo-{key}.json").write_text("{not json", encoding="utf-8")
    assert cache.cached_json("demo", [source], lambda: [1, 2]) == [1, 2]
    entry = json.loads((tmp_path / f"demo-{key}.json").read_text(encoding="utf-8"))
    assert json.loads(entry["payload"]) == [1, 2] and entry["key"] == key
    assert cache.cached_json("demo", [source], lambda: 1 / 0) == [1, 2]     # read, not rebuilt


def test_rules_load_the_same_with_and_without_cache(tmp_path, monkeypatch):
    # The on-disk cache serves when the shipped bundle does not (its sources edited): no bundle.
    monkeypatch.setattr(bundle, "_entries", {})
    monkeypatch.setenv("INDLINT_NO_CACHE", "1")
    plain = load_rules(load_lexicons())
    monkeypatch.delenv("INDLINT_NO_CACHE")
    monkeypatch.setenv("INDLINT_CACHE_DIR", str(tmp_path))
    first, second = load_rules(load_lexicons()), load_rules(load_lexicons())
    assert list(first.rules) == list(plain.rules) == list(second.rules)
    assert [r.message for r in second.rules.values()] == [r.message for r in plain.rules.values()]
    assert any(p.name.startswith("rules-") for p in tmp_path.iterdir())


def test_unwritable_cache_folder_is_harmless(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("INDLINT_CACHE_DIR", str(blocker / "sub"))     # a folder under a file
    assert len(load_rules(load_lexicons()).rules) > 30
