"""Realistic fixture projects: every diagnostic is announced by ``// expect: <rule>`` on the
line before it, and nothing else may fire."""

from __future__ import annotations

import pytest

from convexlint.records import load_records

from conftest import FIXTURES, REPO, expectations, found, lint

PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())


#: The rules fixture projects exercise: every stable rule, and those the precision review
#: moved to preview (their records say why); not the rules designed as preview.
FIXTURE_RULES = sorted(rid for rid, r in load_records().items() if not r.preview or r.review is not None)


@pytest.mark.parametrize("root", PROJECTS, ids=[p.name for p in PROJECTS])
def test_fixture_project(root):
    result = lint([root.relative_to(REPO)], REPO, select=FIXTURE_RULES, preview=True)
    expected = expectations(root)
    actual = found(result, root, REPO)
    assert expected, "a fixture project must expect something"
    missing = sorted(expected - actual)
    noisy = sorted(actual - expected)
    assert not missing and not noisy, f"missing={missing}\nnoisy={noisy}"


def test_bundled_example_expectations():
    root = REPO / "examples" / "chat-app"
    result = lint([root.relative_to(REPO)], REPO)
    assert found(result, root, REPO) == expectations(root)
