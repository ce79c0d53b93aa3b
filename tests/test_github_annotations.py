"""``--format github``: columns only on single-line spans, and a summary notice when GitHub
would drop annotations beyond its per-step limits."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import write_files
from convexlint.diagnostics import Diagnostic, LintResult, Severity, Span
from convexlint.reporters import github

COMMAND = re.compile(r"::(error|warning|notice) ([^:\n]*)::([^\n]*)")


def _diag(severity: Severity, line: int, end_line: int | None = None) -> Diagnostic:
    end_line = line if end_line is None else end_line
    return Diagnostic("no-filter-in-query", severity, "msg", "convex/a.ts", Span(0, 1, line, 3, end_line, 7))


def _props(line: str) -> dict[str, str]:
    m = COMMAND.fullmatch(line)
    assert m, line
    return dict(p.split("=", 1) for p in m.group(2).split(","))


def test_single_line_span_has_columns_multi_line_span_has_none():
    out = github.render(LintResult(diagnostics=[_diag(Severity.ERROR, 2), _diag(Severity.WARNING, 3, 5)]))
    one, multi = out.splitlines()
    assert _props(one) == {"file": "convex/a.ts", "line": "2", "col": "3", "endLine": "2", "endColumn": "7", "title": "no-filter-in-query"}
    assert _props(multi) == {"file": "convex/a.ts", "line": "3", "endLine": "5", "title": "no-filter-in-query"}


def test_within_the_limits_no_summary():
    diags = [_diag(s, i + 1) for s in Severity for i in range(10)]  # 10 of each kind
    lines = github.render(LintResult(diagnostics=diags)).splitlines()
    assert len(lines) == 30 and github.hidden_annotations(LintResult(diagnostics=diags)) == 0
    assert all(_props(line)["title"] == "no-filter-in-query" for line in lines)


def test_more_than_ten_errors_or_warnings_adds_one_summary_notice_first():
    diags = [_diag(Severity.ERROR, i + 1) for i in range(13)] + [_diag(Severity.WARNING, i + 1) for i in range(11)]
    lines = github.render(LintResult(diagnostics=diags)).splitlines()
    assert len(lines) == 1 + 24
    summary = lines[0]
    assert summary.startswith("::notice title=convexlint::")
    assert "convexlint found 24 problems" in summary
    assert "so 4 of them are not shown as annotations" in summary  # 3 errors + 1 warning
    assert "convexlint check" in summary and "sarif" in summary
    assert not any(line.startswith("::notice") for line in lines[1:])


def test_notices_count_separately_and_the_summary_takes_a_notice_slot():
    diags = [_diag(Severity.INFO, i + 1) for i in range(12)]
    summary, *rest = github.render(LintResult(diagnostics=diags)).splitlines()
    assert len(rest) == 12
    # 12 info notices + the summary = 13 notices: GitHub shows 10, so 3 diagnostics are hidden.
    assert "so 3 of them are not shown" in summary
    eleven_errors_ten_notices = [_diag(Severity.ERROR, i + 1) for i in range(11)] + diags[:10]
    summary = github.render(LintResult(diagnostics=eleven_errors_ten_notices)).splitlines()[0]
    assert "so 2 of them are not shown" in summary  # one error, and one notice pushed out


def test_cli_prints_the_summary_for_a_project_with_many_errors(tmp_path):
    calls = "\n".join(f'  const r{i} = await ctx.db.query("t").filter((q) => q.eq(q.field("a"), {i})).take(1);' for i in range(12))
    write_files(tmp_path, {
        "convex/a.ts": 'import { query } from "./_generated/server";\n'
        f"export const f = query({{ args: {{}}, handler: async (ctx) => {{\n{calls}\n}} }});\n",
    })
    proc = subprocess.run(
        [sys.executable, "-m", "convexlint", "check", "--no-cache", "--format", "github", "--select", "no-filter-in-query", "."],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert proc.returncode in (0, 1), proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 13, proc.stdout
    assert lines[0].startswith("::notice title=convexlint::convexlint found 12 problems")
