"""The baseline (issue 12): ``--suppress-all``, ``--suppress-rule``, ``--prune-suppressions``,
``--suppressions-location`` and how later runs use ``convexlint-suppressions.json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_files

SCHEMA = '''import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
export default defineSchema({ messages: defineTable({ body: v.string(), room: v.string() }) });
'''
# two no-unknown-table findings (errors: a misspelt table) and two require-returns-validator (info)
MESSAGES = '''import { internalQuery as query } from "./_generated/server";
import { v } from "convex/values";

export const inRoom = query({
  args: { room: v.string() },
  handler: async (ctx, args) => {
    return await ctx.db.query("mesages").take(10);
  },
});

export const byBody = query({
  args: { body: v.string() },
  handler: async (ctx, args) => {
    return await ctx.db.query("mesages").take(args.body.length);
  },
});
'''
NEW_QUERY = '''
export const third = query({
  args: { room: v.string() },
  returns: v.null(),
  handler: async (ctx, args) => {
    await ctx.db.query("mesages").take(1);
    return null;
  },
});
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/schema.ts": SCHEMA, "convex/messages.ts": MESSAGES})
    return tmp_path


def _check(project: Path, *args: str, cwd: Path | None = None):
    return run_cli("check", "--no-cache", "--format", "json", *args, cwd=cwd or project)


def _baseline(project: Path, name: str = "convexlint-suppressions.json") -> dict:
    return json.loads((project / name).read_text())


def test_suppress_all_then_only_new_findings_fail(project):
    first = _check(project)
    assert first.returncode == 1 and len(json.loads(first.stdout)) == 4
    recorded = _check(project, "--suppress-all")
    assert recorded.returncode == 0 and json.loads(recorded.stdout) == []
    assert _baseline(project) == {"convex/messages.ts": {"no-unknown-table": {"count": 2}, "require-returns-validator": {"count": 2}}}
    assert _check(project).returncode == 0  # the baseline covers everything
    # moving code keeps it covered: counts, not lines
    (project / "convex" / "messages.ts").write_text("// a comment that moves every line\n\n" + MESSAGES)
    assert _check(project).returncode == 0
    # one new violation: the count grew, so that rule's findings in that file are all reported
    (project / "convex" / "messages.ts").write_text(MESSAGES + NEW_QUERY)
    grown = _check(project)
    found = json.loads(grown.stdout)
    assert grown.returncode == 1 and {d["rule"] for d in found} == {"no-unknown-table"} and len(found) == 3


def test_a_new_file_reports_exactly_its_finding(project):
    _check(project, "--suppress-all")
    write_files(project, {"convex/more.ts": 'import { internalQuery as query } from "./_generated/server";\nimport { v } from "convex/values";\n' + NEW_QUERY})
    r = _check(project)
    found = json.loads(r.stdout)
    assert r.returncode == 1 and [(d["path"], d["rule"], d["line"]) for d in found] == [("convex/more.ts", "no-unknown-table", 8)]


def test_prune_shrinks_the_file_and_stale_entries_are_reported(project):
    _check(project, "--suppress-all")
    fixed = MESSAGES.replace('ctx.db.query("mesages").take(args.body.length)', 'ctx.db.query("messages").take(args.body.length)')
    (project / "convex" / "messages.ts").write_text(fixed)
    stale = _check(project)
    assert stale.returncode == 0 and "--prune-suppressions" in stale.stderr and "1 finding that no longer occur" in stale.stderr
    pruned = _check(project, "--prune-suppressions")
    assert pruned.returncode == 0 and "pruned 1 findings" in pruned.stderr
    assert _baseline(project)["convex/messages.ts"]["no-unknown-table"] == {"count": 1}
    assert "--prune-suppressions" not in _check(project).stderr


def test_a_run_over_part_of_the_project_neither_prunes_nor_calls_other_files_stale(project):
    write_files(project, {"convex/other.ts": MESSAGES})
    _check(project, "--suppress-all")
    r = _check(project, "--prune-suppressions", "convex/messages.ts")
    assert "convex/other.ts" in _baseline(project) and "no longer occur" not in r.stderr


def test_suppress_rule_records_one_rule_only(project):
    r = _check(project, "--suppress-rule", "require-returns-validator")
    assert _baseline(project) == {"convex/messages.ts": {"require-returns-validator": {"count": 2}}}
    assert r.returncode == 1 and {d["rule"] for d in json.loads(r.stdout)} == {"no-unknown-table"}
    unknown = _check(project, "--suppress-rule", "no-such-rule")
    assert unknown.returncode == 2 and "unknown rule `no-such-rule`" in unknown.stderr


def test_the_location_can_move_and_keys_are_relative_to_it(project):
    r = _check(project, "--suppress-all", "--suppressions-location", "ci/baseline.json")
    assert r.returncode == 0 and not (project / "convexlint-suppressions.json").exists()
    assert _baseline(project, "ci/baseline.json") == {"../convex/messages.ts": {"no-unknown-table": {"count": 2}, "require-returns-validator": {"count": 2}}}
    # run from another directory: the same file still matches
    elsewhere = run_cli("check", "--no-cache", "--suppressions-location", "../ci/baseline.json", ".", cwd=project / "convex")
    assert elsewhere.returncode == 0, elsewhere.stdout


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('["a"]', "expected an object of file paths"),
        ('{"convex/a.ts": {"x": {"count": -1}}}', "non-negative integer"),
        ('{"convex/a.ts": {"x": 3}}', "non-negative integer"),
    ],
)
def test_a_broken_baseline_is_a_usage_error_naming_the_file(project, content, problem):
    (project / "convexlint-suppressions.json").write_text(content)
    r = _check(project)
    assert r.returncode == 2 and "convexlint-suppressions.json" in r.stderr and problem in r.stderr and "Traceback" not in r.stderr


def test_sarif_keeps_baselined_results_as_suppressed(project):
    _check(project, "--suppress-rule", "no-unknown-table")
    r = run_cli("check", "--no-cache", "--format", "sarif", cwd=project)
    results = json.loads(r.stdout)["runs"][0]["results"]
    suppressed = [x for x in results if x.get("suppressions")]
    assert len(results) == 4 and len(suppressed) == 2
    assert {x["ruleId"] for x in suppressed} == {"no-unknown-table"} and suppressed[0]["suppressions"][0]["kind"] == "external"
    assert r.returncode == 0  # the rest are info


def test_syntax_errors_are_never_baselined(project):
    (project / "convex" / "broken.ts").write_text("export const = ;\n")
    _check(project, "--suppress-all")
    r = _check(project)
    assert r.returncode == 1 and [d["rule"] for d in json.loads(r.stdout)] == ["syntax-error"]
    assert "convex/broken.ts" not in _baseline(project)


def test_text_output_says_how_many_the_baseline_hides(project):
    _check(project, "--suppress-all")
    r = run_cli("check", "--no-cache", cwd=project)
    assert "4 findings hidden by the baseline (convexlint-suppressions.json)." in r.stdout
