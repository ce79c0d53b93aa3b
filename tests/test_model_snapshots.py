"""Facts snapshots: what the project model sees in every fixture project, rendered by
``convexlint inspect --format json`` and compared with a checked-in snapshot, so a change
in what the model extracts shows up in review.

Regenerate after an intended change with ``CONVEXLINT_UPDATE_SNAPSHOTS=1 pytest
tests/test_model_snapshots.py`` and read the diff.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO
from convexlint.cli import main

ROOTS = [
    *sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir()),
    *sorted(p for p in (FIXTURES / "models").iterdir() if p.is_dir()),
    REPO / "examples" / "chat-app",
]
SNAPSHOTS = FIXTURES / "snapshots"


def _view(root, monkeypatch) -> dict:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["inspect", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("root", ROOTS, ids=[f"{p.parent.name}/{p.name}" for p in ROOTS])
def test_model_snapshot(root, monkeypatch):
    view = _view(root, monkeypatch)
    snapshot = SNAPSHOTS / f"{root.parent.name}-{root.name}.json"
    rendered = json.dumps(view, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("CONVEXLINT_UPDATE_SNAPSHOTS"):
        snapshot.write_text(rendered, encoding="utf-8")
    assert snapshot.is_file(), f"no snapshot for {root.name}: run with CONVEXLINT_UPDATE_SNAPSHOTS=1"
    assert rendered == snapshot.read_text(encoding="utf-8"), f"the model of {root.name} changed; see the module docstring"


def test_snapshots_have_fixtures():
    """A snapshot whose fixture was removed is stale."""
    expected = {f"{p.parent.name}-{p.name}.json" for p in ROOTS}
    assert {p.name for p in SNAPSHOTS.iterdir()} <= expected


def test_inspect_text_names_functions_and_chain(monkeypatch):
    monkeypatch.chdir(REPO / "examples" / "chat-app")
    result = CliRunner().invoke(main, ["inspect"])
    assert result.exit_code == 0, result.output
    assert "functions directory: convex" in result.output
    assert "convex/messages.ts:32  get: internal query via internalQuery" in result.output
    assert "schema: convex/schema.ts (static), 3 tables" in result.output
