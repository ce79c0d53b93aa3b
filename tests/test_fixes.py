"""``convexlint check --fix`` / ``--diff`` (issue 11): the fix engine and the first fixes.

Before/after files, idempotence (fixing twice = once), ``--diff`` applying with ``git
apply`` to exactly what ``--fix`` writes, line endings, BOM and non-ASCII text kept, a
fix that would break the syntax dropped, overlapping fixes taking turns, a file changed
during the run left alone, and every safe fix on every fixture project leaving files that
parse."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from convexlint import fixes
from convexlint.config import Settings
from convexlint.diagnostics import Diagnostic, Edit, Fix, LintResult, Severity, SourceTexts, Span
from convexlint.discovery import discover
from convexlint.engine import Linter
from convexlint.records import load_records

from conftest import FIXTURES, run_cli, write_files

BEFORE = '''import { query, mutation, internalQuery } from "./_generated/server";
import type { Id } from "./_generated/dataModel";
import { v } from "convex/values";

async function load(ctx: any, id: Id<"users">) {
  return await ctx.db.get(id);
}

export const one = query({
  args: { userId: v.id("users"), note: v.string() },
  handler: async (ctx, args) => {
    const a = await ctx.db.get(args.userId);
    const b = await ctx.db.get(args.note as Id<"posts">);
    const c = await ctx.db.get(args.note);
    return [a, b, c, await load(ctx, args.userId)];
  },
});

export const two = mutation({
  args: { postId: v.id("posts") },
  async handler(ctx, { postId }) {
    const id = await ctx.db.insert("logs", { at: 1 });
    await ctx.db.patch(id, { at: 2 });
    await ctx.db.delete(postId);
  },
});

export const count = internalQuery(async (ctx) => {
  return (await ctx.db.query("logs").take(10)).length;
});
'''

AFTER = (
    BEFORE.replace("ctx.db.get(id)", 'ctx.db.get("users", id)')
    .replace("ctx.db.get(args.userId)", 'ctx.db.get("users", args.userId)')
    .replace("ctx.db.patch(id,", 'ctx.db.patch("logs", id,')
    .replace("ctx.db.delete(postId)", 'ctx.db.delete("posts", postId)')
    .replace("internalQuery(async (ctx) => {", "internalQuery({ handler: async (ctx) => {")
    .replace("length;\n});", "length;\n} });")
)

RULES = "explicit-table-ids,no-old-registered-function-syntax"


@pytest.fixture
def project(tmp_path):
    write_files(tmp_path, {"package.json": '{"dependencies": {"convex": "1.31.0"}}', "convex/_generated/server.d.ts": "export {};\n"})
    (tmp_path / "convex" / "a.ts").write_bytes(BEFORE.encode())
    return tmp_path


def test_fix_writes_the_expected_file_and_a_second_run_changes_nothing(project):
    r = run_cli("check", "--no-cache", "--select", RULES, "--fix", "convex", cwd=project)
    assert (project / "convex" / "a.ts").read_text() == AFTER
    assert "Fixed 5 problems (4 explicit-table-ids, 1 no-old-registered-function-syntax)." in r.stdout
    assert r.returncode == 0  # a warning is left: ctx.db.get(args.note) has no certain table
    assert "convex/a.ts:13" in r.stdout and "convex/a.ts:14" in r.stdout  # a cast, and a plain string
    again = run_cli("check", "--no-cache", "--select", RULES, "--fix", "convex", cwd=project)
    assert (project / "convex" / "a.ts").read_text() == AFTER and "Fixed 0 problems." in again.stdout


def test_diff_writes_nothing_and_applies_to_what_fix_writes(project, tmp_path_factory):
    r = run_cli("check", "--no-cache", "--select", RULES, "--diff", "convex", cwd=project)
    assert r.returncode == 1 and r.stdout.startswith("--- a/convex/a.ts\n+++ b/convex/a.ts\n")
    assert (project / "convex" / "a.ts").read_text() == BEFORE
    copy = tmp_path_factory.mktemp("applied")
    shutil.copytree(project / "convex", copy / "convex")
    subprocess.run(["git", "apply", "-"], input=r.stdout, text=True, cwd=copy, check=True)
    assert (copy / "convex" / "a.ts").read_text() == AFTER
    clean = run_cli("check", "--no-cache", "--select", "no-old-registered-function-syntax", "--diff", str(copy / "convex"), cwd=copy)
    assert clean.returncode == 0 and clean.stdout == ""


def test_line_endings_bom_non_ascii_and_mode_are_kept(project):
    path = project / "convex" / "a.ts"
    text = "// café ✓ — naïve\n" + BEFORE
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    run_cli("check", "--no-cache", "--select", RULES, "--fix", "convex", cwd=project)
    data = path.read_bytes()
    assert data == b"\xef\xbb\xbf" + ("// café ✓ — naïve\n" + AFTER).replace("\n", "\r\n").encode()
    assert path.stat().st_mode & 0o777 == 0o640


def _linter(root: Path) -> tuple[Linter, list]:
    settings = Settings(load_records(), None, cwd=root, select=RULES.split(","))
    linter = Linter(settings, root)
    return linter, discover([root / "convex"])


def test_a_file_changed_during_the_run_is_not_overwritten(project):
    linter, targets = _linter(project)
    outcome = fixes.fix(linter, targets, unsafe=False)
    (project / "convex" / "a.ts").write_text(BEFORE + "// edited meanwhile\n")
    assert fixes.write(outcome, project) == []
    assert (project / "convex" / "a.ts").read_text().endswith("// edited meanwhile\n")
    assert outcome.problems == [("convex/a.ts", "changed on disk while convexlint ran; not written")]


def test_a_read_only_file_is_reported_and_left_alone(project):
    path = project / "convex" / "a.ts"
    path.chmod(0o444)
    r = run_cli("check", "--no-cache", "--select", RULES, "--fix", "convex", cwd=project)
    assert path.read_text() == BEFORE and path.stat().st_mode & 0o777 == 0o444
    assert "convex/a.ts: is read-only; not written" in r.stdout + r.stderr
    assert "Found 7 problems" in r.stdout and "Fixed 0 problems." in r.stdout  # reported as they are on disk
    path.chmod(0o644)


def test_a_fix_across_files_is_written_whole_or_not_at_all(tmp_path):
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/schema.ts": RENAME_SCHEMA, "convex/posts.ts": RENAME_POSTS})
    (tmp_path / "convex" / "posts.ts").chmod(0o444)
    r = run_cli("check", "--no-cache", "--preview", "--select", "index-name-convention", "--fix", "convex", cwd=tmp_path)
    assert (tmp_path / "convex" / "schema.ts").read_text() == RENAME_SCHEMA  # its renames need posts.ts too
    assert "convex/schema.ts: shares a fix with a file that is not written; not written" in r.stderr
    assert "Found 3 problems" in r.stdout and "Fixed 0 problems." in r.stdout
    (tmp_path / "convex" / "posts.ts").chmod(0o644)


def test_a_symlinked_file_is_fixed_through_its_link(project):
    real = project / "shared.ts"
    (project / "convex" / "a.ts").rename(real)
    (project / "convex" / "a.ts").symlink_to(real)
    run_cli("check", "--no-cache", "--select", RULES, "--fix", "convex", cwd=project)
    assert (project / "convex" / "a.ts").is_symlink() and real.read_text() == AFTER


def test_a_write_that_fails_loses_nothing(project, monkeypatch):
    linter, targets = _linter(project)
    outcome = fixes.fix(linter, targets, unsafe=False)

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fixes.tempfile, "mkstemp", refuse)
    assert fixes.write(outcome, project) == []
    assert (project / "convex" / "a.ts").read_text() == BEFORE
    assert outcome.problems == [("convex/a.ts", "cannot be written: Permission denied")]
    assert not [p for p in (project / "convex").iterdir() if p.name.endswith(".convexlint")]


class _Scripted:
    """A linter stand-in whose runs return prepared diagnostics (one list per pass)."""

    def __init__(self, root: Path, passes: list[list[Diagnostic]]):
        self.cwd, self.overlay, self.passes = root, {}, list(passes)

    def run(self, targets, jobs=1):
        diagnostics = self.passes.pop(0) if len(self.passes) > 1 else self.passes[0]
        return LintResult(diagnostics=diagnostics, files_checked=1, sources=SourceTexts({}), elapsed=0.0)


def _diag(start: int, text: str, end: int | None = None) -> Diagnostic:
    edit = Edit("convex/a.ts", start, start if end is None else end, text)
    return Diagnostic("explicit-table-ids", Severity.WARNING, "m", "convex/a.ts", Span(start, start, 1, 1, 1, 1), fix=Fix((edit,), "safe"))


def test_a_fix_that_would_break_the_syntax_is_dropped(tmp_path):
    write_files(tmp_path, {"convex/a.ts": "export const a = f(1);\n"})
    outcome = fixes.fix(_Scripted(tmp_path, [[_diag(17, "((")]]), [], unsafe=False)
    assert outcome.total_fixed == 0 and outcome.edited == {}
    assert outcome.problems == [("convex/a.ts", "a fix would introduce a syntax error; it was not applied")]


def test_overlapping_fixes_take_turns(tmp_path):
    write_files(tmp_path, {"convex/a.ts": "export const a = f(1);\n"})
    first, second = _diag(17, "g", 18), _diag(17, "h", 18)
    outcome = fixes.fix(_Scripted(tmp_path, [[first, second], [second], []]), [], unsafe=False)
    assert outcome.total_fixed == 2  # the first in pass one, the second in pass two
    assert outcome.edited[tmp_path / "convex" / "a.ts"] == b"export const a = h(1);\n"


def test_unsafe_fixes_wait_for_the_flag(tmp_path):
    write_files(tmp_path, {"convex/a.ts": "export const a = f(1);\n"})
    risky = Diagnostic("x", Severity.WARNING, "m", "convex/a.ts", Span(0, 0, 1, 1, 1, 1), fix=Fix((Edit("convex/a.ts", 17, 18, "g"),), "unsafe"))
    assert fixes.fix(_Scripted(tmp_path, [[risky]]), [], unsafe=False).unsafe_left == 1
    assert fixes.fix(_Scripted(tmp_path, [[risky], []]), [], unsafe=True).total_fixed == 1


@pytest.mark.parametrize("root", sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_every_safe_fix_on_the_fixture_projects_parses_and_is_final(root, tmp_path):
    shutil.copytree(root, tmp_path / root.name)
    copy = tmp_path / root.name
    settings = Settings(load_records(), None, cwd=copy, preview=True)
    linter = Linter(settings, copy)
    targets = discover([copy])
    outcome = fixes.fix(linter, targets, unsafe=False)
    for path, data in outcome.edited.items():
        rel = os.path.relpath(path, copy)
        assert fixes.syntax_errors(data, rel) <= fixes.syntax_errors(outcome.original[path], rel), rel
    assert not [d for d in outcome.result.diagnostics if fixes.applies(d, False)], "fixable problems left after fixing"


VOID_BEFORE = '''import { internalMutation, mutation } from "./_generated/server";
import type { Id } from "./_generated/dataModel";
import { v } from "convex/values";

export const touch = internalMutation({
  args: { userId: v.string() },
  handler: async (ctx, args) => {
    ctx.db.patch("users", args.userId as Id<"users">, { seen: true });
  },
});

export const clear = mutation({
  args: {},
  returns: v.string(),
  handler: async (ctx) => {
    await ctx.auth.getUserIdentity();
  },
});
'''
VOID_SAFE = VOID_BEFORE.replace('args: { userId: v.string() },', 'args: { userId: v.string() }, returns: v.null(),').replace(
    "returns: v.string(),", "returns: v.null(),"
)
VOID_UNSAFE = VOID_SAFE.replace('args: { userId: v.string() }', 'args: { userId: v.id("users") }').replace(
    '    ctx.db.patch("users"', '    await ctx.db.patch("users"'
)
VOID_RULES = "require-returns-validator,returns-null-for-void,no-floating-promises,use-v-id-for-references"


def test_returns_and_unsafe_fixes_before_and_after(tmp_path):
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/schema.ts": (
        'import { defineSchema, defineTable } from "convex/server";\nimport { v } from "convex/values";\n'
        "export default defineSchema({ users: defineTable({ seen: v.boolean() }) });\n"
    ), "convex/a.ts": VOID_BEFORE})
    path = tmp_path / "convex" / "a.ts"
    safe = run_cli("check", "--no-cache", "--preview", "--select", VOID_RULES, "--fix", "convex", cwd=tmp_path)
    assert path.read_text() == VOID_SAFE, path.read_text()
    assert "2 more fixable with `--unsafe-fixes`." in safe.stdout
    run_cli("check", "--no-cache", "--preview", "--select", VOID_RULES, "--fix", "--unsafe-fixes", "convex", cwd=tmp_path)
    assert path.read_text() == VOID_UNSAFE, path.read_text()
    again = run_cli("check", "--no-cache", "--preview", "--select", VOID_RULES, "--fix", "--unsafe-fixes", "convex", cwd=tmp_path)
    assert path.read_text() == VOID_UNSAFE and "Fixed 0 problems." in again.stdout


def test_unused_suppressions_are_removed(tmp_path):
    source = (
        'import { query } from "./_generated/server";\n'
        "// convexlint-disable-next-line no-filter-in-query -- old reason\n"
        "export const a = 1;\n"
        "export const b = 2; // convexlint-disable-line require-returns-validator\n"
        "/* convexlint-disable-next-line */\n"
        "export const c = 3;\n"
    )
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/a.ts": source})
    r = run_cli("check", "--no-cache", "--report-unused-disables", "--fix", "convex", cwd=tmp_path)
    assert (tmp_path / "convex" / "a.ts").read_text() == (
        'import { query } from "./_generated/server";\nexport const a = 1;\nexport const b = 2;\nexport const c = 3;\n'
    ), r.stdout
    assert "Fixed 3 problems (3 unused-suppression)." in r.stdout


def test_unused_ids_leave_a_partly_used_directive(tmp_path):
    source = (
        'import { query } from "./_generated/server";\n'
        "export const list = query({ args: {}, handler: async (ctx) => {\n"
        "  // convexlint-disable-next-line no-collect-in-query, no-filter-in-query, require-returns-validator -- legacy\n"
        '  return await ctx.db.query("t").collect();\n'
        "} });\n"
    )
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/a.ts": source})
    selected = "no-collect-in-query,no-filter-in-query,require-returns-validator,unused-suppression"
    args = ("check", "--no-cache", "--preview", "--select", selected, "--report-unused-disables", "--fix", "convex")
    r = run_cli(*args, cwd=tmp_path)
    assert (tmp_path / "convex" / "a.ts").read_text() == source.replace(
        "no-collect-in-query, no-filter-in-query, require-returns-validator -- legacy", "no-collect-in-query -- legacy"
    ), r.stdout
    assert "Fixed 2 problems (2 unused-suppression)." in r.stdout
    # a rule the run does not enable may well suppress something: its id is kept
    narrow = run_cli("check", "--no-cache", "--preview", "--select", "no-filter-in-query,unused-suppression", "--report-unused-disables", "--fix", "convex", cwd=tmp_path)
    assert "no-collect-in-query -- legacy" in (tmp_path / "convex" / "a.ts").read_text() and "Fixed 0 problems." in narrow.stdout
    again = run_cli(*args, cwd=tmp_path)
    assert "Fixed 0 problems." in again.stdout


def _examples():
    from test_records import _cases

    for case in _cases():
        rule_id, kind, example = case.values
        if kind == "bad" and load_records()[rule_id].fix != "none":
            yield pytest.param(rule_id, example, id=case.id)


@pytest.mark.parametrize(("rule_id", "example"), list(_examples()))
def test_every_fix_on_the_record_examples_parses_and_is_final(tmp_path, rule_id, example):
    """Safe and unsafe fixes on every bad example of a rule that fixes: the edited files
    have no more syntax errors than before, and nothing fixable is left."""
    from test_records import _materialise

    _materialise(tmp_path, example)
    settings = Settings(load_records(), None, cwd=tmp_path, preview=True, select=[rule_id])
    settings.report_unused_disables = True
    linter = Linter(settings, tmp_path)
    outcome = fixes.fix(linter, discover([tmp_path]), unsafe=True)
    for path, data in outcome.edited.items():
        rel = os.path.relpath(path, tmp_path)
        assert fixes.syntax_errors(data, rel) <= fixes.syntax_errors(outcome.original[path], rel), rel
    assert not [d for d in outcome.result.diagnostics if fixes.applies(d, True)]
    assert not outcome.problems


RENAME_SCHEMA = '''import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
export default defineSchema({
  posts: defineTable({ authorId: v.string(), published: v.boolean() })
    .index("by_author_and_published", ["authorId", "published"])
    .index('by_author', ['authorId']),
  drafts: defineTable({ authorId: v.string() }).index("by_author", ["authorId"]),
});
'''
RENAME_POSTS = '''import { query } from "./_generated/server";
import { v } from "convex/values";
export const mine = query({
  args: { authorId: v.string() },
  handler: async (ctx, args) => {
    const posts = await ctx.db.query("posts").withIndex("by_author_and_published", (q) => q.eq("authorId", args.authorId)).collect();
    const all = await ctx.db.query('posts').withIndex('by_author', (q) => q.eq("authorId", args.authorId)).collect();
    const drafts = await ctx.db.query("drafts").withIndex("by_author", (q) => q.eq("authorId", args.authorId)).collect();
    return [posts, all, drafts];
  },
});
'''


def _rename_project(tmp_path, extra: dict[str, str] | None = None):
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/schema.ts": RENAME_SCHEMA, "convex/posts.ts": RENAME_POSTS, **(extra or {})})
    return run_cli("check", "--no-cache", "--preview", "--select", "index-name-convention", "--fix", "convex", cwd=tmp_path)


def test_an_index_rename_edits_the_schema_and_every_use_on_that_table(tmp_path):
    r = _rename_project(tmp_path)
    schema = (tmp_path / "convex" / "schema.ts").read_text()
    posts = (tmp_path / "convex" / "posts.ts").read_text()
    assert schema == RENAME_SCHEMA.replace('"by_author_and_published"', '"by_authorId_published"').replace("'by_author'", "'by_authorId'").replace(
        '.index("by_author", ["authorId"])', '.index("by_authorId", ["authorId"])'
    ), schema
    assert posts == RENAME_POSTS.replace('"by_author_and_published"', '"by_authorId_published"').replace("'by_author'", "'by_authorId'").replace(
        'withIndex("by_author"', 'withIndex("by_authorId"'
    ), posts
    assert "Fixed 3 problems (3 index-name-convention)." in r.stdout and r.returncode == 0
    again = run_cli("check", "--no-cache", "--preview", "--select", "index-name-convention", "--fix", "convex", cwd=tmp_path)
    assert "Fixed 0 problems." in again.stdout and (tmp_path / "convex" / "schema.ts").read_text() == schema


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        # a helper given the name as an argument: a literal the model cannot place
        ("helper", {"convex/lib.ts": 'import { getManyFrom } from "convex-helpers/server/relationships";\nexport const f = (db: any) => getManyFrom(db, "drafts", "by_author", "x");\n'}),
        # a name built at run time might be any index's
        ("built", {"convex/lib.ts": 'export const f = (ctx: any, k: string) => ctx.db.query("posts").withIndex(`by_${k}`).collect();\n'}),
        # client code passing the name to a generic query
        ("client", {"src/app.tsx": 'import { api } from "../convex/_generated/api";\nexport const args = { index: "by_author" };\n', "package.json": "{}"}),
    ],
)
def test_no_rename_when_some_use_is_not_visible(tmp_path, name, extra):
    _rename_project(tmp_path, extra)
    schema = (tmp_path / "convex" / "schema.ts").read_text()
    if name == "built":
        assert schema == RENAME_SCHEMA  # a name built at run time may be any index's: nothing is renamed
    else:
        assert '"by_authorId_published"' in schema  # that index has no hidden use
        assert "'by_author'" in schema and '.index("by_author", ["authorId"])' in schema, schema


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        ("convex/a.ts", 'import { query, mutation } from "convex/server";\nexport const x = 1;\n',
         'import { query, mutation } from "./_generated/server";\nexport const x = 1;\n'),
        ("convex/lib/deep/a.ts", "import { httpRouter, httpAction } from 'convex/server';\nexport const x = 1;\n",
         "import { httpRouter } from 'convex/server';\nimport { httpAction } from '../../_generated/server';\nexport const x = 1;\n"),
        ("convex/a.ts", 'import {\n  queryGeneric,\n  paginationOptsValidator,\n  internalMutation as im,\n} from "convex/server";\nexport const x = 1;\n',
         'import {\n  paginationOptsValidator,\n} from "convex/server";\nimport { query as queryGeneric, internalMutation as im } from "./_generated/server";\nexport const x = 1;\n'),
        ("convex/a.ts", 'import { queryGeneric as q } from "convex/server";\nexport const x = 1;\n',
         'import { query as q } from "./_generated/server";\nexport const x = 1;\n'),
    ],
    ids=["whole-statement", "split-nested", "generic-multiline", "generic-alone"],
)
def test_registrars_move_to_generated_server(tmp_path, path, before, after):
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", path: before})
    r = run_cli("check", "--no-cache", "--preview", "--select", "import-from-generated", "--fix", "convex", cwd=tmp_path)
    assert (tmp_path / path).read_text() == after, r.stdout
    again = run_cli("check", "--no-cache", "--preview", "--select", "import-from-generated", "--fix", "convex", cwd=tmp_path)
    assert (tmp_path / path).read_text() == after and "Fixed 0 problems." in again.stdout and again.returncode == 0


def test_api_from_the_wrong_module_is_an_unsafe_fix(tmp_path):
    before = 'import { internal } from "./_generated/server";\nexport const x = internal;\n'
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/a.ts": before})
    safe = run_cli("check", "--no-cache", "--preview", "--select", "import-from-generated", "--fix", "convex", cwd=tmp_path)
    assert (tmp_path / "convex" / "a.ts").read_text() == before and "1 more fixable with `--unsafe-fixes`." in safe.stdout
    run_cli("check", "--no-cache", "--preview", "--select", "import-from-generated", "--fix", "--unsafe-fixes", "convex", cwd=tmp_path)
    assert (tmp_path / "convex" / "a.ts").read_text() == before.replace("_generated/server", "_generated/api")


OBVIOUS_BEFORE = '''import { mutation, query } from "./_generated/server";
import { v } from "convex/values";

export const create = mutation({
  args: { body: v.string() },
  handler: async (ctx, args) => {
    const id = await ctx.db.insert("notes", { body: args.body });
    return id;
  },
});

export const maybe = mutation({
  args: {},
  handler: async (ctx) => {
    if (Math.random() > 0.5) return true;
  },
});

export const direct = mutation({
  args: {},
  handler: (ctx) => ctx.db.insert("notes", { body: "x" }),
});

export const unknown = query({
  args: {},
  handler: async (ctx) => {
    return await ctx.db.query("notes").collect();
  },
});
'''
OBVIOUS_AFTER = (
    OBVIOUS_BEFORE.replace('args: { body: v.string() },', 'args: { body: v.string() }, returns: v.id("notes"),')
    .replace("  args: {},\n  handler: async (ctx) => {\n    if", "  args: {}, returns: v.union(v.boolean(), v.null()),\n  handler: async (ctx) => {\n    if")
    .replace('  args: {},\n  handler: (ctx) =>', '  args: {}, returns: v.id("notes"),\n  handler: (ctx) =>')
)


def test_obvious_return_values_get_their_validator_as_an_unsafe_fix(tmp_path):
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/a.ts": OBVIOUS_BEFORE})
    path = tmp_path / "convex" / "a.ts"
    safe = run_cli("check", "--no-cache", "--select", "require-returns-validator", "--fix", "convex", cwd=tmp_path)
    assert path.read_text() == OBVIOUS_BEFORE and "3 more fixable with `--unsafe-fixes`." in safe.stdout
    run_cli("check", "--no-cache", "--select", "require-returns-validator", "--fix", "--unsafe-fixes", "convex", cwd=tmp_path)
    assert path.read_text() == OBVIOUS_AFTER, path.read_text()


def test_no_id_validator_for_a_table_the_schema_lacks(tmp_path):
    schema = 'import { defineSchema, defineTable } from "convex/server";\nimport { v } from "convex/values";\nexport default defineSchema({ users: defineTable({}) });\n'
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/schema.ts": schema, "convex/a.ts": OBVIOUS_BEFORE})
    r = run_cli("check", "--no-cache", "--select", "require-returns-validator", "--fix", "--unsafe-fixes", "convex", cwd=tmp_path)
    text = (tmp_path / "convex" / "a.ts").read_text()
    assert 'v.id("notes")' not in text and "returns: v.union(v.boolean(), v.null())" in text, r.stdout


INTERNAL_JOBS = '''import { mutation, query } from "./_generated/server";
import { v } from "convex/values";

export const cleanup = mutation({ args: {}, handler: async (ctx) => null });

export const list = query({ args: {}, handler: async (ctx) => [] });
'''
INTERNAL_CALLER = '''import { action } from "./_generated/server";
import { api } from "./_generated/api";

export const run = action({
  args: {},
  handler: async (ctx) => {
    await ctx.scheduler.runAfter(0, api.jobs.cleanup, {});
    await ctx.runMutation(api.jobs.cleanup, {});
    return await ctx.runQuery(api.jobs.list, {});
  },
});
'''


def test_a_public_target_becomes_internal_with_every_reference(tmp_path):
    client = 'import { api } from "../convex/_generated/api";\nexport const useList = () => useQuery(api.jobs.list);\n'
    write_files(tmp_path, {
        "package.json": "{}", "convex/_generated/server.d.ts": "export {};\n", "convex/_generated/api.d.ts": "export {};\n",
        "convex/jobs.ts": INTERNAL_JOBS, "convex/caller.ts": INTERNAL_CALLER, "src/app.tsx": client,
    })
    args = ("check", "--no-cache", "--select", "require-internal-reference", "--fix", "convex")
    safe = run_cli(*args, cwd=tmp_path)
    assert "2 more fixable with `--unsafe-fixes`." in safe.stdout and (tmp_path / "convex" / "jobs.ts").read_text() == INTERNAL_JOBS
    r = run_cli(*args, "--unsafe-fixes", cwd=tmp_path)
    assert (tmp_path / "convex" / "jobs.ts").read_text() == INTERNAL_JOBS.replace(
        'import { mutation, query }', 'import { internalMutation, query }').replace("cleanup = mutation(", "cleanup = internalMutation("), r.stdout
    # api.jobs.list stays: the client calls it
    assert (tmp_path / "convex" / "caller.ts").read_text() == INTERNAL_CALLER.replace(
        'import { api } from', 'import { api, internal } from').replace("api.jobs.cleanup", "internal.jobs.cleanup")
    assert "Fixed 1 problem" in r.stdout or "Fixed 2 problems" in r.stdout


def test_no_internal_fix_when_a_reference_is_not_visible(tmp_path):
    stored = 'import { api } from "./_generated/api";\nexport const target = api.jobs.cleanup;\n'
    write_files(tmp_path, {
        "convex/_generated/server.d.ts": "export {};\n", "convex/jobs.ts": INTERNAL_JOBS, "convex/caller.ts": INTERNAL_CALLER, "convex/stored.ts": stored,
    })
    run_cli("check", "--no-cache", "--select", "require-internal-reference", "--fix", "--unsafe-fixes", "convex", cwd=tmp_path)
    jobs = (tmp_path / "convex" / "jobs.ts").read_text()
    assert "cleanup = mutation(" in jobs and "list = internalQuery(" in jobs  # only `list` has no hidden reference
    caller = (tmp_path / "convex" / "caller.ts").read_text()
    assert "api.jobs.cleanup" in caller and "internal.jobs.list" in caller
