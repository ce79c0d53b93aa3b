"""End to end in a real editor: headless Neovim starts ``convexlint server`` for a Convex
file of a project and the test reads back the diagnostics Neovim received (issue 13).

Skipped when ``nvim`` is not installed, unless ``CONVEXLINT_REQUIRE_NVIM`` is set (``.ci/run``
installs Neovim and sets it, so CI cannot skip it silently). The Lua script uses
``vim.lsp.start_client``, which Neovim has had since 0.5 (Debian 12 ships 0.7)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURES, write_files
from test_server import MESSAGES, SCHEMA

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(NVIM is None and not os.environ.get("CONVEXLINT_REQUIRE_NVIM"), reason="nvim is not installed")


def test_neovim_receives_the_diagnostics_of_an_open_file(tmp_path):
    assert NVIM is not None, "CONVEXLINT_REQUIRE_NVIM is set but nvim is not installed"
    project = tmp_path / "app"
    write_files(project, {"convex/_generated/server.d.ts": "export {};\n", "convex/schema.ts": SCHEMA, "convex/messages.ts": MESSAGES, "package.json": "{}"})
    out = tmp_path / "diagnostics.json"
    args = [sys.executable, str(project), str(project / "convex" / "messages.ts"), str(out)]
    subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "--cmd", f"let g:convexlint_args = {json.dumps(args)}", "-c", f"luafile {FIXTURES / 'nvim_e2e.lua'}"],
        cwd=tmp_path, timeout=90, check=True, capture_output=True,
    )
    received = json.loads(out.read_text())
    assert received["ok"] is True
    by_code = {d["code"]: d for d in received["diagnostics"]}
    unknown = by_code["no-unknown-index"]
    line = MESSAGES.splitlines()[unknown["lnum"]]
    assert line[unknown["col"] : unknown["end_col"]] == '"by_room"' and unknown["source"] == "convexlint"
    assert unknown["severity"] == 1  # vim.diagnostic.severity.ERROR
    assert "require-returns-validator" in by_code
