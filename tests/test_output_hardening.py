"""Issue 10, items 4, 6, 7 and 9: every report is bounded, injection-free and valid UTF-8.

- 4: code frames show a window of the source line around the span, and findings beyond
  ``MAX_PER_LINE`` on one line are counted, not printed (output is not O(findings × line)).
- 6/7: control characters and terminal escape sequences from file names and source code
  are rendered visibly (``\\x1b``, ``\\n``, ``\\u2028``) in every format, never raw.
- 9: a file name that is not UTF-8 is linted, and every format, on stdout or ``-o``, with
  or without the cache, is valid UTF-8 with the bytes shown as ``\\xff`` (``%FF`` in URIs).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from rich.cells import cell_len

from convexlint.reporters import github, text
from convexlint.reporters import json as json_reporter
from convexlint.textsafe import escape_controls

from conftest import SHARED, lint, write_files

from convexlint.reporters import FORMATS
HEADER = 'import { query } from "./_generated/server";\n'
FILTER = 'ctx.db.query("t").filter((q) => q.eq(q.field("a"), 1));'
# Raw bytes a terminal or a CI log acts on: C0 (ESC, BEL, BS), DEL, C1 (CSI), U+2028/9.
UNSAFE_BYTES = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")
COMMAND = re.compile(
    r"::(error|warning|notice) file=[^,:\n]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z0-9-]+::[^\n]*"
)


def _handler(body: str) -> str:
    return HEADER + "export const f = query({ args: {}, handler: async (ctx) => { " + body + " } });\n"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """The CLI in a subprocess, stdout and stderr as bytes (they must be UTF-8)."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "convexlint", *args], cwd=cwd, capture_output=True, env=env, timeout=120
    )


def _assert_safe(out: bytes, fmt: str) -> str:
    """``out`` decodes as UTF-8, holds no raw control character (LF aside) and, for the
    github format, nothing but workflow commands; returns the text."""
    decoded = out.decode("utf-8")  # strict: raises on invalid UTF-8
    assert not UNSAFE_BYTES.search(out), UNSAFE_BYTES.search(out)
    if fmt == "github":
        for line in decoded.splitlines():
            assert COMMAND.fullmatch(line), line
    elif fmt in ("text", "concise"):
        assert not any(line.startswith("::") for line in decoded.splitlines())
    else:
        json.loads(decoded)
    return decoded


# -- the escaping primitive --------------------------------------------------------------


def test_escape_controls_renders_controls_visibly_and_leaves_the_rest():
    assert escape_controls("a\tb\nc\rd") == "a\\tb\\nc\\rd"
    assert escape_controls("\x1b[2J\x07\x00\x7f") == "\\x1b[2J\\x07\\x00\\x7f"
    assert escape_controls("\x85\x9b31m") == "\\x85\\x9b31m"
    assert escape_controls("a\u2028b\u2029c") == "a\\u2028b\\u2029c"
    assert escape_controls(os.fsdecode(b"bad\xff\xfe.ts")) == "bad\\xff\\xfe.ts"
    assert escape_controls("\ud800") == "\\ud800"
    plain = "C:\\path\\x1b — ünïcödé 😀 `code`"
    assert escape_controls(plain) == plain  # backslashes and printable text are untouched
    assert escape_controls(escape_controls("x\x1by")) == escape_controls("x\x1by")


# -- items 6 and 7: injection through file names and source code --------------------------

