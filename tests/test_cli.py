"""The command line as users run it: exit codes, formats, bad input, selection."""

from __future__ import annotations

import json
import os

from conftest import REPO, run_cli, write_files

CLEAN = {
    "convex/schema.ts": 'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
    'export default defineSchema({ notes: defineTable({ ownerId: v.string() }).index("by_ownerId", ["ownerId"]) });\n',
    "convex/notes.ts": 'import { internalQuery } from "./_generated/server";\nimport { v } from "convex/values";\n'
    "export const list = internalQuery({ args: {}, returns: v.any(), handler: async (ctx) => await ctx.db.query(\"notes\").take(5) });\n",
}
WARNING_ONLY = {
    "convex/http.ts": 'import { httpRouter } from "convex/server";\nimport { httpAction } from "./_generated/server";\n'
    'const H = { "Access-Control-Allow-Origin": "*" };\nconst http = httpRouter();\n'
    'http.route({ path: "/x", method: "POST", handler: httpAction(async () => new Response("ok", { headers: H })) });\n'
    "export default http;\n",
}


def test_clean_project_exits_zero(tmp_path):
    write_files(tmp_path, CLEAN)
    r = run_cli("check", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "All clear" in r.stdout
    assert "2 files" in r.stdout


def test_findings_exit_one_and_exit_zero_flag(tmp_path):
    write_files(tmp_path, {**CLEAN, "convex/bad-name.ts": "export const x = 1;\n"})
    r = run_cli("check", cwd=tmp_path)
    assert r.returncode == 1
    assert "convex/bad-name.ts:1:1: error[invalid-function-path]" in r.stdout
    assert run_cli("check", "--exit-zero", cwd=tmp_path).returncode == 0


def test_max_warnings(tmp_path):
    write_files(tmp_path, {**CLEAN, **WARNING_ONLY})
    assert run_cli("check", cwd=tmp_path).returncode == 0  # warnings alone pass
    assert run_cli("check", "--max-warnings", "0", cwd=tmp_path).returncode == 1
    assert run_cli("check", "--max-warnings", "1", cwd=tmp_path).returncode == 0


def test_missing_path_is_usage_error(tmp_path):
    r = run_cli("check", "nope/", cwd=tmp_path)
    assert r.returncode == 2
    assert "nope" in r.stderr and "no such file" in r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_option_and_rule_are_usage_errors(tmp_path):
    write_files(tmp_path, CLEAN)
    assert run_cli("check", "--bogus", cwd=tmp_path).returncode == 2
    r = run_cli("check", "--select", "no-filter-in-querry", cwd=tmp_path)
    assert r.returncode == 2
    assert "did you mean `no-filter-in-query`" in r.stderr
    r = run_cli("rule", "nope", cwd=tmp_path)
    assert r.returncode == 2


def test_bad_config_exits_two_naming_file_key_and_reason(tmp_path):
    write_files(tmp_path, {**CLEAN, "convexlint.yaml": "rules:\n  index-name-convention:\n    options: {style: snake}\n"})
    r = run_cli("check", cwd=tmp_path)
    assert r.returncode == 2
    assert "convexlint.yaml" in r.stderr
    assert "rules.index-name-convention.options.style" in r.stderr
    assert "'snake' is not one of" in r.stderr
    assert "Traceback" not in r.stderr


def test_syntax_error_file_is_reported_and_rest_still_linted(tmp_path):
    write_files(
        tmp_path,
        {
            **CLEAN,
            "convex/broken.ts": 'import { query } from "./_generated/server";\nexport const f = query({ args: {}, handler: async (ctx) => ctx.db.query("t").filter((q) => true).take(1 });\n',
        },
    )
    r = run_cli("check", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    rules = {(d["path"], d["rule"]) for d in json.loads(r.stdout)}
    assert ("convex/broken.ts", "syntax-error") in rules
    assert ("convex/broken.ts", "no-filter-in-query") in rules  # linted despite the error


def test_binary_and_non_utf8_files(tmp_path):
    write_files(tmp_path, CLEAN)
    (tmp_path / "convex" / "blob.ts").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "convex" / "latin1.ts").write_bytes(b"export const caf\xe9 = 1;\n")
    r = run_cli("check", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    diags = {d["path"]: d for d in json.loads(r.stdout)}
    assert diags["convex/blob.ts"]["rule"] == "unreadable-file"
    assert "binary" in diags["convex/blob.ts"]["message"]
    assert diags["convex/latin1.ts"]["rule"] == "unreadable-file"
    assert "UTF-8" in diags["convex/latin1.ts"]["message"]
    assert "Traceback" not in r.stderr


def test_select_and_ignore_by_id_and_category(tmp_path):
    write_files(tmp_path, {**CLEAN, **WARNING_ONLY, "convex/bad.ts": 'import { internalQuery } from "./_generated/server";\nexport const f = internalQuery({ args: {}, handler: async () => 1 });\n'})
    rules = lambda *a: {d["rule"] for d in json.loads(run_cli("check", "--format", "json", *a, cwd=tmp_path).stdout)}  # noqa: E731
    assert rules() == {"require-returns-validator", "http-options-preflight"}
    assert rules("--select", "http") == {"http-options-preflight"}
    assert rules("--ignore", "functions") == {"http-options-preflight"}
    assert rules("--select", "require-returns-validator,http-options-preflight", "--ignore", "http") == {"require-returns-validator"}


def test_output_file_and_formats(tmp_path):
    write_files(tmp_path, {**CLEAN, **WARNING_ONLY})
    out = tmp_path / "reports" / "out.sarif"
    r = run_cli("check", "--format", "sarif", "--output-file", str(out), cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == ""
    assert json.loads(out.read_text())["version"] == "2.1.0"
    gh = run_cli("check", "--format", "github", cwd=tmp_path).stdout
    assert gh.startswith("::warning file=convex/http.ts,line=5,col=1,endLine=5,endColumn=")
    assert ",title=http-options-preflight::`POST /x` sends CORS headers" in gh


def test_no_color_when_piped_and_color_when_forced(tmp_path):
    write_files(tmp_path, WARNING_ONLY)
    plain = run_cli("check", cwd=tmp_path).stdout
    assert "\x1b[" not in plain
    forced = run_cli("check", "--color", cwd=tmp_path).stdout
    assert "\x1b[" in forced
    env = dict(os.environ, NO_COLOR="1")
    assert "\x1b[" not in run_cli("check", cwd=tmp_path, env=env).stdout


def test_explicit_file_outside_functions_dir_is_client_code(tmp_path):
    write_files(
        tmp_path,
        {
            **CLEAN,
            "src/App.tsx": 'import { api } from "../convex/_generated/api";\nexport const f = (ctx: any) => ctx.runQuery(api.notes.list, {});\n',
        },
    )
    assert run_cli("check", "src/App.tsx", cwd=tmp_path).returncode == 0
    # A file in no Convex project at all is linted as server code when named explicitly.
    loose = tmp_path.parent / (tmp_path.name + "-loose")
    write_files(loose, {"loose.ts": 'import { api } from "./_generated/api";\nexport const g = (ctx: any) => ctx.runQuery(api.notes.list, {});\n'})
    r = run_cli("check", "--format", "json", str(loose / "loose.ts"), cwd=REPO)
    assert {d["rule"] for d in json.loads(r.stdout)} == {"require-internal-reference"}


def test_version_rules_and_rule_docs(tmp_path):
    r = run_cli("--version", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("convexlint ")
    listing = run_cli("rules", cwd=tmp_path).stdout
    for rule in ("no-filter-in-query", "require-returns-validator", "http-action-cors"):
        assert rule in listing
    doc = run_cli("rule", "index-name-convention", cwd=tmp_path).stdout
    assert "| `style` | string | `underscore` | `underscore`, `and` |" in doc
    assert "by_author_and_published" in doc


def test_works_from_any_directory_with_installed_records(tmp_path):
    """The rule records ship inside the package: nothing is read from the checkout."""
    write_files(tmp_path / "proj", CLEAN)
    r = run_cli("check", "proj", cwd=tmp_path)
    assert r.returncode == 0, r.stderr


def test_utf8_file_with_a_stray_nul_is_linted_not_binary(tmp_path):
    """Regression (tale-project/tale): a large TypeScript file with one NUL in a string."""
    body = 'import { internalQuery } from "./_generated/server";\nconst SEP = "\x00";\n' + "// filler line for size\n" * 200
    body += "export const f = internalQuery({ args: {}, handler: async () => SEP });\n"
    write_files(tmp_path, {"convex/nul.ts": body})
    r = run_cli("check", "--format", "json", cwd=tmp_path)
    assert [d["rule"] for d in json.loads(r.stdout)] == ["require-returns-validator"]


def test_valid_typescript_the_grammar_misparses_is_not_a_syntax_error(tmp_path):
    """Regression (tale-project/tale): import types with members / type arguments."""
    write_files(
        tmp_path,
        {
            "convex/types.ts": "export function f(id: import('./_generated/dataModel').Id<'users'>) {\n  return id;\n}\n"
            "export const g = async (load: any) => await load<typeof import('convex/server')>();\n",
            "convex/broken.ts": "export const h = (;\n",
        },
    )
    r = run_cli("check", "--format", "json", cwd=tmp_path)
    assert [(d["path"], d["rule"]) for d in json.loads(r.stdout)] == [("convex/broken.ts", "syntax-error")]
