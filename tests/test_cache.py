"""The per-file cache: warm runs reuse results, cross-file rules are never stale, and a
corrupt or foreign cache is rebuilt, never a crash."""

from __future__ import annotations

import json

import pytest

import convexlint.engine as engine
from convexlint.config import Settings
from convexlint.discovery import discover
from convexlint.engine import Linter
from convexlint.records import load_records

from conftest import run_cli, write_files

SCHEMA = (
    'import { defineSchema, defineTable } from "convex/server";\nimport { v } from "convex/values";\n'
    'export default defineSchema({ posts: defineTable({ title: v.string() }).index("{index}", ["title"]) });\n'
)
POSTS = (
    'import { internalQuery } from "./_generated/server";\nimport { v } from "convex/values";\n'
    "export const byTitle = internalQuery({\n  args: { title: v.string() },\n  returns: v.any(),\n"
    '  handler: async (ctx, { title }) => await ctx.db.query("posts").withIndex("by_title", (q) => q.eq("title", title)).take(5),\n});\n'
)


def lint(root, cache_dir):
    settings = Settings(load_records(), None, cwd=root)
    result = Linter(settings, root).run(discover([root]), cache_dir=cache_dir)
    return [(d.path, d.span.start_line, d.rule) for d in result.diagnostics]


def test_warm_run_reuses_results_without_parsing(tmp_path, monkeypatch):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA.replace("{index}", "by_title"), "convex/posts.ts": POSTS})
    cache = tmp_path / ".cache"
    cold = lint(tmp_path, cache)
    assert (cache / "cache.json").is_file() and (cache / ".gitignore").read_text().strip().endswith("*")

    def no_parse(*_a, **_k):
        raise AssertionError("an unchanged file was parsed again")

    monkeypatch.setattr(engine, "parse", no_parse)
    assert lint(tmp_path, cache) == cold


def test_schema_change_rejudges_other_files(tmp_path):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA.replace("{index}", "by_title"), "convex/posts.ts": POSTS})
    cache = tmp_path / ".cache"
    assert lint(tmp_path, cache) == []
    write_files(tmp_path, {"convex/schema.ts": SCHEMA.replace("{index}", "by_heading")})
    found = lint(tmp_path, cache)
    assert ("convex/posts.ts", 6, "no-unknown-index") in found  # posts.ts itself did not change


@pytest.mark.parametrize(
    "content",
    ["{not json", json.dumps({"format": 2, "fingerprint": "someone else", "entries": {"x": 1}}), json.dumps([1, 2])],
)
def test_corrupt_or_foreign_cache_is_rebuilt(tmp_path, content):
    write_files(tmp_path, {"convex/posts.ts": POSTS.replace('returns: v.any(),\n', "")})
    cache = tmp_path / ".cache"
    cache.mkdir()
    (cache / "cache.json").write_text(content)
    assert [r for _, _, r in lint(tmp_path, cache)] == ["require-returns-validator"]
    assert json.loads((cache / "cache.json").read_text())["format"] == 2


def test_corrupt_entry_is_recomputed(tmp_path):
    write_files(tmp_path, {"convex/posts.ts": POSTS.replace('returns: v.any(),\n', "")})
    cache = tmp_path / ".cache"
    lint(tmp_path, cache)
    data = json.loads((cache / "cache.json").read_text())
    for entry in data["entries"].values():
        entry["facts"] = {"bogus": True}
    (cache / "cache.json").write_text(json.dumps(data))
    assert [r for _, _, r in lint(tmp_path, cache)] == ["require-returns-validator"]


def test_cli_cache_flags(tmp_path):
    write_files(tmp_path, {"convex/posts.ts": POSTS})
    assert run_cli("check", "--no-cache", cwd=tmp_path).returncode == 0
    assert not (tmp_path / ".convexlint_cache").exists()
    assert run_cli("check", cwd=tmp_path).returncode == 0
    assert (tmp_path / ".convexlint_cache" / "cache.json").is_file()
    assert run_cli("check", "--cache-dir", "elsewhere", cwd=tmp_path).returncode == 0
    assert (tmp_path / "elsewhere" / "cache.json").is_file()


def test_suppressions_survive_the_cache(tmp_path):
    """Regression: suppression problems (tuples holding spans) must serialize."""
    body = POSTS.replace('returns: v.any(),\n', "").replace(
        "export const byTitle", "// convexlint-disable-next-line no-such-rule, require-returns-validator\nexport const byTitle"
    )
    write_files(tmp_path, {"convex/posts.ts": body})
    cache = tmp_path / ".cache"
    cold = lint(tmp_path, cache)
    assert [r for _, _, r in cold] == ["invalid-suppression"]
    assert lint(tmp_path, cache) == cold
