"""Code outside the functions directory: server code beside it that the functions import is
linted as server code; client code is parsed only where something could be found in it."""

from __future__ import annotations

import json

from click.testing import CliRunner

import convexlint.engine as engine
from convexlint.cli import main
from convexlint.config import Settings
from convexlint.discovery import discover
from convexlint.engine import Linter
from convexlint.records import load_records
from convexlint.rules.no_client_action_call import NoClientActionCall

from conftest import lint, write_files

LIST_NOTES = (
    'import { query } from "../_generated/server";\n'
    'import { openNotes } from "../lib/notes";\n'
    'import type { Shape } from "../lib/shapes";\n'
    "export const list = query({ args: {}, handler: async (ctx) => openNotes(ctx) });\n"
)
# Server helpers beside the functions directory (functions: convex/functions).
LIB_NOTES = (
    'export { byAuthor } from "./authors";\n'
    "export async function openNotes(ctx: any) {\n"
    '  return await ctx.db.query("notes").filter((q: any) => q.eq(q.field("open"), true)).take(10);\n'
    "}\n"
)
LIB_AUTHORS = (
    "export async function byAuthor(ctx: any, author: string) {\n"
    '  return await ctx.db.query("notes").filter((q: any) => q.eq(q.field("author"), author)).take(10);\n'
    "}\n"
)
# Only its types are imported: it is not bundled as server code, server rules stay out.
LIB_SHAPES = (
    "export type Shape = { open: boolean };\n"
    "export const sample = (db: any) => db.query(\"notes\").filter(() => true);\n"
)
NESTED = {
    "convex.json": '{"functions": "convex/functions"}',
    "convex/functions/_generated/server.ts": "export const query = (x: any) => x;\n",
    "convex/functions/notes.ts": LIST_NOTES,
    "convex/lib/notes.ts": LIB_NOTES,
    "convex/lib/authors.ts": LIB_AUTHORS,
    "convex/lib/shapes.ts": LIB_SHAPES,
    "convex/lib/unused.ts": 'export const stale = (ctx: any) => ctx.db.query("notes").filter(() => true);\n',
    # Imported only by a test, which is not deployed: not server code either.
    "convex/functions/notes.test.ts": 'import { fixture } from "../lib/fixtures";\nexport const t = fixture;\n',
    "convex/lib/fixtures.ts": 'export const fixture = (ctx: any) => ctx.db.query("notes").filter(() => true);\n',
}


