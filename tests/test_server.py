"""``convexlint server`` over stdio with a real LSP client (pytest-lsp): diagnostics from
unsaved buffers, a schema edit that re-judges another open file, code actions and their
edits, hover, position encodings, a broken document, shutdown."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import write_files

SCHEMA = '''import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
export default defineSchema({
  messages: defineTable({ body: v.string(), room: v.string() }),
});
'''
MESSAGES = '''import { internalQuery, internalMutation } from "./_generated/server";
import { v } from "convex/values";

export const list = internalQuery({
  args: { room: v.string() },
  returns: v.any(),
  handler: async (ctx, args) => {
    return await ctx.db.query("messages").withIndex("by_room", (q) => q.eq("room", args.room)).take(10);
  },
});

export const touch = internalMutation({
  args: {},
  handler: async (ctx) => {
    await ctx.db.insert("messages", { body: "é", room: "x" });
  },
});
'''

ROOT: Path | None = None


def _project(tmp: Path) -> Path:
    write_files(tmp, {"convex/_generated/server.d.ts": "export {};\n", "convex/schema.ts": SCHEMA, "convex/messages.ts": MESSAGES, "package.json": "{}"})
    return tmp


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "convexlint", "server"]))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    global ROOT
    ROOT = _project(tmp_path_factory.mktemp("lsp"))
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16])),
        root_uri=ROOT.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=ROOT.as_uri(), name="app")],
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, rel: str, text: str | None = None) -> str:
    path = ROOT / rel
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="typescript", version=1, text=text if text is not None else path.read_text())
    ))
    return uri


async def _diagnostics(client: LanguageClient, uri: str, predicate=lambda ds: True, timeout: float = 20.0) -> list[types.Diagnostic]:
    """The latest diagnostics published for ``uri`` once ``predicate`` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and predicate(found):
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no matching diagnostics for {uri}: {found}")
        await asyncio.sleep(0.05)


def _codes(ds: list[types.Diagnostic]) -> set[str]:
    return {str(d.code) for d in ds}


@pytest.mark.asyncio
async def test_open_publishes_diagnostics_with_code_docs_and_utf16_ranges(client: LanguageClient):
    uri = _open(client, "convex/messages.ts")
    ds = await _diagnostics(client, uri, lambda ds: "no-unknown-index" in _codes(ds))
    unknown = next(d for d in ds if d.code == "no-unknown-index")
    line = MESSAGES.splitlines()[unknown.range.start.line]
    assert line[unknown.range.start.character : unknown.range.end.character] == '"by_room"'
    assert unknown.severity == types.DiagnosticSeverity.Error and unknown.source == "convexlint"
    assert unknown.code_description is not None and unknown.code_description.href.endswith("docs/rules/no-unknown-index.md")


@pytest.mark.asyncio
async def test_an_unsaved_schema_edit_rejudges_the_other_open_file(client: LanguageClient):
    messages = _open(client, "convex/messages.ts")
    await _diagnostics(client, messages, lambda ds: "no-unknown-index" in _codes(ds))
    schema = _open(client, "convex/schema.ts")
    fixed = SCHEMA.replace("room: v.string() }),", 'room: v.string() }).index("by_room", ["room"]),')
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=schema, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
    ))
    await _diagnostics(client, messages, lambda ds: "no-unknown-index" not in _codes(ds))
    assert (ROOT / "convex" / "schema.ts").read_text() == SCHEMA  # nothing was written


@pytest.mark.asyncio
async def test_code_actions_offer_the_fix_and_disable_comments(client: LanguageClient):
    uri = _open(client, "convex/messages.ts")
    ds = await _diagnostics(client, uri, lambda ds: "require-returns-validator" in _codes(ds))
    missing = next(d for d in ds if d.code == "require-returns-validator")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=missing.range, context=types.CodeActionContext(diagnostics=[missing]),
    ))
    titles = {a.title: a for a in actions}
    fix = titles["Fix: require-returns-validator"]
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    (edit,) = fix.edit.changes[uri]
    assert edit.new_text == ", returns: v.null()" and edit.range.start == edit.range.end
    line = MESSAGES.splitlines()[edit.range.start.line]
    assert line[: edit.range.start.character].endswith("args: {}")
    disable = titles["Disable require-returns-validator for this line"].edit.changes[uri][0]
    assert disable.new_text == "// convexlint-disable-next-line require-returns-validator -- reason\n"
    assert "Disable require-returns-validator for this file" in titles


@pytest.mark.asyncio
async def test_fix_all_is_a_source_action(client: LanguageClient):
    uri = _open(client, "convex/messages.ts")
    await _diagnostics(client, uri, lambda ds: "require-returns-validator" in _codes(ds))
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
        context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.convexlint"]),
    ))
    (fix_all,) = actions
    assert fix_all.kind == "source.fixAll.convexlint"
    assert [e.new_text for e in fix_all.edit.changes[uri]] == [", returns: v.null()"]


