"""Mutation fuzzing over real-shaped Convex code (issue 10, "Tests").

Hypothesis mutates the bundled example's functions directory (deleting, duplicating and
inserting slices, control characters, terminal escapes, deep nesting) and checks the
invariants a trusted linter keeps on any input: no exception; every span inside its
file; JSON and SARIF parse and are valid UTF-8; the github format is nothing but
well-formed workflow commands; a run answered from the cache equals an uncached one.
Kept to well under a minute.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convexlint.config import Settings
from convexlint.discovery import discover
from convexlint.engine import Linter
from convexlint.records import load_records
from convexlint.reporters import github, json as json_reporter, sarif

from conftest import REPO

EXAMPLE = REPO / "examples" / "chat-app"
SOURCES = {p.relative_to(EXAMPLE).as_posix(): p.read_text(encoding="utf-8") for p in sorted((EXAMPLE / "convex").rglob("*.ts")) if "_generated" not in p.parts}
NAMES = sorted(SOURCES)
#: What a mutation may insert: Convex shapes, control characters, terminal escapes.
PIECES = [
    "ctx.db.query(\"messages\").filter((q) => q)", "await ctx.runQuery(api.a.b, {});", "query({ args: {}, handler: async (ctx) => 1 })",
    "v.object({ a: v.string() })", "}", "{", "(", ")", "\"", "`${", "//", "/*", "\n", "\x00", "\x1b[2J", "\x1b]8;;http://x\x07",
    "\u2028", "\x85", "\r", "::error::x", "a(" * 50, "\ufeff",
    # Shapes that have fixes: old syntax, a certain table, a stale suppression, no await.
    "\nexport const old = internalQuery(async (ctx) => null);\n",
    "const id = await ctx.db.insert(\"t\", {}); await ctx.db.patch(id, {});",
    "\n// convexlint-disable-next-line no-filter-in-query\n", "ctx.scheduler.runAfter(0, internal.a.b, {});",
]
COMMAND = re.compile(r"::(error|warning|notice) [^\n\r]*::[^\r\n]*")


def _mutate(text: str, ops: list[tuple[int, int, int, int]]) -> str:
    for op, a, b, piece in ops:
        n = len(text)
        i, j = sorted((a % (n + 1), b % (n + 1)))
        if op == 0:
            text = text[:i] + text[j:]  # delete a slice
        elif op == 1:
            text = text[:j] + text[i:j] + text[j:]  # duplicate a slice
        else:
            text = text[:i] + PIECES[piece % len(PIECES)] + text[i:]  # insert a piece
    return text


def _run(root: Path, cache: Path | None):
    settings = Settings(load_records(), None, cwd=root, preview=True)
    linter = Linter(settings, root)
    return linter.run(discover([root / "convex"], client_context=linter.needs_client_code), jobs=1, cache_dir=cache)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    name=st.sampled_from(NAMES),
    ops=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 100)), min_size=1, max_size=6),
)
def test_mutated_example_keeps_every_invariant(tmp_path_factory, name, ops):
    root = tmp_path_factory.mktemp("mut")
    shutil.copytree(EXAMPLE / "convex", root / "convex")
    mutated = _mutate(SOURCES[name], ops)
    (root / name).write_text(mutated, encoding="utf-8", errors="surrogatepass")

    result = _run(root, None)  # no exception is the first invariant
    for d in result.diagnostics:
        data = (root / d.path).read_bytes()
        assert 0 <= d.span.start_byte <= d.span.end_byte <= len(data), d
        assert 1 <= d.span.start_line <= d.span.end_line <= data.count(b"\n") + 1, d
        assert d.span.start_col >= 1 and d.span.end_col >= 1, d

    for text in (json_reporter.render(result), sarif.render(result, load_records(), cwd=root)):
        text.encode("utf-8")  # strict: no lone surrogates
        json.loads(text)
    for line in github.render(result).splitlines():
        assert COMMAND.fullmatch(line), line

    cache = root / ".cache"
    cold, warm = _run(root, cache), _run(root, cache)
    assert cold.diagnostics == result.diagnostics
    assert warm.diagnostics == result.diagnostics


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    name=st.sampled_from(NAMES),
    ops=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 100)), max_size=4),
)
def test_fixing_mutated_code_never_breaks_it_and_is_final(tmp_path_factory, name, ops):
    """Every fix (safe and unsafe) on mutated code: no new syntax errors, nothing fixable
    left but fixes the engine refused and reported (in a file that is already broken,
    tree-sitter's error recovery can count more errors after any edit), and fixing the
    fixed text again changes nothing (issue 11, Tests)."""
    from convexlint import fixes

    root = tmp_path_factory.mktemp("fix")
    shutil.copytree(EXAMPLE / "convex", root / "convex")
    (root / name).write_text(_mutate(SOURCES[name], ops), encoding="utf-8")
    settings = Settings(load_records(), None, cwd=root, preview=True)
    settings.report_unused_disables = True
    linter = Linter(settings, root)
    targets = discover([root / "convex"], client_context=linter.needs_client_code)
    outcome = fixes.fix(linter, targets, unsafe=True)
    for path, data in outcome.edited.items():
        rel = path.relative_to(root).as_posix()
        assert fixes.syntax_errors(data, rel) <= fixes.syntax_errors(outcome.original[path], rel), rel
    refused = {rel for rel, _problem in outcome.problems}
    assert not [d for d in outcome.result.diagnostics if fixes.applies(d, True) and d.path not in refused]
    again = fixes.fix(linter, targets, unsafe=True)  # the overlay holds the fixed text
    assert again.total_fixed == 0
