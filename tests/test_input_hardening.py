"""Hostile input must not hang or blow up a run (issue 10, items 1-3 and 15): named pipes,
files over the size limit, folders that cannot be listed, and constructs nested or
repeated tens of thousands of times. Each hang case runs the CLI in a subprocess with a
generous timeout and sizes at which the code before this change took minutes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import lint, run_cli, write_files

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import pathological  # noqa: E402

GENERATED = {"convex/_generated/server.d.ts": "export {};\n"}


def _check(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "convexlint", "check", "--no-cache", "--format", "json", *args, "convex"],
        cwd=root, capture_output=True, text=True, timeout=timeout,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_in_the_functions_directory_is_reported_not_opened(tmp_path):
    write_files(tmp_path, {**GENERATED, "convex/ok.ts": "export const a = 1;\n"})
    os.mkfifo(tmp_path / "convex" / "pipe.ts")
    r = _check(tmp_path)  # opening the pipe would block forever: the timeout fails the test
    assert r.returncode in (0, 1), r.stderr
    assert "not a regular file" in r.stdout and '"convex/pipe.ts"' in r.stdout


def test_a_file_over_the_size_limit_is_not_parsed_and_says_how_to_raise_it(tmp_path):
    write_files(tmp_path, {**GENERATED, "convex/data.ts": "export const rows = [" + "1, " * 400_000 + "];\n"})
    result = lint(["convex"], tmp_path)
    [diag] = [d for d in result.diagnostics if d.path == "convex/data.ts"]
    assert diag.rule == "file-too-large" and diag.severity.name.lower() == "info"
    assert "1.1 MiB" in diag.message and "1 MiB limit" in diag.message and "--max-file-size" in diag.message
    r = run_cli("check", "--no-cache", "--max-file-size", "2000000", "--format", "json", "convex", cwd=tmp_path)
    assert "file-too-large" not in r.stdout  # raised: the file is linted
    write_files(tmp_path, {"convexlint.yaml": "max_file_size: 100\n", "convex/small.ts": "export const a = [1, 2, 3];\n"})
    r = run_cli("check", "--no-cache", "--format", "json", "convex", cwd=tmp_path)
    assert r.stdout.count('"file-too-large"') == 1 and "100 bytes limit" in r.stdout  # small.ts is under it


def test_a_twenty_megabyte_single_line_array_finishes_at_once(tmp_path):
    write_files(tmp_path, {**GENERATED, "convex/dump.ts": "export const d = [" + "1234567890, " * 1_700_000 + "];\n"})
    r = _check(tmp_path, timeout=30)  # parsing it took 19 s and 3.9 GB before the limit
    assert r.returncode in (0, 1) and "file-too-large" in r.stdout


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path, monkeypatch):
    write_files(tmp_path, {**GENERATED, "convex/ok.ts": "export const a = 1;\n", "convex/private/x.ts": "export const b = 1;\n"})
    locked = tmp_path / "convex" / "private"
    real_scandir, real_listdir = os.scandir, os.listdir

    def deny(real):
        def call(path=".", *args):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *args)
        return call

    monkeypatch.setattr(os, "scandir", deny(real_scandir))
    monkeypatch.setattr(os, "listdir", deny(real_listdir))
    result = lint(["convex"], tmp_path)
    [diag] = [d for d in result.diagnostics if d.rule == "unreadable-file"]
    assert diag.path == "convex/private" and diag.message == "Cannot list this folder: Permission denied; nothing in it was linted."


@pytest.mark.parametrize(
    ("construct", "n"),
    [("calls", 50_000), ("chain", 40_000), ("registrations", 1_600), ("validators", 50_000)],
)
def test_pathological_nesting_finishes(tmp_path, construct, n):
    """Sizes at which the code before issue 10 ran for minutes (quadratic walks up the
    tree, tree-sitter's query past 65k levels); now each takes about a second."""
    make, _base = pathological.CONSTRUCTS[construct]
    write_files(tmp_path, {**GENERATED, "convex/m.ts": make(n)})
    r = _check(tmp_path, "--max-file-size", str(1 << 26), timeout=60)
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
