"""What the editor's runs reuse must never change a finding.

``Linter.run(..., focus=...)`` reports only the focus files' findings while project rules
still read the whole project, and a long-lived linter (``memo``) keeps decoded outcomes,
module resolutions, registrar resolutions and the default-runtime bundle between runs
(``ShapeMemo``, kept while no file's shape changes). Both are checked against the plain
answer: a fresh linter's whole run, restricted to the same files.
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from conftest import REPO, write_files
from convexlint.discovery import discover
from convexlint.engine import Linter

FIXTURES = Path(__file__).parent / "fixtures"
PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir()) + [REPO / "examples" / "chat-app"]

# The same settings, finding keys and random edits as ``benchmarks/incremental.py``, which
# runs these comparisons on real projects.
_spec = importlib.util.spec_from_file_location("incremental", REPO / "benchmarks" / "incremental.py")
incremental = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(incremental)
_settings = incremental.settings_for


def _keys(diagnostics, only=None) -> list[tuple]:
    return sorted(incremental.finding_key(d) for d in diagnostics if only is None or d.path in only)


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name)
def test_a_focused_run_finds_in_its_files_what_a_whole_run_finds(root: Path):
    linter = Linter(_settings(root), root)
    targets = discover([root], client_context=linter.needs_client_code)
    whole = linter.run(targets, jobs=1).diagnostics
    rels = sorted({str(t.path.relative_to(root)) for t in targets if root in t.path.parents})
    groups = [frozenset([rel]) for rel in rels] + [frozenset(rels[i::3]) for i in range(3)]
    for focus in groups:
        assert _keys(linter.run(targets, jobs=1, focus=focus).diagnostics) == _keys(whole, focus), sorted(focus)


def _session(root: Path, edits: list[dict[str, str]], cache: Path) -> None:
    """Apply each step's unsaved buffers (path -> text) in a kept linter and check it
    against a fresh linter's whole run over the same buffers."""
    kept = Linter(_settings(root), root)
    kept.memo = {}
    targets = discover([root], client_context=kept.needs_client_code)
    for step, buffers in enumerate(edits):
        overlay = {(root / rel).resolve(): text.encode() for rel, text in buffers.items()}
        focus = frozenset(buffers)
        kept.overlay = dict(overlay)
        fresh = Linter(_settings(root), root)
        fresh.overlay = dict(overlay)
        got = _keys(kept.run(targets, jobs=1, cache_dir=cache, focus=focus).diagnostics)
        assert got == _keys(fresh.run(targets, jobs=1).diagnostics, focus), f"step {step}: {sorted(buffers)}"


WRAPPER = """import { customQuery, customMutation } from "convex-helpers/server/customFunctions";
import { query, mutation } from "./_generated/server";
export const userQuery = customQuery(query, { args: {}, input: async () => ({ ctx: {}, args: {} }) });
"""
USER = """import { userQuery } from "./lib";
import { slugify } from "./text";
export const rename = userQuery({
  args: {},
  handler: async (ctx) => {
    await ctx.db.insert("notes", { title: slugify("x") });
  },
});
"""
TEXT = """export function slugify(s: string) { return s.toLowerCase(); }
"""
SCHEMA = """import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
export default defineSchema({ notes: defineTable({ title: v.string() }) });
"""