@pytest.mark.asyncio
async def test_hover_on_a_finding_explains_the_rule(client: LanguageClient):
    uri = _open(client, "convex/messages.ts")
    ds = await _diagnostics(client, uri, lambda ds: "no-unknown-index" in _codes(ds))
    unknown = next(d for d in ds if d.code == "no-unknown-index")
    hover = await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=unknown.range.start))
    assert hover is not None and "no-unknown-index" in hover.contents.value and "docs/rules/no-unknown-index.md" in hover.contents.value
    nothing = await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=0)))
    assert nothing is None


@pytest.mark.asyncio
async def test_a_broken_document_gets_a_syntax_error_and_the_server_keeps_serving(client: LanguageClient):
    uri = _open(client, "convex/broken.ts", "export const = ;\n")
    ds = await _diagnostics(client, uri, lambda ds: "syntax-error" in _codes(ds))
    assert ds[0].range.start.line == 0
    messages = _open(client, "convex/messages.ts")
    await _diagnostics(client, messages, lambda ds: "no-unknown-index" in _codes(ds))


@pytest.mark.asyncio
async def test_closing_clears_the_documents_diagnostics(client: LanguageClient):
    uri = _open(client, "convex/messages.ts")
    await _diagnostics(client, uri, lambda ds: bool(ds))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await _diagnostics(client, uri, lambda ds: len(ds) == 0)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "convexlint", "server"]))
async def utf8_client(lsp_client: LanguageClient, tmp_path_factory):
    global ROOT
    ROOT = _project(tmp_path_factory.mktemp("lsp8"))
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16])),
        root_uri=ROOT.as_uri(),
    )
    result = await lsp_client.initialize_session(params)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_utf8_positions_count_bytes_when_the_client_prefers_them(utf8_client: LanguageClient):
    text = MESSAGES.replace('    return await ctx.db.query("messages")', '    /* café ✓ */ return await ctx.db.query("messages")')
    uri = _open(utf8_client, "convex/messages.ts", text)
    ds = await _diagnostics(utf8_client, uri, lambda ds: "no-unknown-index" in _codes(ds))
    unknown = next(d for d in ds if d.code == "no-unknown-index")
    line = text.splitlines()[unknown.range.start.line].encode()
    assert line[unknown.range.start.character : unknown.range.end.character] == b'"by_room"'  # 3 more bytes than UTF-16 units before it


@pytest.mark.asyncio
async def test_a_configuration_change_is_picked_up(client: LanguageClient):
    uri = _open(client, "convex/messages.ts")
    await _diagnostics(client, uri, lambda ds: "require-returns-validator" in _codes(ds))
    (ROOT / "convexlint.yaml").write_text("rules:\n  require-returns-validator: off\n")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=(ROOT / "convexlint.yaml").as_uri(), type=types.FileChangeType.Created)]
    ))
    await _diagnostics(client, uri, lambda ds: "require-returns-validator" not in _codes(ds) and "no-unknown-index" in _codes(ds))


@pytest.mark.asyncio
async def test_saving_a_new_file_keeps_it_linted(client: LanguageClient):
    text = 'import { internalQuery } from "./_generated/server";\nexport const q = internalQuery({ args: {}, returns: v.null(), handler: async (ctx) => { await ctx.db.query("nope").first(); return null; } });\n'
    uri = _open(client, "convex/fresh.ts", text)
    await _diagnostics(client, uri, lambda ds: "no-unknown-table" in _codes(ds))
    (ROOT / "convex" / "fresh.ts").write_text(text)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    fixed = text.replace('"nope"', '"messages"')
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
    ))
    await _diagnostics(client, uri, lambda ds: "no-unknown-table" not in _codes(ds))


