"""No input produces a traceback: arbitrary bytes and mangled Convex code are linted or
reported, never crash (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import lint, write_files

SEED = '''import { query, httpAction } from "./_generated/server";
import { api } from "./_generated/api";
import { httpRouter, cronJobs, defineSchema, defineTable } from "convex/server";
export const f = query({ args: {}, handler: async (ctx) => ctx.db.query("t").withIndex("by_a").filter((q) => q).take(1) });
const http = httpRouter();
http.route({ path: "/x", method: "POST", handler: httpAction(async () => new Response("x", { headers: { ...H } })) });
const crons = cronJobs(); crons.interval("a", { minutes: 1 }, api.a.b);
export default defineSchema({ t: defineTable({ a: v.string() }).index("by_a_and_b", ["a", "b"]) });
'''


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=len(SEED)), junk=st.text(max_size=8))
def test_truncated_and_spliced_convex_code(tmp_path_factory, cut, junk):
    root = tmp_path_factory.mktemp("fuzz")
    write_files(root, {"convex/a.ts": SEED[:cut] + junk + SEED[cut:][: len(SEED) // 3]})
    result = lint(["convex"], root)
    assert all(d.span.start_line >= 1 and d.span.start_col >= 1 for d in result.diagnostics)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("bytes")
    (root / "convex").mkdir()
    (root / "convex" / "a.ts").write_bytes(data)
    result = lint(["convex/a.ts"], root)
    assert all(d.rule in ("syntax-error", "unreadable-file", "require-returns-validator", "no-filter-in-query",
                          "require-internal-reference", "index-name-convention", "http-action-cors",
                          "http-options-preflight", "invalid-suppression") for d in result.diagnostics)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\n\u00e9\U0001f600", max_size=200), st.data())
def test_span_agrees_with_position(text, data):
    """``SourceFile.span`` has an inlined fast path for ASCII files; it must agree with
    ``position`` (1-based line, 1-based UTF-16 column) everywhere."""
    from convexlint.parsing import SourceFile, parse

    raw = text.encode()
    source = SourceFile("x.ts", raw, text, parse(raw, "x.ts"))
    boundaries = [i for i in range(len(raw) + 1) if i == len(raw) or (raw[i] & 0xC0) != 0x80]
    start = data.draw(st.sampled_from(boundaries))
    end = data.draw(st.sampled_from([b for b in boundaries if b >= start]))
    span = source.span(start, end)
    assert (span.start_line, span.start_col) == source.position(start)
    assert (span.end_line, span.end_col) == source.position(end)
