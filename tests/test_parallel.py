"""--jobs: identical output, in content and order, whatever the number of worker processes."""

from __future__ import annotations

from conftest import run_cli, write_files

FN = '''import {{ query, internalMutation }} from "./_generated/server";
import {{ api }} from "./_generated/api";
import {{ v }} from "convex/values";
export const list{n} = query({{
  args: {{}},
  handler: async (ctx) => await ctx.db.query("items").filter((q) => q.eq(q.field("n"), {n})).collect(),
}});
export const bump{n} = internalMutation({{
  args: {{}},
  returns: v.null(),
  handler: async (ctx) => {{
    await ctx.scheduler.runAfter(0, api.m{n}.list{n}, {{}});
    return null;
  }},
}});
'''


def test_output_is_identical_across_jobs(tmp_path):
    files = {f"convex/m{n}.ts": FN.format(n=n) for n in range(80)}
    files["convex/schema.ts"] = (
        'import { defineSchema, defineTable } from "convex/server";\nimport { v } from "convex/values";\n'
        'export default defineSchema({ items: defineTable({ n: v.number() }).index("by_n_and_x", ["n"]) });\n'
    )
    write_files(tmp_path, files)
    outputs = {}
    for jobs in ("1", "2", "3"):
        r = run_cli("check", "--format", "json", "--jobs", jobs, cwd=tmp_path)
        assert r.returncode in (0, 1) and not r.stderr, r.stderr  # findings are info/warnings
        outputs[jobs] = r.stdout
    assert outputs["1"] == outputs["2"] == outputs["3"]
    assert outputs["1"].count('"rule": "no-filter-in-query"') == 80


def test_workers_dying_midway_lose_nothing(tmp_path, monkeypatch):
    """If worker processes die (or cannot start), the files they did not finish are
    linted in the main process: same result, no traceback."""
    from concurrent.futures.process import BrokenProcessPool

    import convexlint.engine as engine
    from convexlint.config import Settings
    from convexlint.discovery import discover
    from convexlint.records import load_records

    write_files(tmp_path, {f"convex/m{n}.ts": FN.format(n=n) for n in range(6)})
    linter = engine.Linter(Settings(load_records(), None, cwd=tmp_path), tmp_path)
    targets = discover([tmp_path])
    serial = linter.run(targets, jobs=1).diagnostics

    def dying_workers(self, targets, jobs):
        for t in targets[:3]:
            yield self.encode(self.lint_file(t))
        raise BrokenProcessPool("a worker died")

    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(engine.Linter, "_in_workers", dying_workers)
    assert linter.run(targets, jobs=2).diagnostics == serial
    assert len(serial) >= 6
