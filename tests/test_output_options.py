"""Output that scales (issue 12, section 3): ``--format concise``, ``--statistics``,
``--quiet``, the text summary, terminal width and colour, ``--max-warnings``'s reason, a
selection that enables no rule, and several reports from one run (``-o FORMAT:PATH``)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest

from conftest import lint, run_cli, write_files
from convexlint.diagnostics import Severity
from convexlint.report import ReportError, parse_output, plan, statistics, use_color
from convexlint.records import load_records
from convexlint.reporters import FORMATS, text

ANSI = re.compile(r"\x1b\[[0-9;]*m")

SCHEMA = (
    'import { defineSchema, defineTable } from "convex/server";\nimport { v } from "convex/values";\n'
    'export default defineSchema({ notes: defineTable({ ownerId: v.string() }).index("by_ownerId", ["ownerId"]) });\n'
)
FILTERS = (  # two info findings of no-filter-in-query, two (unsafe-fixable) of require-returns-validator
    'import { internalQuery } from "./_generated/server";\n'
    'export const a = internalQuery({ args: {}, handler: async (ctx) => { await ctx.db.query("notes").filter((q) => q.eq(q.field("ownerId"), "x")).take(1); return null; } });\n'
    'export const b = internalQuery({ args: {}, handler: async (ctx) => { await ctx.db.query("notes").filter((q) => q.eq(q.field("ownerId"), "y")).take(1); return null; } });\n'
)
VOID = (  # one finding with a safe fix: returns-null-for-void (an error in CONFIG)
    'import { internalMutation } from "./_generated/server";\nimport { v } from "convex/values";\n'
    'export const remove = internalMutation({ args: { id: v.id("notes") }, returns: v.id("notes"), handler: async (ctx, { id }) => {\n'
    '  await ctx.db.delete("notes", id);\n}, });\n'
)
CONFIG = "rules:\n  returns-null-for-void: error\n"
HTTP = (  # one warning: http-options-preflight
    'import { httpRouter } from "convex/server";\nimport { httpAction } from "./_generated/server";\n'
    'const H = { "Access-Control-Allow-Origin": "*" };\nconst http = httpRouter();\n'
    'http.route({ path: "/x", method: "POST", handler: httpAction(async () => new Response("ok", { headers: H })) });\n'
    "export default http;\n"
)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("out")
    files = {"convex/schema.ts": SCHEMA, "convex/http.ts": HTTP, "convex/void.ts": VOID, "convexlint.yaml": CONFIG}
    files.update({f"convex/m{i}.ts": FILTERS for i in range(1, 8)})  # seven files with findings
    write_files(root, files)
    return root


@pytest.fixture(scope="module")
def findings(project):
    r = run_cli("check", "--format", "json", "--no-cache", cwd=project)
    diags = json.loads(r.stdout)
    assert {d["rule"] for d in diags} >= {"no-filter-in-query", "http-options-preflight", "returns-null-for-void"}
    return diags


def check(project, *args, env=None):
    return run_cli("check", "--no-cache", *args, cwd=project, env=env)


# -- 1. --format concise ---------------------------------------------------------------------


def test_concise_is_one_line_per_finding_then_the_short_summary(project, findings):
    r = check(project, "--format", "concise")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    expected = [f"{d['path']}:{d['line']}:{d['column']}: {d['severity']}[{d['rule']}]" for d in findings]
    assert [re.sub(r"(\]) .*", r"\1", line) for line in lines[: len(findings)]] == expected
    assert lines[len(findings)].startswith("[*] 1 fixable with `convexlint check --fix`")
    assert re.fullmatch(r"Found \d+ problems \(1 error, 1 warning, \d+ info\) in 10 files checked \(\d+\.\d\ds\)\.", lines[-1])
    assert len(lines) == len(findings) + 2
    text_report = check(project).stdout.splitlines()
    assert ANSI.sub("", text_report[-1]).split(" (")[0] == lines[-1].split(" (")[0]  # the same summary line
    assert "concise" in FORMATS


def test_concise_column_counts_utf16_code_units(tmp_path):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA, "convex/e.ts": FILTERS.replace('"x"', '"\U0001d4b3\U0001d4b3"')})
    diags = json.loads(run_cli("check", "--format", "json", "--select", "no-filter-in-query", cwd=tmp_path).stdout)
    concise = run_cli("check", "--format", "concise", "--select", "no-filter-in-query", cwd=tmp_path).stdout
    for d in diags:
        assert f"{d['path']}:{d['line']}:{d['column']}: info[no-filter-in-query]" in concise


# -- 2. --statistics -------------------------------------------------------------------------


def test_statistics_prints_one_line_per_rule_and_nothing_else(project, findings):
    r = check(project, "--statistics")
    assert r.returncode == 1  # the exit code still reflects the findings
    lines = r.stdout.splitlines()
    counts = {}
    for d in findings:
        counts[d["rule"]] = counts.get(d["rule"], 0) + 1
    assert len(lines) == len(counts)
    parsed = [re.match(r"\s*(\d+)  (\S+)\s+(error|warning|info)\s+(\[\*\] (\d+) fixable)?\s*(.*)", line) for line in lines]
    assert all(parsed), lines
    assert [int(m.group(1)) for m in parsed] == sorted(counts.values(), reverse=True)
    assert {m.group(2): int(m.group(1)) for m in parsed} == counts
    by_rule = {m.group(2): m for m in parsed}
    assert by_rule["returns-null-for-void"].group(3) == "error"
    assert by_rule["returns-null-for-void"].group(5) == "1"
    assert by_rule["no-filter-in-query"].group(4) is None  # no fix
    assert by_rule["no-filter-in-query"].group(6) == load_records()["no-filter-in-query"].title.replace("`", "")
    assert "Found" not in r.stdout and "help:" not in r.stdout


def test_statistics_as_json(project, findings):
    r = check(project, "--statistics", "--format", "json")
    assert r.returncode == 1
    stats = json.loads(r.stdout)
    assert all(set(s) == {"rule", "severity", "count", "fixable", "title"} for s in stats)
    assert sum(s["count"] for s in stats) == len(findings)
    assert [s["count"] for s in stats] == sorted((s["count"] for s in stats), reverse=True)
    void = next(s for s in stats if s["rule"] == "returns-null-for-void")
    assert (void["severity"], void["count"], void["fixable"]) == ("error", 1, 1)


def test_statistics_severity_is_the_highest_of_the_rules_findings(project):
    result = lint(["."], project)
    from dataclasses import replace

    first = next(i for i, d in enumerate(result.diagnostics) if d.rule == "no-filter-in-query")
    result.diagnostics[first] = replace(result.diagnostics[first], severity=Severity.ERROR)
    stats = {s["rule"]: s for s in statistics(result, load_records())}
    assert stats["no-filter-in-query"]["severity"] == "error"


def test_statistics_with_sarif_is_a_usage_error(project):
    r = check(project, "--statistics", "--format", "sarif")
    assert r.returncode == 2 and "--statistics" in r.stderr and r.stdout == ""


# -- 3. --quiet ------------------------------------------------------------------------------


def test_quiet_reports_errors_only(project):
    r = check(project, "-q")
    assert r.returncode == 1
    assert "error[returns-null-for-void]" in r.stdout
    assert "warning[" not in r.stdout and "info[" not in r.stdout
    assert re.search(r"Found 1 error in 10 files checked \(\d+\.\d\ds\); 1 warning and \d+ info not shown \(--quiet\)\.", r.stdout)
    diags = json.loads(check(project, "--quiet", "--format", "json").stdout)
    assert {d["severity"] for d in diags} == {"error"}


def test_quiet_on_warnings_only_is_all_clear_but_max_warnings_still_counts(tmp_path):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA, "convex/http.ts": HTTP})
    r = run_cli("check", "-q", cwd=tmp_path)
    assert r.returncode == 0
    assert "All clear: no errors in 2 files" in r.stdout and "1 warning not shown (--quiet)" in r.stdout
    r = run_cli("check", "-q", "--max-warnings", "0", cwd=tmp_path)
    assert r.returncode == 1  # --quiet hides warnings, it does not make them pass (ESLint)
    assert "convexlint: 1 warning exceeds --max-warnings 0" in r.stderr


# -- 4. the text summary ---------------------------------------------------------------------


def test_summary_names_failing_rules_top_files_how_to_ignore_and_the_time(project):
    out = check(project).stdout
    summary = out[out.index("Errors (fail the run)") :].splitlines()
    assert len(summary) <= 8
    assert summary[0] == "Errors (fail the run): returns-null-for-void (1)"
    assert summary[1] == "Warnings (do not fail the run): http-options-preflight (1)"
    assert summary[2] == "Info: no-filter-in-query (14), require-returns-validator (14)"
    top = re.match(r"Most problems: (.*)", summary[3]).group(1).split(", ")
    assert len(top) == 5  # seven files have findings: the five with most are named
    assert all(re.fullmatch(r"convex/m\d\.ts \(4\)", t) for t in top)
    assert "`--ignore RULE` or `rules: {RULE: off}` in convexlint.yaml" in summary[4]
    assert re.fullmatch(r"Found 30 problems \(1 error, 1 warning, 28 info\) in 10 files checked \(\d+\.\d\ds\)\.", summary[-1])


def test_summary_time_is_the_wall_time_of_the_whole_command(project):
    from convexlint.diagnostics import LintResult

    started = __import__("time").perf_counter() - 3.0  # a command that started 3 s ago
    lines = text.summary(LintResult(files_checked=1, elapsed=0.01), text.RunFacts(started=started))
    assert re.search(r"\(3\.\d\ds\)", lines[-1].plain)


def test_summary_says_warnings_fail_beyond_max_warnings(project):
    out = check(project, "--max-warnings", "0").stdout
    assert "Warnings (fail the run: more than --max-warnings 0): http-options-preflight (1)" in out


def test_summary_caps_the_rules_it_names(project):
    from convexlint.diagnostics import Diagnostic, LintResult, Span

    span = Span(0, 1, 1, 1, 1, 2)
    diags = [Diagnostic(f"rule-{i}", Severity.ERROR, "m", "a.ts", span) for i in range(10)]
    lines = [t.plain for t in text.summary(LintResult(diagnostics=diags, files_checked=1))]
    assert lines[0].endswith(f", and {10 - text.SUMMARY_RULES} more rules")
    assert lines[0].count("(1)") == text.SUMMARY_RULES


# -- 5. terminal width and colour ------------------------------------------------------------


def _words(s: str) -> list[str]:
    return s.split()


@pytest.mark.parametrize("width", [80, 120])
def test_text_wraps_at_word_boundaries_to_the_width(project, width):
    result = lint(["."], project)
    wide = text.render(result, color=False)
    narrow = text.render(result, color=False, width=width)
    for line in narrow.splitlines():
        # Only a single word longer than a line (a docs URL) may stick out.
        assert len(line) <= width or len(line.split()[-1]) > width - 10, line
    frames = [line for line in narrow.splitlines() if re.match(r"\s*\d+ \| ", line)]
    assert frames and all(len(line) <= width for line in frames)
    # No word is split: outside code frames, the same words in the same order.
    def prose(out):
        return _words(" ".join(line for line in out.splitlines() if not re.match(r"\s*\d* \|", line)))

    assert prose(narrow) == prose(wide)
    assert max(len(line) for line in wide.splitlines()) > width  # not wrapped without a width


def _pty_run(args, cwd, columns, env_extra=None):
    """Run the CLI with stdout on a pseudo-terminal ``columns`` wide; returns stdout."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    env.update(env_extra or {})
    proc = subprocess.Popen([sys.executable, "-m", "convexlint", *args], cwd=cwd, stdout=slave, stderr=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(master)
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("columns", [80, 120])
def test_on_a_terminal_lines_fit_its_width(project, columns):
    out = ANSI.sub("", _pty_run(["check", "--no-cache"], project, columns))
    assert "Found 30 problems" in out
    long = [line for line in out.splitlines() if len(line) > columns]
    assert all(line.lstrip().startswith("= docs: https://") for line in long), long


def test_code_frame_colours_the_span_not_the_source_line(project):
    result = lint(["convex/void.ts"], project, select=["returns-null-for-void"])
    out = text.render(result, color=True)
    source = next(line for line in out.splitlines() if ANSI.sub("", line).startswith("3 | "))
    after_gutter = source.split("| ", 1)[1]
    # The gutter's style ends before the source; the text before the span is unstyled.
    assert after_gutter.startswith("\x1b[0m")
    plain_prefix = after_gutter[len("\x1b[0m") :]
    assert "onst remove" in plain_prefix and "\x1b[" in plain_prefix
    span_start = plain_prefix.index("\x1b[")
    assert "\x1b[" not in plain_prefix[:span_start]
    assert ANSI.sub("", plain_prefix[span_start:]).startswith("v.id(\"notes\")")


@pytest.mark.parametrize(
    ("flag", "environ", "tty", "expected"),
    [
        (None, {}, True, True),
        (None, {}, False, False),
        (None, {"NO_COLOR": "1"}, True, False),
        (None, {"NO_COLOR": ""}, True, True),  # empty: as if unset (no-color.org)
        (None, {"FORCE_COLOR": "1"}, False, True),
        (None, {"FORCE_COLOR": "0"}, False, True),  # any non-empty value (force-color.org)
        (None, {"FORCE_COLOR": ""}, False, False),
        (None, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, True),  # FORCE_COLOR wins
        (False, {"FORCE_COLOR": "1"}, True, False),  # the flag wins over both
        (True, {"NO_COLOR": "1"}, False, True),
    ],
)
def test_use_color(flag, environ, tty, expected):
    assert use_color(flag, tty=tty, environ=environ) is expected


def test_force_color_and_no_color_on_the_command_line(project):
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    assert "\x1b[" in check(project, env={**base, "FORCE_COLOR": "1"}).stdout
    assert "\x1b[" in check(project, env={**base, "FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" not in check(project, "--no-color", env={**base, "FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in check(project, env={**base, "NO_COLOR": "1"}).stdout
    # A report written to a file is plain even when FORCE_COLOR colours the terminal's.
    check(project, "-o", "text:t.txt", env={**base, "FORCE_COLOR": "1"})
    assert "\x1b[" not in (project / "t.txt").read_text()


def test_rules_listing_never_cuts_a_rule_id(tmp_path):
    ids = [r.id for r in load_records().values() if r.category != "meta"]
    piped = run_cli("rules", cwd=tmp_path).stdout
    assert "…" not in piped
    assert [line.split()[0] for line in piped.splitlines()[1:]] == ids
    if sys.platform != "win32":
        for columns in (60, 100, 200):
            out = ANSI.sub("", _pty_run(["rules"], tmp_path, columns))
            shown = {cell.strip() for line in out.splitlines() for cell in re.split(r"[│┃]", line)[:1]}
            shown |= {line.split()[0] for line in out.splitlines() if line.split()}
            assert set(ids) <= shown, (columns, set(ids) - shown)


# -- 6. --max-warnings says why --------------------------------------------------------------


def test_max_warnings_failure_names_the_reason(tmp_path):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA, "convex/http.ts": HTTP, "convex/h2.ts": HTTP.replace("/x", "/y")})
    r = run_cli("check", "--max-warnings", "1", cwd=tmp_path)
    assert r.returncode == 1
    assert "convexlint: 2 warnings exceed --max-warnings 1" in r.stderr
    r = run_cli("check", "--max-warnings", "2", cwd=tmp_path)
    assert r.returncode == 0 and "exceed" not in r.stderr
    r = run_cli("check", "--max-warnings", "1", "--exit-zero", cwd=tmp_path)
    assert r.returncode == 0 and "exceed" not in r.stderr


# -- 7. a selection that enables no rule -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", ""], "--select names no rule or category"),
        (["--select", " , "], "--select names no rule or category"),
        (["--select", "http", "--ignore", "http"], "no rule is enabled: --select http with --ignore http"),
        (["--ignore", "all"], "no rule is enabled: --ignore all"),
    ],
)
def test_a_selection_enabling_no_rule_is_a_usage_error(tmp_path, args, message):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA, "convex/http.ts": HTTP})
    r = run_cli("check", *args, cwd=tmp_path)
    assert r.returncode == 2
    assert message in r.stderr
    assert r.stdout == ""


