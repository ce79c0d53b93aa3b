"""Configuration: discovery, validation (file, key and reason), selection and overrides."""

from __future__ import annotations

import json

import pytest

from convexlint.config import ConfigError, Settings, find_config, load_config_file
from convexlint.records import load_records

from conftest import lint, run_cli, write_files

BAD_INDEX = {
    "convex/schema.ts": 'import { defineSchema, defineTable } from "convex/server";\nimport { v } from "convex/values";\n'
    'export default defineSchema({ t: defineTable({ a: v.string(), b: v.string() }).index("by_a_and_b", ["a", "b"]) });\n',
}
FILTER = 'import { internalQuery as query } from "./_generated/server";\nimport { v } from "convex/values";\n' \
    'export const f = query({ args: {}, returns: v.any(), handler: async (ctx) => ctx.db.query("t").filter((q) => true).take(1) });\n'


def rules_fired(tmp_path, *args):
    r = run_cli("check", "--format", "json", "--preview", *args, cwd=tmp_path)  # index-name-convention is in preview
    assert r.returncode in (0, 1), r.stderr
    return sorted((d["path"], d["rule"], d["severity"]) for d in json.loads(r.stdout))


def test_yaml_config_sets_options_and_severity(tmp_path):
    write_files(tmp_path, BAD_INDEX)
    assert rules_fired(tmp_path) == [("convex/schema.ts", "index-name-convention", "error")]
    write_files(tmp_path, {".convexlint.yaml": "rules:\n  index-name-convention:\n    options: {style: and}\n"})
    assert rules_fired(tmp_path) == []
    write_files(tmp_path, {".convexlint.yaml": "rules:\n  index-name-convention: warning\n"})
    assert rules_fired(tmp_path) == [("convex/schema.ts", "index-name-convention", "warning")]


def test_pyproject_config(tmp_path):
    write_files(tmp_path, {**BAD_INDEX, "pyproject.toml": '[tool.convexlint]\nignore = ["schema"]\n'})
    assert rules_fired(tmp_path) == []


def test_nearest_config_wins(tmp_path):
    write_files(
        tmp_path,
        {
            "convexlint.yaml": "ignore: [database]\n",
            "app/convexlint.yaml": "select: [database]\n",
            "app/convex/f.ts": FILTER,
        },
    )
    assert find_config(tmp_path / "app" / "convex" / "f.ts") == tmp_path / "app" / "convexlint.yaml"
    assert rules_fired(tmp_path / "app") == [("convex/f.ts", "no-filter-in-query", "info")]


def test_overrides_and_excludes(tmp_path):
    write_files(
        tmp_path,
        {
            "convex/f.ts": FILTER,
            "convex/legacy/old.ts": FILTER,
            "convex/vendor/x.ts": FILTER,
            "convexlint.yaml": "exclude: ['convex/vendor/**']\n"
            "overrides:\n  - files: ['convex/legacy/**']\n    rules: {no-filter-in-query: warning}\n",
        },
    )
    assert rules_fired(tmp_path) == [
        ("convex/f.ts", "no-filter-in-query", "info"),
        ("convex/legacy/old.ts", "no-filter-in-query", "warning"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selct: [http]\n", "selct: unknown key"),
        ("select: [no-such-rule]\n", "select: unknown rule or category `no-such-rule`"),
        ("rules:\n  no-filter-in-querry: off\n", "rules.no-filter-in-querry: unknown rule (did you mean `no-filter-in-query`?)"),
        ("rules:\n  no-filter-in-query: {severity: fatal}\n", "rules.no-filter-in-query"),
        ("rules:\n  no-filter-in-query: {options: {allow_after_index: 'yes'}}\n", "options.allow_after_index: 'yes' is not of type 'boolean'"),
        ("rules:\n  no-filter-in-query: {options: {allow: true}}\n", "options.allow: unknown option (known: allow_after_index)"),
        ("overrides:\n  - rules: {}\n", "overrides.0: 'files' is a required property"),
        ("select: http\n", "select: 'http' is not of type 'array'"),
        ("- just a list\n", "must be a mapping"),
        ("select: [\n", "invalid YAML"),
    ],
)
def test_invalid_config_names_file_key_and_reason(tmp_path, text, message):
    path = tmp_path / "convexlint.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        Settings(load_records(), load_config_file(path), cwd=tmp_path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_invalid_pyproject_names_table(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.convexlint]\nselct = []\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: tool.convexlint.selct: unknown key"):
        load_config_file(path)


def test_explicit_config_flag_and_missing_config(tmp_path):
    write_files(tmp_path, {**BAD_INDEX, "ci.yaml": "ignore: [index-name-convention]\n"})
    assert rules_fired(tmp_path, "--config", "ci.yaml") == []
    r = run_cli("check", "--config", "missing.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "missing.yaml" in r.stderr


def test_preview_and_all(tmp_path):
    settings = Settings(load_records(), None, select=["all"], cwd=tmp_path)
    assert "no-filter-in-query" in settings.candidates


def test_lint_api_options_override(tmp_path):
    write_files(tmp_path, {"convex/f.ts": FILTER.replace('ctx.db.query("t")', 'ctx.db.query("t").withIndex("by_a")')})
    assert [d.rule for d in lint(["convex"], tmp_path).diagnostics] == ["no-filter-in-query"]
    assert lint(["convex"], tmp_path, options={"no-filter-in-query": {"allow_after_index": True}}).diagnostics == []


def test_a_rule_can_be_turned_on_for_test_files(project):
    from conftest import lint

    files = {
        "convex/_generated/server.d.ts": "",
        "convex/a.test.ts": 'export const f = async (ctx: any) => ctx.db.query("t").collect();\n',
    }
    root = project(files)
    assert [d.rule for d in lint(["."], root, select=["no-collect-in-query"]).diagnostics] == []
    (root / "convexlint.yaml").write_text("rules:\n  no-collect-in-query: {tests: true}\n")
    assert [d.rule for d in lint(["."], root, select=["no-collect-in-query"]).diagnostics] == ["no-collect-in-query"]


def test_generated_files_can_be_reported(project):
    from conftest import lint

    root = project(
        {
            "convex/_generated/server.d.ts": "",
            "convex/gen.ts": '// @generated by a tool\nexport const f = async (ctx: any) => ctx.db.query("t").filter((q: any) => q).first();\n',
        }
    )
    assert lint(["."], root, select=["no-filter-in-query"]).diagnostics == []
    (root / "convexlint.yaml").write_text("generated: report\n")
    assert [d.rule for d in lint(["."], root, select=["no-filter-in-query"]).diagnostics] == ["no-filter-in-query"]