def _inspect(root, monkeypatch, *args) -> dict:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["inspect", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    [project] = json.loads(result.output)["projects"]
    return project


def test_server_code_beside_the_functions_dir_is_server_code(tmp_path, monkeypatch):
    write_files(tmp_path, NESTED)
    found = {(d.path, d.span.start_line, d.rule) for d in lint(["."], tmp_path, preview=True).diagnostics}
    # Imported (directly, or re-exported through an imported file): server rules see it.
    assert ("convex/lib/notes.ts", 3, "no-filter-in-query") in found
    assert ("convex/lib/authors.ts", 2, "no-filter-in-query") in found
    # Imported only as types, or not imported at all: client code, where server rules never report.
    assert not [f for f in found if f[0] in ("convex/lib/shapes.ts", "convex/lib/unused.ts", "convex/lib/fixtures.ts")]
    # Not function modules: no function-path rule looks at them, only server rules.
    assert {r for p, _l, r in found if p.startswith("convex/lib/")} == {"no-filter-in-query"}
    files = _inspect(tmp_path, monkeypatch)["files"]
    assert files["convex/lib/notes.ts"] == ["server", "imported by server code"]
    assert files["convex/lib/authors.ts"] == ["server", "imported by server code"]
    assert files["convex/lib/shapes.ts"][0] == "client"
    # Linting only convex/ reads the same project the same way.
    assert {(d.path, d.rule) for d in lint(["convex"], tmp_path).diagnostics} == {(p, r) for p, _l, r in found}


def test_server_code_beside_the_functions_dir_with_the_cache(tmp_path):
    write_files(tmp_path, NESTED)
    settings = Settings(load_records(), None, cwd=tmp_path)

    def run():
        result = Linter(settings, tmp_path).run(discover([tmp_path]), cache_dir=tmp_path / ".cache")
        return sorted((d.path, d.rule) for d in result.diagnostics if d.path.startswith("convex/lib/"))

    cold = run()
    assert cold == [("convex/lib/authors.ts", "no-filter-in-query"), ("convex/lib/notes.ts", "no-filter-in-query")]
    assert run() == cold
    # The functions stop importing the helpers: they are client code again, even from the cache.
    write_files(tmp_path, {"convex/functions/notes.ts": LIST_NOTES.replace('import { openNotes } from "../lib/notes";\n', "const openNotes = (c: any) => c;\n")})
    assert run() == []
    write_files(tmp_path, {"convex/functions/notes.ts": LIST_NOTES})
    assert run() == cold


CLIENT = {
    "convex/_generated/server.ts": "export const query = (x: any) => x;\n",
    "convex/notes.ts": 'import { query } from "./_generated/server";\nexport const list = query({ args: {}, handler: async () => [] });\n',
    # Nothing Convex in it: not parsed.
    "src/format.ts": "export const formatDate = (d: Date) => d.toISOString();\n",
    # Mentions Convex: parsed (the model reads its references).
    "src/Notes.tsx": 'import { useQuery } from "convex/react";\nimport { api } from "../convex/_generated/api";\nexport const Notes = () => useQuery(api.notes.list);\n',
    # A client rule's own marker (no-manual-storage-url needs `storage/`): parsed, and it fires.
    "src/files.ts": "export const fileUrl = (base: string, id: string) =>\n  // no-manual-storage-url reports here\n  `${base}/api/storage/${id}`;\n",
    # A suppression directive naming an unknown rule is still reported.
    "src/legacy.ts": "// convexlint-disable-next-line no-such-rule\nexport const x = 1;\n",
    # An aliased generated API, imported by name.
    "src/hooks.ts": 'import { api } from "@/backend";\nexport const ref = api.notes.list;\n',
}


def test_client_files_without_markers_are_skipped(tmp_path, monkeypatch):
    write_files(tmp_path, CLIENT)
    parsed: list[str] = []
    real_parse = engine.parse
    monkeypatch.setattr(engine, "parse", lambda data, name: parsed.append(name) or real_parse(data, name))
    found = {(d.path, d.span.start_line, d.rule) for d in lint(["."], tmp_path, preview=True).diagnostics}
    assert "src/format.ts" not in parsed
    assert {"src/Notes.tsx", "src/files.ts", "src/legacy.ts", "src/hooks.ts", "convex/notes.ts"} <= set(parsed)
    assert ("src/files.ts", 3, "no-manual-storage-url") in found
    assert ("src/legacy.ts", 1, "invalid-suppression") in found
    files = _inspect(tmp_path, monkeypatch)["files"]
    assert files["src/format.ts"] == ["client", "skipped (no Convex marker)"]
    assert files["src/Notes.tsx"] == ["client"]
    assert files["src/hooks.ts"] == ["client"]


def test_named_client_files_are_never_skipped(tmp_path, monkeypatch):
    write_files(tmp_path, {**CLIENT, "src/format.ts": "export const broken = (;\n"})
    result = lint(["src/format.ts"], tmp_path)
    assert [(d.path, d.rule) for d in result.diagnostics] == [("src/format.ts", "syntax-error")]


def test_a_client_rule_without_markers_reads_every_client_file(tmp_path, monkeypatch):
    write_files(tmp_path, {**CLIENT, "src/Run.tsx": 'import { useAction } from "@/data";\nexport const Run = () => useAction(0);\n'})
    settings = Settings(load_records(), None, preview=True, cwd=tmp_path)
    linter = Linter(settings, tmp_path)
    # no-client-action-call (preview, client code) declares the one name a finding needs.
    assert linter.client_markers is not None and linter.client_markers.search(b"useAction(x)")
    result = lint(["."], tmp_path, preview=True)
    assert ("src/Run.tsx", "no-client-action-call") in {(d.path, d.rule) for d in result.diagnostics}
    # A client rule that declared nothing would have to see every client file.
    monkeypatch.setattr(NoClientActionCall, "file_markers", None)
    assert Linter(settings, tmp_path).client_markers is None
    parsed: list[str] = []
    real_parse = engine.parse
    monkeypatch.setattr(engine, "parse", lambda data, name: parsed.append(name) or real_parse(data, name))
    lint(["."], tmp_path, preview=True)
    assert "src/format.ts" in parsed


def test_skipping_and_promotion_are_the_same_in_worker_processes(tmp_path, monkeypatch):
    files = dict(NESTED)
    files.update({f"src/plain{n}.ts": f"export const n{n} = {n};\n" for n in range(30)})
    files.update({f"src/uses{n}.tsx": 'import { useQuery } from "convex/react";\nexport const q = useQuery;\n' for n in range(30)})
    write_files(tmp_path, files)
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 1)
    linter = Linter(Settings(load_records(), None, cwd=tmp_path), tmp_path)
    targets = discover([tmp_path])

    def summary(outcomes):
        return [(o.rel, o.target.is_server, o.skipped, o.facts is not None) for o in outcomes]

    serial = summary(linter.lint_files(targets, jobs=1))
    assert summary(linter.lint_files(targets, jobs=2)) == serial
    assert ("src/plain0.ts", False, True, False) in serial and ("src/uses0.tsx", False, False, True) in serial
    assert ("convex/lib/notes.ts", True, False, True) in serial
    assert linter.run(targets, jobs=2).diagnostics == linter.run(targets, jobs=1).diagnostics