def test_a_configuration_enabling_no_rule_is_a_usage_error(tmp_path):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA, "convexlint.yaml": "select: []\n"})
    r = run_cli("check", cwd=tmp_path)
    assert r.returncode == 2 and "convexlint.yaml: select leaves nothing to check" in r.stderr
    # An override that selects a rule for some files is enough.
    write_files(tmp_path, {"convexlint.yaml": "select: []\noverrides:\n  - files: ['convex/**']\n    select: [http]\n"})
    assert run_cli("check", cwd=tmp_path).returncode == 0


def test_unknown_rule_in_select_is_still_a_usage_error(project):
    r = check(project, "--select", "no-filter-in-querry")
    assert r.returncode == 2 and "did you mean `no-filter-in-query`" in r.stderr


# -- 8. several reports from one run ---------------------------------------------------------


def test_one_run_writes_text_to_stdout_and_sarif_and_json_to_files(project, findings):
    r = check(project, "--format", "text", "-o", "sarif:reports/convexlint.sarif", "--output", "json:out.json")
    assert r.returncode == 1  # the findings decide the exit code
    assert "Found 30 problems" in r.stdout
    sarif = json.loads((project / "reports/convexlint.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == len(findings)
    assert json.loads((project / "out.json").read_text()) == findings
    clean = project.parent / (project.name + "-clean")
    write_files(clean, {"convex/schema.ts": SCHEMA})
    r = run_cli("check", "-o", "json:o.json", "-o", "concise:o.txt", cwd=clean)
    assert r.returncode == 0 and "All clear" in r.stdout
    assert json.loads((clean / "o.json").read_text()) == []
    assert (clean / "o.txt").read_text().startswith("All clear")


def test_reports_come_from_one_lint_run(project):
    """The text report in a file and on stdout describe the same findings."""
    r = check(project, "--format", "concise", "-o", "concise:c.txt")
    body = lambda s: [line for line in s.splitlines() if not line.startswith("Found")]  # noqa: E731
    assert body(r.stdout) == body((project / "c.txt").read_text())


def test_bare_o_path_is_the_main_report_and_output_file_still_works(project):
    r = check(project, "--format", "sarif", "-o", "main.sarif")
    assert r.returncode == 1 and r.stdout == ""
    assert json.loads((project / "main.sarif").read_text())["version"] == "2.1.0"
    r = check(project, "--format", "json", "--output-file", "main.json", "-o", "github:gh.txt")
    assert r.returncode == 1 and r.stdout == ""
    assert json.loads((project / "main.json").read_text())
    assert (project / "gh.txt").read_text().startswith("::")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "sarf:x.sarif"], "unknown report format `sarf` (valid: text, concise, json, sarif, github)"),
        (["-o", "json:"], "no path after `json:`"),
        (["--output-file", "a.json", "-o", "b.json"], "the main report is given two files"),
        (["-o", "json:same", "-o", "sarif:same"], "two reports would be written to same"),
    ],
)
def test_bad_outputs_are_usage_errors(project, args, message):
    r = check(project, *args)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


