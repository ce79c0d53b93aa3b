"""benchmarks/eslint_positions.py's pairing of ESLint and convexlint findings (no npm needed)."""

from __future__ import annotations

import importlib.util

from conftest import REPO


def load():
    spec = importlib.util.spec_from_file_location("eslint_positions", REPO / "benchmarks" / "eslint_positions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def f(rule, line, end_line=None, path="convex/a.ts"):
    return {"rule": rule, "path": path, "line": line, "end_line": end_line or line}


def test_same_line_moved_and_one_sided():
    compare = load().compare
    eslint = [f("no-collect-in-query", 10, 13), f("no-collect-in-query", 30), f("no-filter-in-query", 5), f("no-filter-in-query", 50)]
    ours = [f("no-collect-in-query", 13), f("no-collect-in-query", 30), f("no-filter-in-query", 5), f("no-filter-in-query", 5, path="convex/b.ts")]
    out = compare(eslint, ours, near=3)
    assert [(e["line"], c["line"]) for e, c in out["no-collect-in-query"]["same"]] == [(30, 30)]
    assert [(e["line"], c["line"]) for e, c in out["no-collect-in-query"]["moved"]] == [(10, 13)]  # ranges overlap
    assert len(out["no-filter-in-query"]["same"]) == 1
    assert [e["line"] for e in out["no-filter-in-query"]["eslint_only"]] == [50]
    assert [c["path"] for c in out["no-filter-in-query"]["convexlint_only"]] == ["convex/b.ts"]


def test_far_apart_findings_are_not_paired():
    out = load().compare([f("require-args-validator", 1)], [f("require-args-validator", 20)], near=3)
    assert out["require-args-validator"]["moved"] == []
    assert len(out["require-args-validator"]["eslint_only"]) == len(out["require-args-validator"]["convexlint_only"]) == 1
