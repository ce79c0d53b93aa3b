"""The README's rule table and commands stay true to the code."""

from __future__ import annotations

import re

from convexlint.records import load_records, markdown_table

from conftest import REPO


def test_rule_table_matches_records():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- rules-table:start -->\n(.*?)<!-- rules-table:end -->", readme, re.DOTALL)
    assert m, "README lost its rule table markers"
    assert m.group(1) == markdown_table(load_records())


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = 'python3 -m venv .venv && .venv/bin/pip install ".[test]" && .venv/bin/pytest'
    assert command in readme and command in ci
