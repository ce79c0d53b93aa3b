"""Robustness seen on real projects (issue 12): Python warnings of dependencies stay off
the user's terminal, file names that are not UTF-8 are linted in every format, and a
syntax error is reported where the parser failed."""

from __future__ import annotations

import json
import os
import warnings

import pytest

from conftest import lint, run_cli, write_files

HANDLER = (
    'import { query } from "./_generated/server";\n'
    'export const f = query({ args: {}, handler: async (ctx) => ctx.db.query("t").filter((q) => true).take(1) });\n'
)

# -- Python warnings of dependencies ---------------------------------------------------------


@pytest.fixture
def odd_patterns(tmp_path):
    """A project whose .gitignore and configuration hold ``[[a]``: pathspec compiles it to a
    regular expression that makes ``re`` emit ``FutureWarning: Possible nested set``."""
    write_files(tmp_path, {
        "convex/a.ts": HANDLER,
        ".gitignore": "node_modules\n[[a]\n",
        "convexlint.yaml": 'exclude: ["[[b]"]\n',
    })
    return tmp_path


def test_the_odd_pattern_does_warn_in_pathspec():
    """The premise of the next test: without the CLI's filter the warning is emitted."""
    import pathspec

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pathspec.GitIgnoreSpec.from_lines(["[[c]"]).match_file("x")
    assert any(issubclass(w.category, FutureWarning) for w in caught)


def test_dependency_warnings_do_not_reach_the_terminal(odd_patterns):
    env = {k: v for k, v in os.environ.items() if k not in ("CONVEXLINT_DEBUG", "PYTHONWARNINGS")}
    proc = run_cli("check", "--no-cache", ".", cwd=odd_patterns, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Warning" not in proc.stderr and proc.stderr == ""
    assert "convex/a.ts" in proc.stdout  # linted all the same


def test_convexlint_debug_shows_dependency_warnings(odd_patterns):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"} | {"CONVEXLINT_DEBUG": "1"}
    proc = run_cli("check", "--no-cache", ".", cwd=odd_patterns, env=env)
    assert "FutureWarning: Possible nested set" in proc.stderr


def test_importing_convexlint_does_not_change_warning_filters():
    import importlib

    import convexlint.cli

    before = list(warnings.filters)
    importlib.reload(convexlint.cli)
    assert warnings.filters == before


SPAWNED_RUN = """
import sys, threading
threading.active_count = lambda: 2  # the engine spawns (not forks) workers when threads run
from convexlint.cli import main
sys.argv = ["convexlint", "check", "--no-cache", "--jobs", "2", "."]
main()
"""


@pytest.mark.parametrize("debug", [False, True])
def test_spawned_workers_hide_or_show_warnings_as_the_main_process(tmp_path, debug):
    """A spawned worker (macOS, or a main process with threads) unpickles the settings,
    recompiling the odd pattern, before any initializer runs: the filter must reach it
    as an interpreter option."""
    import subprocess
    import sys

    from convexlint.engine import PARALLEL_THRESHOLD

    write_files(tmp_path, {"convexlint.yaml": 'exclude: ["[[b]"]\n'})
    write_files(tmp_path, {f"convex/m{n}.ts": HANDLER.replace("const f", f"const f{n}") for n in range(PARALLEL_THRESHOLD + 8)})
    env = {k: v for k, v in os.environ.items() if k not in ("CONVEXLINT_DEBUG", "PYTHONWARNINGS")}
    if debug:
        env["CONVEXLINT_DEBUG"] = "1"
    proc = subprocess.run([sys.executable, "-c", SPAWNED_RUN], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    assert f"in {PARALLEL_THRESHOLD + 8} files checked" in proc.stdout
    if debug:
        assert "multiprocessing/spawn.py" in proc.stderr and "FutureWarning" in proc.stderr  # a worker's
    else:
        assert proc.stderr == ""


def test_running_the_cli_in_process_restores_the_warning_settings(odd_patterns, monkeypatch):
    import sys

    from click.testing import CliRunner

    from convexlint.cli import main

    monkeypatch.chdir(odd_patterns)
    filters, options = list(warnings.filters), list(sys.warnoptions)
    result = CliRunner().invoke(main, ["check", "--no-cache", "."])
    assert result.exit_code in (0, 1), result.output
    assert warnings.filters == filters and sys.warnoptions == options


# -- syntax-error points where parsing failed ------------------------------------------------


@pytest.mark.parametrize(
    "line, at",
    [
        # tree-sitter wraps the whole declaration, from column 1, in an ERROR node; the token
        # it could not take is a nested ERROR.
        ("function f(a, { return a; }", "a; }"),
        ('const q = await ctx.db.query("t").withIndex("by_a", (q) => q.eq("a", 1).take(;', ";"),
        ("const x = foo(1, 2 3);", "3);"),  # a plain mid-line ERROR stays where it is
    ],
)
def test_syntax_error_points_at_the_failing_token_not_the_statement(tmp_path, line, at):
    from convexlint.parsing import first_syntax_error, parse

    source = f'import {{ query }} from "./_generated/server";\nexport const a = 1;\n{line}\nexport const c = 2;\n'
    write_files(tmp_path, {"convex/a.ts": source})
    [d] = [d for d in lint(["convex"], tmp_path).diagnostics if d.rule == "syntax-error"]
    assert (d.span.start_line, d.span.start_col) == (3, line.rindex(at) + 1)
    outer = first_syntax_error(parse(source.encode(), "a.ts").root_node)
    if line.startswith("function"):  # the premise: the outermost error starts the line
        assert outer.start_point == (2, 0)


# -- file names that are not UTF-8 -----------------------------------------------------------


@pytest.fixture(scope="module")
def latin1_names(tmp_path_factory):
    """``convex/café.ts`` and ``convex/diré/m.ts`` written in Latin-1 (as a Windows share or
    an old archive leaves them), beside a configuration whose globs must match them."""
    root = tmp_path_factory.mktemp("latin1")
    write_files(root, {"convex/plain.ts": HANDLER, "convexlint.yaml": 'rules: {no-filter-in-query: error}\noverrides:\n  - files: ["convex/dir*/**"]\n    rules: {no-filter-in-query: warning}\n'})
    base = os.fsencode(root / "convex")
    try:
        os.mkdir(base + b"/dir\xe9")
        for name in (b"/caf\xe9.ts", b"/dir\xe9/m.ts"):
            with open(base + name, "wb") as f:
                f.write(HANDLER.encode())
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take file names that are not UTF-8")
    return root


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("target", [".", os.fsdecode(b"convex/caf\xe9.ts")])
def test_latin1_file_names_are_linted_in_every_format(latin1_names, fmt, target):
    proc = run_cli("check", "--no-cache", "--format", fmt, "--select", "no-filter-in-query", target, cwd=latin1_names)
    assert proc.returncode == 1, proc.stderr  # findings, not a usage or internal error (2)
    assert proc.stderr == ""
    out = proc.stdout
    if fmt == "json":
        found = {(d["path"], d["severity"]) for d in json.loads(out)}
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]  # a URI: the raw byte percent-encoded
        uris = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["level"]) for r in results}
        found = {(uri.replace("%E9", "\\xe9"), level) for uri, level in uris}
    else:
        found = out
    expected = {("convex/caf\\xe9.ts", "error")}
    if target == ".":  # the override's glob matched the Latin-1 directory
        expected |= {("convex/dir\\xe9/m.ts", "warning"), ("convex/plain.ts", "error")}
    if fmt in ("json", "sarif"):
        assert found == expected
    else:
        for path, _ in expected:
            assert path in found
