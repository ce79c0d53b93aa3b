"""Hostile configuration files (issue 10, items 3, 5, 8, 10-15): every problem exits with 2
and one line naming the file, the key and the reason; never a traceback, never a hang."""

from __future__ import annotations

import json

import pytest

from convexlint.config import DEFAULT_MAX_FILE_SIZE, MAX_CONFIG_BYTES, ConfigError, Settings, find_config, load_config_file
from convexlint.records import load_records
from convexlint.textsafe import escape_controls

from conftest import run_cli, write_files

FILTER = (
    'import { internalQuery as query } from "./_generated/server";\nimport { v } from "convex/values";\n'
    'export const f = query({ args: {}, returns: v.any(), handler: async (ctx) => ctx.db.query("t").filter((q) => true).take(1) });\n'
)


def settings_for(path, **kwargs) -> Settings:
    return Settings(load_records(), load_config_file(path), cwd=path.parent, **kwargs)


def config_error(tmp_path, text: str, name: str = "convexlint.yaml") -> str:
    """The ConfigError message for a config file holding ``text`` (which must be invalid)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        settings_for(path)
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message
    return message


def check_fails(tmp_path, *args: str) -> str:
    """Run ``convexlint check`` in ``tmp_path`` (with a small Convex project); assert exit 2
    with a one-line error and no traceback; return that line."""
    write_files(tmp_path, {"convex/f.ts": FILTER})
    r = run_cli("check", *args, cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert r.stderr.startswith("convexlint: error: ") and r.stderr.count("\n") == 1, r.stderr
    return r.stderr


# -- item 5: YAML anchors and aliases, file size -----------------------------------------

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
)


def test_billion_laughs_config_is_rejected_fast(tmp_path):
    (tmp_path / "convexlint.yaml").write_text(BILLION_LAUGHS)
    err = check_fails(tmp_path)
    assert "convexlint.yaml" in err and "anchor" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("select: &s [database]\n", "line 1, column 9: YAML anchor `&s`"),
        ("ignore: [http]\nrules:\n  <<: *x\n", "line 3, column 7: YAML alias `*x`"),
    ],
)
def test_yaml_anchors_and_aliases_are_rejected(tmp_path, text, message):
    assert message in config_error(tmp_path, text)


def test_oversized_config_file_is_rejected(tmp_path):
    text = "# padding\n" * (MAX_CONFIG_BYTES // 10 + 1) + "preview: true\n"
    assert "larger than" in config_error(tmp_path, text)
    assert "larger than" in config_error(tmp_path, "[tool.convexlint]\n" + text, "pyproject.toml")


def test_a_fifo_is_not_read_as_a_config_file(tmp_path):
    import os
    import subprocess
    import sys

    os.mkfifo(tmp_path / "convexlint.yaml")
    code = (
        "import sys\nfrom convexlint.config import ConfigError, load_config_file\n"
        "try:\n    load_config_file(__import__('pathlib').Path('convexlint.yaml'))\n"
        "except ConfigError as exc:\n    print(exc)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.stdout == "convexlint.yaml: cannot read: not a regular file\n", r.stderr


# -- item 8: control characters in echoed keys, values and paths -------------------------


def test_escape_controls():
    assert escape_controls("a\nb\r\tc\x1b[2J\x7f\x85\u2028\u2029é/x.ts") == "a\\nb\\r\\tc\\x1b[2J\\x7f\\x85\\u2028\\u2029é/x.ts"
    assert escape_controls("plain `text` \\n") == "plain `text` \\n"


def test_config_key_with_newline_is_escaped_in_the_error(tmp_path):
    (tmp_path / "convexlint.yaml").write_text('"x\\n::error::injected\\u2028\\e[2J": 1\n')
    err = check_fails(tmp_path)
    assert "x\\n::error::injected\\u2028\\x1b[2J: unknown key" in err
    assert "\x1b" not in err and "\u2028" not in err


def test_rule_id_and_path_with_control_characters_are_escaped(tmp_path):
    (tmp_path / "convexlint.yaml").write_text('select: ["a\\n::error::b"]\n')
    assert "`a\\n::error::b`" in check_fails(tmp_path)
    assert "`c\\rd`" in check_fails(tmp_path, "--select", "c\rd", "--config", "convexlint.yaml")
    bad = tmp_path / "x\n::warning::y"
    bad.mkdir()
    (bad / "convexlint.yaml").write_text("selct: []\n")
    assert "x\\n::warning::y/convexlint.yaml: selct: unknown key" in check_fails(tmp_path, "--config", str(bad / "convexlint.yaml"))


def test_multiline_yaml_errors_become_one_line(tmp_path):
    message = config_error(tmp_path, "select: [\n")
    assert "invalid YAML" in message and "line 2" in message


# -- item 10: rule ids that are not strings ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  null: off\n", "rules: key null: must be a string"),
        ("rules:\n  1: warning\n", "rules: key 1: must be a string"),
        ("rules:\n  true: warning\n", "rules: key true: must be a string"),
        ("select: [null]\n", "select.0: null is not of type 'string'"),
        ("ignore: [1, http]\n", "ignore.0: 1 is not of type 'string'"),
        ("select: [true]\n", "select.0: true is not of type 'string'"),
        ("overrides:\n  - files: [a]\n    rules: {null: off}\n", "overrides.0.rules: key null: must be a string"),
        ("overrides:\n  - files: [a]\n    ignore: [~]\n", "overrides.0.ignore.0: null is not of type 'string'"),
        ("null: 1\nselct: 2\n", "<top>: key null: must be a string"),
    ],
)
def test_rule_ids_must_be_strings(tmp_path, text, message):
    assert message in config_error(tmp_path, text)


def test_non_string_rule_id_exits_2_from_the_cli(tmp_path):
    (tmp_path / "convexlint.yaml").write_text("rules:\n  1: warning\n")
    assert "convexlint.yaml: rules: key 1: must be a string" in check_fails(tmp_path)


# -- items 11 and 15: globs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("include: ['[z-a]']\n", "include.0: invalid glob `[z-a]`: bad character range z-a"),
        ("exclude: [a, '!']\n", "exclude.1: invalid glob `!`"),
        ("exclude: ['a\\']\n", "exclude.0: invalid glob `a\\`"),
        ("overrides:\n  - files: ['**/[z-a]/x']\n    rules: {}\n", "overrides.0.files.0: invalid glob `**/[z-a]/x`"),
        ("include: ['[unclosed']\n", "include.0: glob `[unclosed` can never match"),
        ("include: ['convex/**', '']\n", "include.1: glob `` can never match"),
        ("overrides:\n  - files: ['# all']\n", "overrides.0.files.0: glob `# all` can never match"),
    ],
)
def test_invalid_globs_are_config_errors(tmp_path, text, message):
    assert message in config_error(tmp_path, text)


def test_unclosed_include_is_not_all_clear(tmp_path):
    (tmp_path / "convexlint.yaml").write_text("include: ['[unclosed']\n")
    assert "include.0: glob `[unclosed` can never match" in check_fails(tmp_path)


def test_invalid_exclude_exits_2_from_the_cli(tmp_path):
    (tmp_path / "convexlint.yaml").write_text("exclude: ['[z-a]']\n")
    assert "convexlint.yaml: exclude.0: invalid glob `[z-a]`" in check_fails(tmp_path)


def test_negated_and_ordinary_globs_still_work(tmp_path):
    path = tmp_path / "convexlint.yaml"
    path.write_text("include: ['convex/**', '!convex/legacy/**']\nexclude: ['*.gen.ts']\n")
    s = settings_for(path)
    assert s.is_included("convex/a.ts")
    assert not s.is_included("convex/legacy/a.ts") and not s.is_included("convex/b.gen.ts")


# -- items 12 and 13: pyproject.toml -----------------------------------------------------


@pytest.mark.parametrize("tool", ["1", '"convexlint"', '["convexlint"]'])
def test_pyproject_whose_tool_is_not_a_table(tmp_path, tool):
    write_files(tmp_path, {"pyproject.toml": f"tool = {tool}\n"})
    with pytest.raises(ConfigError, match=r"pyproject.toml: tool: must be a table"):
        find_config(tmp_path)
    assert "pyproject.toml: tool: must be a table" in check_fails(tmp_path)


def test_broken_pyproject_with_our_table_is_an_error(tmp_path):
    write_files(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.convexlint]\nselect = ["database"\nignore = []\n'})
    err = check_fails(tmp_path)
    assert "pyproject.toml: invalid TOML: Unclosed array (at line 6, column 1)" in err


def test_broken_pyproject_without_our_table_is_ignored(tmp_path):
    write_files(tmp_path, {"pyproject.toml": "[project\nname = \n", "convex/f.ts": FILTER})
    assert find_config(tmp_path) is None
    r = run_cli("check", "--format", "json", cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr
    assert [d["rule"] for d in json.loads(r.stdout)] == ["no-filter-in-query"]


def test_deeply_nested_toml(tmp_path):
    deep = "[" * 5000 + "]" * 5000
    write_files(tmp_path, {"pyproject.toml": f"[tool.convexlint]\nselect = {deep}\n"})
    assert "pyproject.toml: invalid TOML: nested too deeply" in check_fails(tmp_path)
    # not ours: ignored like any other broken pyproject.toml
    (tmp_path / "pyproject.toml").write_text(f"[tool.black]\nx = {deep}\n")
    assert find_config(tmp_path) is None


def test_deeply_nested_values_are_rejected(tmp_path):
    deep = "[" * 900 + "]" * 900
    message = config_error(tmp_path, f"rules:\n  no-filter-in-query:\n    options:\n      allow_after_index: {deep}\n")
    assert "rules.no-filter-in-query.options.allow_after_index" in message and "nested more than" in message
    message = config_error(tmp_path, "[tool.convexlint]\nselect = " + "[" * 200 + "]" * 200 + "\n", "pyproject.toml")
    assert "tool.convexlint.select" in message and "nested more than" in message


# -- item 14: registrars -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["1", "null", "true", "2.5"])
def test_registrar_names_must_be_strings(tmp_path, key):
    message = config_error(tmp_path, f"registrars:\n  ? {key}\n  : query\n  authedQuery: query\n")
    assert f"registrars: key {key}: must be a string" in message


def test_non_string_registrar_exits_2_with_the_cache_on(tmp_path):
    (tmp_path / "convexlint.yaml").write_text("registrars:\n  1: query\n  authedQuery: query\n")
    assert "convexlint.yaml: registrars: key 1: must be a string" in check_fails(tmp_path, "--cache-dir", str(tmp_path / "cache"))


# -- item 3 (configuration side): max_file_size ------------------------------------------


def test_max_file_size_default_config_and_flag(tmp_path):
    assert DEFAULT_MAX_FILE_SIZE == 1024 * 1024
    assert Settings(load_records(), None, cwd=tmp_path).max_file_size == DEFAULT_MAX_FILE_SIZE
    path = tmp_path / "convexlint.yaml"
    path.write_text("max_file_size: 2048\n")
    assert settings_for(path).max_file_size == 2048
    assert settings_for(path, max_file_size=10).max_file_size == 10
    (tmp_path / "pyproject.toml").write_text("[tool.convexlint]\nmax_file_size = 4096\n")
    assert settings_for(tmp_path / "pyproject.toml").max_file_size == 4096


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "max_file_size: 0 is less than the minimum of 1"), ("big", "max_file_size: 'big' is not of type 'integer'"), ("true", "is not of type 'integer'")],
)
def test_invalid_max_file_size(tmp_path, value, message):
    assert message in config_error(tmp_path, f"max_file_size: {value}\n")


def test_max_file_size_flag(tmp_path):
    write_files(tmp_path, {"convex/f.ts": FILTER})
    r = run_cli("check", "--max-file-size", "0", cwd=tmp_path)
    assert r.returncode == 2 and "--max-file-size" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("check", "--help", cwd=tmp_path)
    assert "--max-file-size BYTES" in r.stdout
    r = run_cli("check", "--format", "json", "--max-file-size", "100000", cwd=tmp_path)
    assert r.returncode == 0 and [d["rule"] for d in json.loads(r.stdout)] == ["no-filter-in-query"]