def test_remembered_outcomes_are_judged_like_fresh_ones(tmp_path):
    """The server's in-memory outcomes (``Linter.memo``): after an unsaved edit of a custom
    registrar's file, a run that reuses every other file's outcome finds what a fresh run
    finds (project resolution fills function kinds in; reuse must not keep stale ones)."""
    from convexlint.config import Settings
    from convexlint.discovery import discover
    from convexlint.engine import Linter
    from convexlint.records import load_records

    wrapper = 'import { customQuery } from "convex-helpers/server/customFunctions";\nimport { query } from "./_generated/server";\nexport const userQuery = customQuery(query, { args: {}, input: async () => ({ ctx: {}, args: {} }) });\n'
    user = 'import { userQuery } from "./lib";\nexport const mine = userQuery({ args: {}, handler: async (ctx) => {\n  // convexlint-disable-next-line no-unknown-table -- not yet in the schema\n  return await ctx.db.query("notes").first(); } });\n'
    schema = 'import { defineSchema, defineTable } from "convex/server";\nexport default defineSchema({ users: defineTable({}) });\n'
    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/lib.ts": wrapper, "convex/user.ts": user, "convex/schema.ts": schema, "package.json": "{}"})

    def run(linter, overlay):
        linter.overlay = overlay
        return sorted((d.path, d.rule, d.message) for d in linter.run(targets, jobs=1, cache_dir=tmp_path / ".cache").diagnostics)

    settings = Settings(load_records(), None, cwd=tmp_path, nearest=True)
    settings.report_unused_disables = True
    remembering = Linter(settings, tmp_path)
    remembering.memo = {}
    targets = discover([tmp_path / "convex"])
    first = run(remembering, {})
    assert any("public query" in m for _p, _r, m in first)
    edited = {tmp_path / "convex" / "lib.ts": wrapper.replace("import { query }", "import { internalQuery as query }").encode()}
    again = run(remembering, edited)
    fresh = run(Linter(settings, tmp_path), edited)
    assert again == fresh and again != first
    assert run(remembering, {}) == first  # and back
    # the directive suppressed a finding in the last run; with the table in the schema it suppresses nothing
    with_table = {tmp_path / "convex" / "schema.ts": schema.replace("users: defineTable({})", "users: defineTable({}), notes: defineTable({})").encode()}
    unused = run(remembering, with_table)
    assert unused == run(Linter(settings, tmp_path), with_table) and any(r == "unused-suppression" for _p, r, _m in unused)


def test_a_failing_request_is_logged_and_answered_with_nothing():
    from convexlint.server import _guarded

    logged = []

    class FakeServer:
        def window_log_message(self, params):
            logged.append(params)

    @_guarded
    def broken(ls, params):
        raise KeyError("boom")

    assert broken(FakeServer(), None) is None
    assert logged and logged[0].type == types.MessageType.Error and "KeyError('boom')" in logged[0].message


def test_code_actions_and_hover_wait_for_a_run_of_the_current_text(tmp_path):
    """Findings are positioned in the text their run read: once the buffer has changed
    since, a code action built from them would edit the wrong bytes, so none is offered
    (and no hover) until the next run publishes; the text they were computed from still
    gets them."""
    from pygls.workspace import Workspace

    from convexlint.server import ConvexlintServer, _findings_at

    write_files(tmp_path, {"convex/_generated/server.d.ts": "export {};\n", "convex/schema.ts": SCHEMA, "convex/messages.ts": MESSAGES, "package.json": "{}"})
    ls = ConvexlintServer()
    ls.protocol._workspace = Workspace(tmp_path.as_uri(), workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="app")])
    uri = (tmp_path / "convex" / "messages.ts").as_uri()
    ls.workspace.put_text_document(types.TextDocumentItem(uri=uri, language_id="typescript", version=1, text=MESSAGES))
    project = ls.project_for(tmp_path / "convex" / "messages.ts")
    ls.lint(project)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=40, character=0))
    assert any(d.rule == "no-unknown-index" for d in _findings_at(ls, uri, whole)[2])
    ls.workspace.update_text_document(
        types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        types.TextDocumentContentChangeWholeDocument(text="// a new first line\n" + MESSAGES),
    )
    assert _findings_at(ls, uri, whole)[2] == []  # the spans are one line off now
    ls.lint(project)
    found = _findings_at(ls, uri, whole)
    unknown = next(d for d in found[2] if d.rule == "no-unknown-index")
    assert found[1][unknown.span.start_byte : unknown.span.end_byte] == b'"by_room"'


@pytest.mark.asyncio
async def test_a_lockfile_change_rejudges_version_gated_rules(client: LanguageClient):
    """explicit-table-ids applies from convex 1.31: an upgrade in the lockfile (a watched
    file, like package.json and tsconfig.json) reaches the open files without a restart."""
    import json

    lock = lambda version: json.dumps({"packages": {"node_modules/convex": {"version": version}}})  # noqa: E731
    (ROOT / ".git").mkdir(exist_ok=True)
    write_files(ROOT, {"package.json": json.dumps({"dependencies": {"convex": "^1.25.0"}}), "package-lock.json": lock("1.26.0")})
    text = ('import { internalQuery } from "./_generated/server";\nimport { v } from "convex/values";\n'
            'export const get = internalQuery({ args: { id: v.id("messages") }, returns: v.any(),\n'
            "  handler: async (ctx, args) => await ctx.db.get(args.id) });\n")
    uri = _open(client, "convex/users.ts", text)
    ds = await _diagnostics(client, uri)
    assert "explicit-table-ids" not in _codes(ds)
    write_files(ROOT, {"package-lock.json": lock("1.31.2")})
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=(ROOT / "package-lock.json").as_uri(), type=types.FileChangeType.Changed)]
    ))
    await _diagnostics(client, uri, lambda ds: "explicit-table-ids" in _codes(ds))
