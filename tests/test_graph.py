"""The import-graph printer of docs/architecture.md runs and agrees with the layering."""
from __future__ import annotations

import subprocess
import sys

from indlint.core.graph import LAYERS, render


def test_graph_command_prints_every_layer_without_back_edges():
    out = subprocess.run([sys.executable, "-m", "indlint.core.graph"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert all(f"] {layer}" in out.stdout for layer in LAYERS)
    assert "app.cli -> " in out.stdout and out.stdout.rstrip().endswith("back-edges: 0")


def test_graph_marks_a_back_edge():
    text, back = render({"indlint.core.model": {"indlint.app.cli"}})
    assert back == 1 and "app.cli (!)" in text