HOSTILE_NAME = "y\n::add-mask::secret\x1b[2J\u2028.ts"
HOSTILE_SOURCE = (
    'const s = "\x1b[2J\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \x1b]0;title \x9b31m \u2028 \x7f";'
    ' return await ctx.db.query("users").filter((q) => q.eq(s, s)).collect();'
)


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    write_files(root, {"convex/" + HOSTILE_NAME: _handler(HOSTILE_SOURCE), "convex/plain.ts": _handler(HOSTILE_SOURCE)})
    return root


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_control_character_reaches_any_format(hostile_project, fmt):
    proc = _run(["check", "--no-cache", "--format", fmt, "."], hostile_project)
    assert proc.returncode == 1, proc.stderr
    out = _assert_safe(proc.stdout, fmt)
    if fmt == "text":
        assert "convex/y\\n::add-mask::secret\\x1b[2J\\u2028.ts:" in out  # the path, visibly
        assert "`y\\n::add-mask::secret\\x1b[2J\\u2028`" in out  # a message quoting it
        assert '"\\x1b[2J\\x1b]8;;https://evil.example\\x07link' in out  # the code frame
        assert "\\x1b]0;title \\x9b31m \\u2028 \\x7f" in out
    elif fmt == "concise":
        assert "convex/y\\n::add-mask::secret\\x1b[2J\\u2028.ts:" in out  # the path, visibly
        assert "`y\\n::add-mask::secret\\x1b[2J\\u2028`" in out  # a message quoting it
    elif fmt == "github":
        assert "file=convex/y%0A%3A%3Aadd-mask%3A%3Asecret\\x1b[2J\\u2028.ts," in out
    elif fmt == "json":
        paths = {d["path"] for d in json.loads(out)}
        assert paths == {"convex/" + HOSTILE_NAME, "convex/plain.ts"}  # JSON escapes are lossless
    else:
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(out)["runs"][0]["results"]}
        assert {unquote_to_bytes(u).decode() for u in uris} == {"convex/" + HOSTILE_NAME, "convex/plain.ts"}


def test_github_message_escapes_terminal_sequences():
    from convexlint.diagnostics import Diagnostic, LintResult, Severity, Span

    d = Diagnostic("no-filter-in-query", Severity.ERROR, "a\x1b]0;t\x07b\x9bc\u2028d%\r\ne", "c/\x1b.ts", Span(0, 1, 1, 1, 1, 2))
    out = github.render(LintResult(diagnostics=[d]))
    assert out == (
        "::error file=c/\\x1b.ts,line=1,col=1,endLine=1,endColumn=2,title=no-filter-in-query"
        "::a\\x1b]0;t\\x07b\\x9bc\\u2028d%25%0D%0Ae\n"
    )


def test_a_missing_path_on_the_command_line_is_escaped_on_stderr(tmp_path):
    proc = _run(["check", "nope\n::error::injected\x1b[2J"], tmp_path)
    assert proc.returncode == 2
    err = proc.stderr.decode("utf-8")
    assert "nope\\n::error::injected\\x1b[2J: no such file or directory" in err
    assert not any(line.startswith("::") for line in err.splitlines())


# -- item 4: bounded code frames ---------------------------------------------------------


def _caret(frame_line: str, marker_line: str) -> str:
    """The text of ``frame_line`` under the carets of ``marker_line`` (both with gutters)."""
    start = marker_line.index("^")
    length = marker_line.count("^")
    prefix, rest = frame_line[:start], frame_line[start:]
    assert cell_len(prefix) == start
    return rest[:length]


def test_many_findings_on_one_long_line_print_bounded_output(project):
    n = 600
    root = project({"convex/a.ts": _handler(" ".join([FILTER] * n))})
    assert len((root / "convex/a.ts").read_text()) > n * len(FILTER)
    result = lint(["."], root, select=["no-filter-in-query"])
    assert len(result.diagnostics) == n
    out = text.render(result, color=False)
    # The whole 34 KB line printed twice per finding would be ~40 MB.
    assert len(out) < 200 * 1000
    assert max(len(line) for line in out.splitlines()) <= 300
    assert text.MAX_PER_LINE < n
    assert len(re.findall(r"^convex/a\.ts:2:\d+: ", out, re.M)) == text.MAX_PER_LINE
    assert f"convex/a.ts:2: {n - text.MAX_PER_LINE} more problems on this line not shown" in out
    assert f"Found {n} problems" in out  # the summary still counts every finding


def test_a_code_frame_is_a_window_around_the_span(project):
    pad = "x" * 5000
    source = _handler(f'const a = "{pad}"; ' + FILTER + f' const b = "{pad}";')
    root = project({"convex/a.ts": source})
    result = lint(["."], root, select=["no-filter-in-query"])
    (diag,) = result.diagnostics
    lines = text.render(result, color=False, show_summary=False).splitlines()
    frame = next(i for i, line in enumerate(lines) if line.startswith("2 | "))
    shown, marker = lines[frame], lines[frame + 1]
    assert shown.startswith("2 | …") and shown.endswith("…")
    assert len(shown) <= len("2 | ") + text.WINDOW + 1
    assert _caret(shown, marker) == "filter"
    assert lines[frame - 1].startswith("1 | ")  # the context line, cut to the same window
    assert len(lines[frame - 1]) <= len("1 | ") + text.WINDOW + 1


