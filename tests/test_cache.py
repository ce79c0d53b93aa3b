"""The per-file cache: warm runs reuse results, cross-file rules are never stale, and a
corrupt or foreign cache is rebuilt, never a crash."""

from __future__ import annotations

import json

import pytest

import convexlint.engine as engine
from convexlint.cache import FORMAT
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


def lint(root, cache_dir, preview=False):
    settings = Settings(load_records(), None, preview=preview, cwd=root)
    result = Linter(settings, root).run(discover([root]), cache_dir=cache_dir)
    return [(d.path, d.span.start_line, d.rule) for d in result.diagnostics]


def test_warm_run_reuses_results_without_parsing(tmp_path, monkeypatch):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA.replace("{index}", "by_title"), "convex/posts.ts": POSTS.replace("returns: v.any(),\n", "")})
    cache = tmp_path / ".cache"
    cold = lint(tmp_path, cache)
    assert [r for _, _, r in cold] == ["require-returns-validator"]
    assert (cache / "index.json").is_file() and (cache / "entries.jsonl").is_file()
    assert (cache / ".gitignore").read_text().strip().endswith("*")

    def no_parse(*_a, **_k):
        raise AssertionError("an unchanged file was parsed again")

    monkeypatch.setattr(engine, "parse", no_parse)
    assert lint(tmp_path, cache) == cold
    # Nothing changed: the whole result is replayed, not even the per-file entries are decoded.
    monkeypatch.setattr(Linter, "decode", no_parse)
    assert lint(tmp_path, cache) == cold


def test_one_changed_file_is_the_only_one_parsed(tmp_path, monkeypatch):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA.replace("{index}", "by_title"), "convex/posts.ts": POSTS, "convex/other.ts": POSTS})
    cache = tmp_path / ".cache"
    assert lint(tmp_path, cache) == []
    parsed = []
    real_parse = engine.parse
    monkeypatch.setattr(engine, "parse", lambda data, name: parsed.append(name) or real_parse(data, name))
    write_files(tmp_path, {"convex/other.ts": POSTS.replace("by_title", "by_nothing")})
    assert lint(tmp_path, cache) == [("convex/other.ts", 6, "no-unknown-index")]
    assert parsed == ["convex/other.ts"]


def test_schema_change_rejudges_other_files(tmp_path):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA.replace("{index}", "by_title"), "convex/posts.ts": POSTS})
    cache = tmp_path / ".cache"
    assert lint(tmp_path, cache) == []
    write_files(tmp_path, {"convex/schema.ts": SCHEMA.replace("{index}", "by_heading")})
    found = lint(tmp_path, cache)
    assert ("convex/posts.ts", 6, "no-unknown-index") in found  # posts.ts itself did not change
    write_files(tmp_path, {"convex/schema.ts": SCHEMA.replace("{index}", "by_title")})
    assert lint(tmp_path, cache) == []


def test_generated_env_change_rejudges(tmp_path):
    """Project rules also read `_generated/server.d.ts` (does it export `env`?)."""
    body = POSTS.replace("take(5)", "take(Number(process.env.LIMIT))")
    write_files(tmp_path, {"convex/posts.ts": body, "convex/_generated/server.d.ts": "export declare const query: any;\n"})
    cache = tmp_path / ".cache"
    assert lint(tmp_path, cache, preview=True) == []
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export declare const env: any;\n"})
    assert [r for _, _, r in lint(tmp_path, cache, preview=True)] == ["no-process-env"]


@pytest.mark.parametrize(
    "content",
    ["{not json", json.dumps({"format": 3, "fingerprint": "someone else"}) + "\n{}", "\x00\xff garbage", ""],
)
def test_corrupt_or_foreign_cache_is_rebuilt(tmp_path, content):
    write_files(tmp_path, {"convex/posts.ts": POSTS.replace('returns: v.any(),\n', "")})
    cache = tmp_path / ".cache"
    cache.mkdir()
    for name in ("index.json", "entries.jsonl"):
        (cache / name).write_text(content)
    assert [r for _, _, r in lint(tmp_path, cache)] == ["require-returns-validator"]
    assert json.loads((cache / "index.json").read_text().partition("\n")[0])["format"] == FORMAT
    assert [r for _, _, r in lint(tmp_path, cache)] == ["require-returns-validator"]


@pytest.mark.parametrize("payload", ['{"bogus": true}', "[1, 2, 3]", "[[1], [], null]", "not json", '["x", [], null]'])
def test_corrupt_entry_is_recomputed(tmp_path, payload):
    write_files(tmp_path, {"convex/posts.ts": POSTS.replace('returns: v.any(),\n', "")})
    cache = tmp_path / ".cache"
    lint(tmp_path, cache)
    header, _, body = (cache / "entries.jsonl").read_text().partition("\n")
    lines = ["\t".join(line.split("\t")[:2] + [payload]) for line in body.splitlines()]
    (cache / "entries.jsonl").write_text(header + "\n" + "\n".join(lines))
    (cache / "index.json").unlink()  # forget the replayable result, so the entries are read
    assert [r for _, _, r in lint(tmp_path, cache)] == ["require-returns-validator"]


