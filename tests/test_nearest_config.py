"""Configuration in a monorepo (issue 12): each file is judged by the configuration nearest
to it, ``extend:`` inherits, results never depend on the order of the paths named, TOML is
read as TOML, and severities accept what users type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_files

SERVER = 'export {};\n'
# one finding of each: no-unknown-table (error) and require-returns-validator (info)
FUNCTIONS = '''import { internalQuery } from "./_generated/server";
import { v } from "convex/values";
export const list = internalQuery({ args: {}, handler: async (ctx) => await ctx.db.query("nope").take(1) });
'''
SCHEMA = 'import { defineSchema, defineTable } from "convex/server";\nexport default defineSchema({ t: defineTable({}) });\n'


def _package(root: Path, name: str, config: str | None) -> None:
    files = {f"packages/{name}/convex/_generated/server.d.ts": SERVER, f"packages/{name}/convex/schema.ts": SCHEMA,
             f"packages/{name}/convex/a.ts": FUNCTIONS, f"packages/{name}/package.json": "{}"}
    if config is not None:
        files[f"packages/{name}/convexlint.yaml"] = config
    write_files(root, files)


def _findings(root: Path, *args: str) -> list[tuple[str, str, str]]:
    r = run_cli("check", "--no-cache", "--format", "json", *args, cwd=root)
    assert r.returncode in (0, 1), r.stderr
    return sorted((d["path"], d["rule"], d["severity"]) for d in json.loads(r.stdout))


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    write_files(tmp_path, {"convexlint.yaml": "rules:\n  require-returns-validator: error\n", "package.json": "{}"})
    _package(tmp_path, "web", "rules:\n  no-unknown-table: warn\n")
    _package(tmp_path, "admin", None)  # judged by the root configuration
    return tmp_path


def test_each_file_is_judged_by_its_nearest_configuration(monorepo):
    found = _findings(monorepo, "packages/web", "packages/admin")
    assert found == [
        ("packages/admin/convex/a.ts", "no-unknown-table", "error"),
        ("packages/admin/convex/a.ts", "require-returns-validator", "error"),  # the root's setting
        ("packages/web/convex/a.ts", "no-unknown-table", "warning"),  # the package's own
        ("packages/web/convex/a.ts", "require-returns-validator", "info"),  # no extend: the root's setting does not reach it
    ]
    assert _findings(monorepo, "packages/admin", "packages/web") == found  # order of paths does not matter
    assert _findings(monorepo) == found
    assert _findings(monorepo / "packages" / "web", ".") == [(p.removeprefix("packages/web/"), r, s) for p, r, s in found if p.startswith("packages/web")]


def test_extend_inherits_and_the_nearer_file_wins(monorepo):
    (monorepo / "packages" / "web" / "convexlint.yaml").write_text("extend: ../../convexlint.yaml\nrules:\n  no-unknown-table: warn\n")
    found = _findings(monorepo, "packages/web")
    assert found == [("packages/web/convex/a.ts", "no-unknown-table", "warning"), ("packages/web/convex/a.ts", "require-returns-validator", "error")]


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ("extend: missing.yaml\n", "extend: no such configuration file `missing.yaml`"),
        ("extend: convexlint.yaml\n", "a cycle"),
    ],
)
def test_a_bad_extend_is_a_usage_error(tmp_path, config, problem):
    _package(tmp_path, "web", config)
    r = run_cli("check", "--no-cache", "packages/web", cwd=tmp_path)
    assert r.returncode == 2 and problem in r.stderr and "Traceback" not in r.stderr


def test_a_broken_pyproject_names_file_and_position(tmp_path):
    _package(tmp_path, "web", None)
    (tmp_path / "pyproject.toml").write_text('[tool.convexlint]\nrules = { no-unknown-table = "warn"\n')
    r = run_cli("check", "--no-cache", "packages/web", cwd=tmp_path)
    assert r.returncode == 2 and "pyproject.toml: invalid TOML" in r.stderr and "line 2" in r.stderr


def test_a_toml_config_is_read_as_toml(tmp_path):
    _package(tmp_path, "web", None)
    (tmp_path / "lint.toml").write_text('[rules]\nno-unknown-table = "warn"\n')
    assert ("packages/web/convex/a.ts", "no-unknown-table", "warning") in _findings(tmp_path, "--config", "lint.toml", "packages/web")
    (tmp_path / "lint.toml").write_text("[rules\n")
    r = run_cli("check", "--no-cache", "--config", "lint.toml", "packages/web", cwd=tmp_path)
    assert r.returncode == 2 and "lint.toml: invalid TOML" in r.stderr and "line 1" in r.stderr


@pytest.mark.parametrize(("typed", "severity"), [("warn", "warning"), ("1", "warning"), ("2", "error"), ("WARNING", "warning")])
def test_severities_accept_what_users_type(tmp_path, typed, severity):
    _package(tmp_path, "web", f"rules:\n  no-unknown-table: {typed}\n")
    assert ("packages/web/convex/a.ts", "no-unknown-table", severity) in _findings(tmp_path)


def test_severity_zero_turns_a_rule_off_and_a_typo_lists_the_valid_values(tmp_path):
    _package(tmp_path, "web", "rules:\n  no-unknown-table: 0\n")
    assert "no-unknown-table" not in {r for _p, r, _s in _findings(tmp_path)}
    (tmp_path / "packages" / "web" / "convexlint.yaml").write_text("rules:\n  no-unknown-table: {severity: warnings}\n")
    r = run_cli("check", "--no-cache", cwd=tmp_path)
    assert r.returncode == 2
    assert "rules.no-unknown-table.severity: 'warnings' is not a severity; use off (or 0), info, warning (or warn, 1) or error (or 2)" in r.stderr


def test_show_settings_names_the_configuration_chain_and_the_rules(monorepo):
    (monorepo / "packages" / "web" / "convexlint.yaml").write_text(
        "extend: ../../convexlint.yaml\nrules:\n  no-unknown-table: warn\n  index-name-convention: {severity: warn, options: {style: and}}\n"
    )
    r = run_cli("check", "--show-settings", "packages/web/convex/a.ts", cwd=monorepo)
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[1] == f"configuration: {monorepo / 'convexlint.yaml'} <- {monorepo / 'packages/web/convexlint.yaml'}"
    assert "  no-unknown-table: warning (default error)" in lines
    assert "  require-returns-validator: error (default info)" in lines
    assert "  index-name-convention: warning (default error); options {'style': 'and'}" in lines
    admin = run_cli("check", "--show-settings", "packages/admin/convex/a.ts", cwd=monorepo).stdout.splitlines()
    assert admin[1] == f"configuration: {monorepo / 'convexlint.yaml'}" and "  no-unknown-table: error" in admin


def test_show_files_lists_each_file_as_what_it_is_linted(monorepo):
    write_files(monorepo, {
        "packages/web/convex/a.test.ts": "export const x = 1;\n",
        "packages/web/convex/gen.ts": "/* auto-generated: do not edit */\nexport const y = 1;\n",
        "packages/web/src/app.tsx": 'import { api } from "../convex/_generated/api";\nexport const z = api;\n',
    })
    r = run_cli("check", "--show-files", cwd=monorepo)
    assert r.returncode == 0
    lines = set(r.stdout.splitlines())
    assert "packages/web/convex/a.test.ts  server, test  [packages/web/convexlint.yaml]" in lines
    assert "packages/web/convex/gen.ts  server, generated  [packages/web/convexlint.yaml]" in lines
    assert "packages/admin/convex/a.ts  server  [convexlint.yaml]" in lines
    assert any(line.startswith("packages/web/src/app.tsx  client") for line in lines), r.stdout