def test_parse_output():
    assert parse_output("sarif:out/a.sarif") == ("sarif", __import__("pathlib").Path("out/a.sarif"))
    assert parse_output("out.sarif")[0] is None
    assert parse_output("C:\\reports\\a.sarif")[0] is None  # a Windows drive is not a format
    assert parse_output("./text:odd")[0] is None
    with pytest.raises(ReportError):
        parse_output("")
    assert [d.fmt for d in plan("text", None, ["json:a", "sarif:b"])] == ["text", "json", "sarif"]


def test_unwritable_report_is_a_usage_error(project):
    (project / "blocker").write_text("a file, not a folder")
    r = check(project, "-o", "json:blocker/out.json")
    assert r.returncode == 2 and "cannot write" in r.stderr


def test_only_unsafe_fixes_name_the_flag_they_need(tmp_path):
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/a.ts": (
        'import { internalMutation } from "./_generated/server";\nimport { v } from "convex/values";\n'
        "export const m = internalMutation({ args: {}, returns: v.null(), handler: async (ctx) => { ctx.db.insert(\"t\", {}); return null; } });\n"
    )})
    r = run_cli("check", "--no-cache", "--select", "no-floating-promises", cwd=tmp_path)
    assert "[*] 1 fixable with `convexlint check --fix --unsafe-fixes`." in r.stdout and "0 fixable" not in r.stdout