@pytest.mark.parametrize(
    "before",
    [
        'const s = "\x1b[2J\x1b]0;t\x07\u2028";',  # escapes widen the text before the span
        'const s = "\U0001d4b3\U0001d4b3\U0001d4b3";',  # astral: two UTF-16 code units each
        'const s = "\t\t";',  # tabs are shown as four spaces
    ],
)
def test_the_caret_stays_under_the_span(project, before):
    root = project({"convex/a.ts": _handler(before + " " + FILTER)})
    result = lint(["."], root, select=["no-filter-in-query"])
    lines = text.render(result, color=False, show_summary=False).splitlines()
    frame = next(i for i, line in enumerate(lines) if line.startswith("2 | "))
    assert _caret(lines[frame], lines[frame + 1]) == "filter"


# -- item 9: file names that are not UTF-8 -------------------------------------------------


@pytest.fixture(scope="module")
def non_utf8_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("names")
    write_files(root, {"convex/plain.ts": _handler(FILTER)})
    name = os.fsencode(root / "convex") + b"/bad\xff\xfename.ts"
    try:
        with open(name, "wb") as f:
            f.write(_handler(FILTER).encode())
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take file names that are not UTF-8")
    return root


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_name_that_is_not_utf8_is_linted_and_every_output_is_utf8(non_utf8_project, fmt, tmp_path):
    root = non_utf8_project
    cache = tmp_path / "cache"
    runs = {
        "stdout, no cache": ["--no-cache"],
        "file, no cache": ["--no-cache", "-o", str(tmp_path / "out")],
        "stdout, cache cold": ["--cache-dir", str(cache)],
        "stdout, cache warm": ["--cache-dir", str(cache)],
        "file, cache warm": ["--cache-dir", str(cache), "-o", str(tmp_path / "out2")],
    }
    outputs = {}
    for what, args in runs.items():
        proc = _run(["check", "--format", fmt, *args, "."], root)
        assert proc.returncode == 1, (what, proc.stderr)
        out = proc.stdout if "-o" not in args else Path(args[args.index("-o") + 1]).read_bytes()
        decoded = _assert_safe(out, fmt)
        outputs[what] = re.sub(r"\(\d+\.\d+s\)", "", decoded)
    assert len(set(outputs.values())) == 1, "cached output differs from uncached"
    out = outputs["stdout, no cache"]
    if fmt in ("text", "concise", "github"):
        assert "convex/bad\\xff\\xfename.ts" in out
    elif fmt == "json":
        assert {d["path"] for d in json.loads(out)} == {"convex/bad\\xff\\xfename.ts", "convex/plain.ts"}
    else:
        results = json.loads(out)["runs"][0]["results"]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        assert uris == {"convex/bad%FF%FEname.ts", "convex/plain.ts"}
        schema_path = SHARED / "schemas" / "sarif-schema-2.1.0.json"
        if schema_path.is_file():
            import jsonschema

            validator = jsonschema.Draft4Validator(json.loads(schema_path.read_text()), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
            assert not [e.message for e in validator.iter_errors(json.loads(out))]


def test_json_dumps_keeps_values_and_makes_the_rest_safe():
    value = {"a": "x\x1b\x7f\x9b\u2028y", "p": os.fsdecode(b"bad\xff.ts")}
    out = json_reporter.dumps(value)
    out.encode("utf-8")  # no lone surrogate left
    assert not UNSAFE_BYTES.search(out.encode())
    assert json.loads(out) == {"a": "x\x1b\x7f\x9b\u2028y", "p": "bad\\xff.ts"}


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_inspect_output_is_utf8_and_escaped(non_utf8_project, fmt):
    r = _run(["inspect", "--format", fmt, "convex"], non_utf8_project)
    assert r.returncode == 0, r.stderr
    out = _assert_safe(r.stdout, "json" if fmt == "json" else "text")
    shown = json.dumps(json.loads(out)) if fmt == "json" else out
    assert ("bad\\\\xff\\\\xfename.ts" if fmt == "json" else "bad\\xff\\xfename.ts") in shown