def test_a_kept_linter_follows_edits_that_change_what_other_files_resolve_to(tmp_path: Path):
    """Edits that change a file's shape (a registrar's base, a "use node" line, an import)
    change findings in other open files; edits inside a handler keep the shape."""
    write_files(tmp_path, {
        "convex/_generated/server.d.ts": "export {};\n",
        "convex/lib.ts": WRAPPER,
        "convex/user.ts": USER,
        "convex/text.ts": TEXT,
        "convex/schema.ts": SCHEMA,
        "package.json": "{}",
    })
    as_mutation = WRAPPER.replace("customQuery(query,", "customMutation(mutation,")
    node_text = '"use node";\n' + TEXT
    body_edit = USER.replace('slugify("x")', 'slugify("y")')
    steps = [
        {"convex/user.ts": USER, "convex/lib.ts": WRAPPER},  # a query that writes
        {"convex/user.ts": body_edit, "convex/lib.ts": WRAPPER},  # same shapes
        {"convex/user.ts": body_edit, "convex/lib.ts": as_mutation},  # now a mutation: the write is fine
        {"convex/user.ts": USER, "convex/lib.ts": as_mutation},
        {"convex/user.ts": USER, "convex/lib.ts": WRAPPER},  # and back
        {"convex/user.ts": USER, "convex/text.ts": node_text},  # a default-runtime file imports a "use node" one
        {"convex/user.ts": USER.replace('import { slugify } from "./text";\n', ""), "convex/text.ts": node_text},
        {"convex/user.ts": USER, "convex/text.ts": TEXT},
        {"convex/user.ts": USER, "convex/schema.ts": SCHEMA.replace("notes", "posts")},  # the table goes away
        {"convex/user.ts": USER, "convex/schema.ts": SCHEMA},
    ]
    _session(tmp_path, steps, tmp_path / ".cache")
    # the steps do change findings (else the comparison above would prove little)
    linter = Linter(_settings(tmp_path), tmp_path)
    targets = discover([tmp_path], client_context=linter.needs_client_code)
    rules = {d.rule for d in linter.run(targets, jobs=1).diagnostics}
    assert "no-side-effects-in-query" in rules


def test_a_kept_linter_follows_an_import_that_takes_a_file_out_of_the_default_runtime(tmp_path: Path):
    """Server code outside the functions directory is bundled for the default runtime only
    while a default-runtime file imports it: dropping that import (a change of the
    importer's shape, nothing else) ends the Node-builtin finding in the shared file."""
    util = 'import { createHash } from "crypto";\nexport const digest = (s: string) => createHash("sha256").update(s).digest("hex");\n'
    user = 'import { query } from "./_generated/server";\nimport { digest } from "../shared/util";\nexport const q = query({ args: {}, handler: async () => digest("x") });\n'
    node = '"use node";\nimport { action } from "./_generated/server";\nimport { digest } from "../shared/util";\nexport const a = action({ args: {}, handler: async () => digest("y") });\n'
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/user.ts": user, "convex/node.ts": node, "shared/util.ts": util, "package.json": "{}"})
    without = user.replace('import { digest } from "../shared/util";\n', "").replace('digest("x")', '"x"')
    steps = [{"convex/user.ts": user, "shared/util.ts": util}, {"convex/user.ts": without, "shared/util.ts": util}, {"convex/user.ts": user, "shared/util.ts": util}]
    _session(tmp_path, steps, tmp_path / ".cache")
    linter = Linter(_settings(tmp_path), tmp_path)
    targets = discover([tmp_path], client_context=linter.needs_client_code)
    assert any(d.rule == "node-import-without-use-node" and d.path == "shared/util.ts" for d in linter.run(targets, jobs=1).diagnostics)


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name)
def test_a_kept_linter_follows_random_line_edits(root: Path, tmp_path: Path):
    """Lines deleted, duplicated, swapped or cut off, imports deleted and "use node" added
    or removed (``incremental.random_edit``) in up to three open files at a time."""
    rng = random.Random(root.name)
    linter = Linter(_settings(root), root)
    files = [t.path for t in discover([root], client_context=linter.needs_client_code) if t.report]
    buffers: dict[str, str] = {}
    steps = []
    for _ in range(8):
        path = rng.choice(files)
        rel = str(path.relative_to(root))
        _op, lines = incremental.random_edit(buffers[rel].encode().split(b"\n") if rel in buffers else path.read_bytes().split(b"\n"), rng)
        buffers[rel] = b"\n".join(lines).decode("utf-8")
        while len(buffers) > 3:
            buffers.pop(next(iter(buffers)))
        steps.append(dict(buffers))
    _session(root, steps, tmp_path / "cache")
