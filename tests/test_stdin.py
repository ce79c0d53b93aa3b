"""``convexlint check --stdin-filename PATH``: standard input linted as the file at PATH,
inside its project read from disk; only PATH's findings are reported; ``--fix`` prints the
fixed text and writes nothing."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import run_cli, write_files

SCHEMA = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
    "export default defineSchema({ notes: defineTable({ ownerId: v.string() }) });\n"
)


def _query(table: str) -> str:
    return (
        'import { internalQuery } from "./_generated/server";\nimport { v } from "convex/values";\n'
        f'export const list = internalQuery({{ args: {{}}, returns: v.any(), handler: async (ctx) => await ctx.db.query("{table}").take(5) }});\n'
    )


PROJECT = {"convex/schema.ts": SCHEMA, "convex/notes.ts": _query("notes"), "convex/other.ts": _query("nope_other")}
#: A safe fix (require-returns-validator adds ``returns: v.null()``).
FIXABLE = (
    'import { internalMutation } from "./_generated/server";\nimport { v } from "convex/values";\n'
    'export const add = internalMutation({ args: {}, handler: async (ctx) => { await ctx.db.insert("notes", { ownerId: "a" }); } });\n'
)


def run_stdin(data: bytes | str, *args: str, cwd) -> subprocess.CompletedProcess:
    """``convexlint check ARGS`` with ``data`` on standard input (output as text)."""
    done = subprocess.run(
        [sys.executable, "-m", "convexlint", "check", *args],
        cwd=cwd, input=data.encode() if isinstance(data, str) else data, capture_output=True, timeout=120,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def findings(r: subprocess.CompletedProcess) -> set[tuple[str, str, int]]:
    assert r.returncode in (0, 1), r.stderr
    return {(d["path"], d["rule"], d["line"]) for d in json.loads(r.stdout)}


def test_stdin_text_is_linted_instead_of_the_disk_and_only_it_is_reported(project):
    root = project(PROJECT)
    r = run_stdin(_query("nots"), "--stdin-filename", "convex/notes.ts", "--format", "json", cwd=root)
    assert r.returncode == 1
    assert findings(r) == {("convex/notes.ts", "no-unknown-table", 3)}  # not other.ts's finding
    assert "did you mean `notes`" in json.loads(r.stdout)[0]["message"]  # the schema on disk was read
    # the disk's text has a finding; stdin's has none
    r = run_stdin(_query("notes"), "--stdin-filename", "convex/other.ts", "--format", "json", cwd=root)
    assert (r.returncode, findings(r)) == (0, set())
    assert (root / "convex/notes.ts").read_text() == _query("notes")  # nothing written


def test_a_project_rule_sees_the_stdin_text_of_the_schema(project):
    root = project(PROJECT)
    schema = SCHEMA.replace("notes:", "nope_other: defineTable({}), notes:")
    r = run_stdin(schema, "--stdin-filename", "convex/schema.ts", "--format", "json", cwd=root)
    assert (r.returncode, findings(r)) == (0, set())


def test_a_file_that_is_not_on_disk(project):
    root = project(PROJECT)
    r = run_stdin(_query("nope_new"), "--stdin-filename", "convex/sub/new.ts", "--format", "json", cwd=root)
    assert findings(r) == {("convex/sub/new.ts", "no-unknown-table", 3)}
    assert not (root / "convex/sub").exists()
    # outside the functions directory it is client code: server rules stay silent
    r = run_stdin(_query("nope_new"), "--stdin-filename", "src/app.ts", "--format", "json", cwd=root)
    assert (r.returncode, findings(r)) == (0, set())


def test_output_paths_are_relative_to_the_working_directory(project):
    root = project(PROJECT)
    spellings = {
        "./convex/../convex/notes.ts": (root, "convex/notes.ts"),
        str(root / "convex/notes.ts"): (root, "convex/notes.ts"),
        "notes.ts": (root / "convex", "notes.ts"),
        "../convex/notes.ts": (root / "convex", "notes.ts"),
    }
    for given, (cwd, shown) in spellings.items():
        r = run_stdin(_query("nots"), "--stdin-filename", given, "--format", "concise", cwd=cwd)
        assert r.returncode == 1, (given, r.stderr)
        assert r.stdout.startswith(f"{shown}:3:"), (given, r.stdout)


def test_text_format_shows_the_stdin_source(project):
    root = project(PROJECT)
    r = run_stdin(_query("stdin_only_table"), "--stdin-filename", "convex/notes.ts", cwd=root)
    assert r.returncode == 1
    assert 'ctx.db.query("stdin_only_table")' in r.stdout  # the code frame is stdin's text
    assert "in 1 file checked" in r.stdout


def test_invalid_utf8_is_a_diagnostic(project):
    root = project(PROJECT)
    r = run_stdin(b"export const x = '\xff';\n", "--stdin-filename", "convex/notes.ts", "--format", "json", cwd=root)
    assert r.returncode == 1
    assert findings(r) == {("convex/notes.ts", "unreadable-file", 1)}
    assert "Traceback" not in r.stderr


def test_the_cache_never_mixes_stdin_and_disk(project):
    root = project(PROJECT)
    assert findings(run_stdin(_query("nots"), "--stdin-filename", "convex/notes.ts", "--format", "json", cwd=root)) == {("convex/notes.ts", "no-unknown-table", 3)}
    assert findings(run_stdin(_query("notes"), "--stdin-filename", "convex/notes.ts", "--format", "json", cwd=root)) == set()
    r = run_cli("check", "--format", "json", cwd=root)  # the disk, with the same cache
    assert findings(r) == {("convex/other.ts", "no-unknown-table", 3)}


def test_many_files_and_jobs_still_read_stdin(project):
    files = dict(PROJECT)
    files.update({f"convex/m{i}.ts": _query("notes") for i in range(60)})
    root = project(files)
    r = run_stdin(_query("nots"), "--stdin-filename", "convex/m7.ts", "--format", "json", "--no-cache", "-j", "2", cwd=root)
    assert findings(r) == {("convex/m7.ts", "no-unknown-table", 3)}


def test_fix_prints_the_fixed_text_and_writes_nothing(project):
    root = project({**PROJECT, "convex/add.ts": "// on disk\n"})
    r = run_stdin(FIXABLE, "--stdin-filename", "convex/add.ts", "--fix", cwd=root)
    assert r.returncode == 0, r.stderr
    assert r.stdout == FIXABLE.replace("args: {}, handler", "args: {}, returns: v.null(), handler")
    assert "Fixed 1 problem" in r.stderr and "All clear" in r.stderr
    assert (root / "convex/add.ts").read_text() == "// on disk\n"
    # what is left is reported on stderr, in the chosen format
    r = run_stdin(FIXABLE.replace('"notes"', '"nots"'), "--stdin-filename", "convex/add.ts", "--fix", "--format", "json", cwd=root)
    assert r.returncode == 1
    assert "returns: v.null()" in r.stdout
    assert [d["rule"] for d in json.loads(r.stderr)] == ["no-unknown-table"]


def test_fix_only_and_diff(project):
    root = project(PROJECT)
    r = run_stdin(FIXABLE, "--stdin-filename", "convex/new.ts", "--fix-only", cwd=root)
    assert r.returncode == 0
    assert "returns: v.null()" in r.stdout and "Fixed 1 problem" in r.stderr
    r = run_stdin(FIXABLE, "--stdin-filename", "convex/new.ts", "--diff", cwd=root)
    assert r.returncode == 1
    assert r.stdout.startswith("--- a/convex/new.ts\n+++ b/convex/new.ts\n")
    assert "+export const add = internalMutation({ args: {}, returns: v.null()," in r.stdout
    assert not (root / "convex/new.ts").exists()
    # nothing to fix: the text comes back as it was, and the diff is empty
    r = run_stdin(_query("notes"), "--stdin-filename", "convex/new.ts", "--fix", cwd=root)
    assert (r.returncode, r.stdout) == (0, _query("notes"))
    assert run_stdin(_query("notes"), "--stdin-filename", "convex/new.ts", "--diff", cwd=root).stdout == ""


def test_usage_errors(project):
    root = project(PROJECT)
    cases = [
        (["--stdin-filename", "convex/notes.ts", "convex"], "give no PATHS"),
        (["--stdin-filename", "convex/notes.ts", "--changed"], "cannot be used together"),
        (["--stdin-filename", "convex"], "is a directory"),
        (["--stdin-filename", "convex/notes.py"], "is not a file convexlint lints"),
    ]
    for args, message in cases:
        r = run_stdin("", *args, cwd=root)
        assert r.returncode == 2, args
        assert r.stderr.startswith("convexlint: error: --stdin-filename") and message in r.stderr, r.stderr


def test_a_fix_that_would_edit_another_file_is_not_applied(project):
    # require-internal-reference's fix edits the caller (stdin) and the target (on disk)
    root = project({
        "convex/maintenance.ts": 'import { mutation } from "./_generated/server";\nimport { v } from "convex/values";\n'
        "export const purge = mutation({ args: {}, returns: v.null(), handler: async () => null });\n",
    })
    crons = (
        'import { cronJobs } from "convex/server";\nimport { api } from "./_generated/api";\nconst crons = cronJobs();\n'
        'crons.interval("purge", { hours: 1 }, api.maintenance.purge);\nexport default crons;\n'
    )
    write_files(root, {"convex/crons.ts": crons})
    assert "+++ b/convex/maintenance.ts" in run_cli("check", "--diff", "--unsafe-fixes", cwd=root).stdout  # it does edit both
    before = (root / "convex/maintenance.ts").read_bytes()
    r = run_stdin(crons, "--stdin-filename", "convex/crons.ts", "--fix", "--unsafe-fixes", "--format", "json", cwd=root)
    assert r.stdout == crons
    assert [d["rule"] for d in json.loads(r.stderr)] == ["require-internal-reference"]
    assert (root / "convex/maintenance.ts").read_bytes() == before
    assert run_stdin(crons, "--stdin-filename", "convex/crons.ts", "--diff", "--unsafe-fixes", cwd=root).stdout == ""
