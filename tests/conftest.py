"""Shared helpers: lint through the public API, read ``// expect:`` annotations, and
materialise small projects in temporary directories."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from convexlint.config import Settings, find_config, load_config_file
from convexlint.discovery import discover
from convexlint.engine import Linter
from convexlint.records import load_records

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SHARED = REPO.parent / "shared"

_EXPECT = re.compile(r"//\s*expect:\s*([a-z0-9,\s-]+?)\s*$")


def lint(paths, cwd: Path, *, select=None, ignore=None, config=None, options=None, report_unused=False, preview=False):
    """Lint ``paths`` (relative to ``cwd``) the way ``convexlint check`` does; returns LintResult.

    ``options`` = {rule_id: {...}} adds per-rule options on top of any config found.
    """
    records = load_records()
    paths = [cwd / p for p in paths]
    if config is None:
        found = find_config(paths[0])
        config = load_config_file(found) if found is not None else None
    if options:
        from convexlint.config import Config

        data = dict(config.data) if config is not None else {}
        rules = dict(data.get("rules", {}))
        for rid, opts in options.items():
            rules[rid] = {"options": opts}
        data["rules"] = rules
        config = Config(path=config.path if config else None, root=config.root if config else cwd, data=data)
    settings = Settings(records, config, select=select, ignore=ignore, preview=preview, cwd=cwd)
    settings.report_unused_disables = report_unused or settings.report_unused_disables
    linter = Linter(settings, cwd)
    return linter.run(discover(paths, client_context=linter.needs_client_code))


def expectations(root: Path) -> set[tuple[str, int, str]]:
    """``(path relative to root, line, rule)`` announced by ``// expect: rule`` comments:
    the diagnostic is expected on the next line that is not itself an expect comment."""
    out = set()
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".ts", ".tsx", ".js", ".jsx", ".mts", ".cts") or "_generated" in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        pending: list[str] = []
        for number, line in enumerate(lines, start=1):
            m = _EXPECT.search(line)
            if m:
                pending += [r.strip() for r in m.group(1).split(",") if r.strip()]
                continue
            for rule in pending:
                out.add((path.relative_to(root).as_posix(), number, rule))
            pending = []
    return out


def found(result, root: Path, cwd: Path) -> set[tuple[str, int, str]]:
    prefix = root.relative_to(cwd).as_posix() + "/" if root != cwd else ""
    return {(d.path[len(prefix):], d.span.start_line, d.rule) for d in result.diagnostics}


def write_files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run_cli(*args: str, cwd: Path, env=None) -> subprocess.CompletedProcess:
    """Run the installed ``convexlint`` entry point as a user would (``python -m``)."""
    return subprocess.run(
        [sys.executable, "-m", "convexlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path):
    """A factory: ``project({"convex/a.ts": "..."})`` writes files and returns the root."""

    def make(files: dict[str, str]) -> Path:
        write_files(tmp_path, files)
        return tmp_path

    return make