def test_corrupt_run_result_is_recomputed(tmp_path):
    write_files(tmp_path, {"convex/posts.ts": POSTS.replace('returns: v.any(),\n', "")})
    cache = tmp_path / ".cache"
    lint(tmp_path, cache)
    header, _, body = (cache / "index.json").read_text().partition("\n")
    data = json.loads(body.partition("\n")[2])  # after the checksum line
    data["runs"] = {key: '[["no-such-rule", 9, "x", [0], null, "p"]]' for key in data["runs"]}
    (cache / "index.json").write_text(header + "\n" + json.dumps(data))
    assert [r for _, _, r in lint(tmp_path, cache)] == ["require-returns-validator"]


def test_linting_some_files_keeps_what_the_cache_knows_of_the_others(tmp_path, monkeypatch):
    """A pre-commit hook lints the changed files; the next full run must still reuse the rest."""
    write_files(tmp_path, {"convex/schema.ts": SCHEMA.replace("{index}", "by_title"), "convex/posts.ts": POSTS, "convex/other.ts": POSTS})
    cache = tmp_path / ".cache"
    full = lint(tmp_path, cache)
    settings = Settings(load_records(), None, cwd=tmp_path)
    Linter(settings, tmp_path).run(discover([tmp_path / "convex/other.ts"]), cache_dir=cache)
    parsed = []
    real_parse = engine.parse
    monkeypatch.setattr(engine, "parse", lambda data, name: parsed.append(name) or real_parse(data, name))
    assert lint(tmp_path, cache) == full
    assert parsed == []


def test_recently_modified_files_are_not_trusted_by_stat(tmp_path):
    """A file written within RACY_NS of being read could change again within the same
    mtime tick: it is hashed again next run rather than trusted by its stat."""
    import os
    import time

    write_files(tmp_path, {"convex/old.ts": POSTS, "convex/new.ts": POSTS})
    an_hour_ago = time.time() - 3600
    os.utime(tmp_path / "convex/old.ts", (an_hour_ago, an_hour_ago))
    cache = tmp_path / ".cache"
    lint(tmp_path, cache)
    files = json.loads((cache / "index.json").read_text().split("\n", 2)[2])["files"]  # after header and checksum
    assert set(files) == {"convex/old.ts"}


def test_cli_cache_flags(tmp_path):
    write_files(tmp_path, {"convex/posts.ts": POSTS})
    assert run_cli("check", "--no-cache", cwd=tmp_path).returncode == 0
    assert not (tmp_path / ".convexlint_cache").exists()
    assert run_cli("check", cwd=tmp_path).returncode == 0
    assert (tmp_path / ".convexlint_cache" / "index.json").is_file()
    assert run_cli("check", "--cache-dir", "elsewhere", cwd=tmp_path).returncode == 0
    assert (tmp_path / "elsewhere" / "index.json").is_file()


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


def _entry_lines(cache):
    return (cache / "entries.jsonl").read_text().partition("\n")[2].splitlines()


def test_new_entries_are_appended_and_stale_ones_compacted(tmp_path):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA.replace("{index}", "by_title"), "convex/posts.ts": POSTS, "convex/other.ts": POSTS})
    cache = tmp_path / ".cache"
    lint(tmp_path, cache)
    first = _entry_lines(cache)
    assert len(first) == 3
    write_files(tmp_path, {"convex/other.ts": POSTS + "// edited\n"})
    lint(tmp_path, cache)
    assert _entry_lines(cache)[:3] == first and len(_entry_lines(cache)) == 4  # one line appended
    with open(cache / "entries.jsonl", "a") as f:
        f.write('\nabc\t"convex/other.ts"\t[[1, 2')  # a run killed while appending
    write_files(tmp_path, {"convex/other.ts": POSTS.replace("by_title", "by_nothing")})
    assert lint(tmp_path, cache) == [("convex/other.ts", 6, "no-unknown-index")]
    for i in range(80):
        write_files(tmp_path, {"convex/other.ts": POSTS + f"// edit {i}\n"})
        assert lint(tmp_path, cache) == []
    assert len(_entry_lines(cache)) <= 3 + 64 + 1  # compacted: stale lines never outnumber live ones by much


def test_convex_version_change_rejudges(tmp_path):
    """explicit-table-ids applies from convex 1.31: upgrading the lockfile must not replay
    the old run's (empty) result from the cache."""

    (tmp_path / ".git").mkdir()
    lock = lambda version: json.dumps({"packages": {"node_modules/convex": {"version": version}}})  # noqa: E731
    write_files(
        tmp_path,
        {
            "package.json": json.dumps({"dependencies": {"convex": "^1.25.0"}}),
            "package-lock.json": lock("1.26.0"),
            "convex/users.ts": 'import { internalQuery } from "./_generated/server";\nimport { v } from "convex/values";\n'
            "export const get = internalQuery({ args: { id: v.id(\"users\") }, returns: v.any(),\n"
            "  handler: async (ctx, args) => await ctx.db.get(args.id) });\n",
        },
    )
    cache = tmp_path / ".cache"
    assert "explicit-table-ids" not in [r for _, _, r in lint(tmp_path, cache)]
    write_files(tmp_path, {"package-lock.json": lock("1.31.2")})
    assert "explicit-table-ids" in [r for _, _, r in lint(tmp_path, cache)]
