"""``convexlint check --changed [--since REF]`` in real git repositories: only the findings
of changed files (and of the table users of a changed schema) are reported, while every
file is still linted for context; git problems are one-line usage errors."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import run_cli, write_files

SCHEMA = (
    'import { defineSchema, defineTable } from "convex/server";\n'
    'import { v } from "convex/values";\n'
    "export default defineSchema({ notes: defineTable({ ownerId: v.string() }), tasks: defineTable({ done: v.boolean() }) });\n"
)


def _query(table: str) -> str:
    return (
        'import { internalQuery } from "./_generated/server";\nimport { v } from "convex/values";\n'
        f'export const list = internalQuery({{ args: {{}}, returns: v.any(), handler: async (ctx) => await ctx.db.query("{table}").take(5) }});\n'
    )


#: ``a.ts`` and ``b.ts`` each have one finding; ``notes.ts`` and ``tasks.ts`` query tables
#: the schema defines; ``plain.ts`` references no table and has a finding of its own.
PROJECT = {
    "convex/schema.ts": SCHEMA,
    "convex/a.ts": _query("nope_a"),
    "convex/b.ts": _query("nope_b"),
    "convex/notes.ts": _query("notes"),
    "convex/tasks.ts": _query("tasks"),
    "convex/plain.ts": 'import { internalQuery } from "./_generated/server";\n'
    "export const ping = internalQuery({ args: {}, handler: async () => 1 });\n",
}

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def _env(tmp_path, **extra) -> dict:
    # The tmp dir must not be taken for part of a repository around it.
    return {**os.environ, **GIT_ENV, "GIT_CEILING_DIRECTORIES": str(tmp_path.parent), **extra}


def git(root, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=_env(root), check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path):
    """A repository with ``PROJECT`` committed; returns its root."""
    write_files(tmp_path, {**PROJECT, ".gitignore": ".convexlint_cache/\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "init")
    return tmp_path


def findings(root, *args: str) -> tuple[int, set[tuple[str, str]]]:
    """``(exit code, {(path, rule)})`` of ``convexlint check --format json ARGS``."""
    r = run_cli("check", "--format", "json", *args, cwd=root, env=_env(root))
    assert r.returncode in (0, 1), r.stderr
    return r.returncode, {(d["path"], d["rule"]) for d in json.loads(r.stdout)}


def test_a_clean_work_tree_reports_nothing_but_the_whole_run_reports_all(repo):
    assert findings(repo)[1] == {("convex/a.ts", "no-unknown-table"), ("convex/b.ts", "no-unknown-table"), ("convex/plain.ts", "require-returns-validator")}
    assert findings(repo, "--changed") == (0, set())


def test_only_changed_files_are_reported_staged_or_not(repo):
    with open(repo / "convex/a.ts", "a", encoding="utf-8") as f:
        f.write("// edited\n")
    assert findings(repo, "--changed") == (1, {("convex/a.ts", "no-unknown-table")})
    git(repo, "add", "convex/a.ts")  # staged: still a change against HEAD
    assert findings(repo, "--changed") == (1, {("convex/a.ts", "no-unknown-table")})
    git(repo, "commit", "-q", "-m", "a")
    assert findings(repo, "--changed") == (0, set())


def test_untracked_files_count_unless_ignored(repo):
    write_files(repo, {"convex/c.ts": _query("nope_c"), "convex/ignored.ts": _query("nope_i"), ".gitignore": ".convexlint_cache/\nconvex/ignored.ts\n"})
    # .gitignore changed too (not lintable); the ignored file is neither listed nor linted
    assert findings(repo, "--changed")[1] == {("convex/c.ts", "no-unknown-table")}


def test_a_changed_file_is_still_judged_against_the_whole_project(repo):
    # b.ts now queries `notes`, which only the (unchanged) schema defines: no finding
    write_files(repo, {"convex/b.ts": _query("notes") + "// now fine\n"})
    assert findings(repo, "--changed") == (0, set())


def test_a_changed_schema_reports_the_files_that_use_its_tables(repo):
    # `tasks` is gone from the schema: tasks.ts (unchanged) now has a finding
    write_files(repo, {"convex/schema.ts": SCHEMA.replace(", tasks: defineTable({ done: v.boolean() })", "")})
    code, found = findings(repo, "--changed")
    assert code == 1
    assert ("convex/tasks.ts", "no-unknown-table") in found
    # the other table users are re-judged (their old findings stay visible); a file that
    # references no table is not
    assert found == {("convex/tasks.ts", "no-unknown-table"), ("convex/a.ts", "no-unknown-table"), ("convex/b.ts", "no-unknown-table")}
    r = run_cli("check", "--changed", "--show-files", cwd=repo, env=_env(repo))
    lines = dict(line.split("  ", 1) for line in r.stdout.splitlines()[:-1])
    assert "context only" in lines["convex/plain.ts"] and "context only" not in lines["convex/notes.ts"]


def test_only_changed_files_within_the_named_paths(repo):
    write_files(repo, {"convex/a.ts": _query("nope_a") + "//\n", "convex/b.ts": _query("nope_b") + "//\n"})
    assert findings(repo, "--changed", "convex/b.ts")[1] == {("convex/b.ts", "no-unknown-table")}
    assert findings(repo, "--changed", "convex")[1] == {("convex/a.ts", "no-unknown-table"), ("convex/b.ts", "no-unknown-table")}


def test_since_a_commit_and_since_implies_changed(repo):
    write_files(repo, {"convex/a.ts": _query("nope_a") + "// second\n"})
    git(repo, "commit", "-q", "-am", "second")
    first = git(repo, "rev-parse", "HEAD~1").strip()
    assert findings(repo, "--since", "HEAD") == (0, set())
    assert findings(repo, "--since", "HEAD~1")[1] == {("convex/a.ts", "no-unknown-table")}
    assert findings(repo, "--changed", "--since", first)[1] == {("convex/a.ts", "no-unknown-table")}


def test_the_cache_does_not_replay_a_run_with_other_changed_files(repo):
    write_files(repo, {"convex/a.ts": _query("nope_a") + "//\n"})
    assert findings(repo, "--changed")[1] == {("convex/a.ts", "no-unknown-table")}  # cache written
    git(repo, "commit", "-q", "-am", "a")
    write_files(repo, {"convex/b.ts": _query("nope_b") + "//\n"})
    assert findings(repo, "--changed")[1] == {("convex/b.ts", "no-unknown-table")}


def test_a_repository_without_commits_counts_every_staged_and_untracked_file(tmp_path):
    write_files(tmp_path, {"convex/schema.ts": SCHEMA, "convex/a.ts": _query("nope_a"), "convex/b.ts": _query("nope_b")})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "convex/a.ts", "convex/schema.ts")
    assert findings(tmp_path, "--changed", "--no-cache")[1] == {("convex/a.ts", "no-unknown-table"), ("convex/b.ts", "no-unknown-table")}


def test_a_file_name_that_is_not_utf8(repo):
    name = os.fsencode(repo / "convex") + b"/caf\xe9.ts"
    with open(name, "wb") as f:
        f.write(_query("nope_x").encode())
    r = run_cli("check", "--changed", "--format", "concise", "--select", "no-unknown-table", cwd=repo, env=_env(repo))
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert "no-unknown-table" in r.stdout and "in 1 file" in r.stdout


def test_not_a_repository(tmp_path):
    write_files(tmp_path, PROJECT)
    r = run_cli("check", "--changed", cwd=tmp_path, env=_env(tmp_path))
    assert r.returncode == 2
    assert r.stderr.startswith("convexlint: error: --changed: ") and "not inside a git repository" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_an_unknown_revision(repo):
    for ref in ("no-such-branch", "--output=x", ""):
        r = run_cli("check", "--since", ref, cwd=repo, env=_env(repo))
        assert r.returncode == 2, ref
        assert "convexlint: error: --since: " in r.stderr and f"`{ref}`" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not (repo / "x").exists()


def test_git_missing(repo):
    r = run_cli("check", "--changed", cwd=repo, env=_env(repo, PATH=str(repo / "no-bin")))
    assert r.returncode == 2
    assert r.stderr.strip() == "convexlint: error: --changed needs git, which was not found on PATH"
