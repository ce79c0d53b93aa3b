"""``convexlint server``: a Language Server (LSP 3.17, stdio) built on pygls.

Each workspace folder is one project. A document is linted from its unsaved buffer when it
is opened, changed or saved: the open documents go into the linter's overlay
(``Linter.overlay``), every other file is read from disk (through the per-file cache and
the decoded outcomes kept in memory), and the project rules read the whole project but
visit only the open files (``Linter.run``'s ``focus``), so an edit to ``schema.ts``
re-judges every open file that queries that table. Changes coalesce: while a project is
being linted, further changes wait and one more run takes them all. Diagnostics are
published for every open document whose findings changed, with the text and version they
were computed from; code actions and hover answer only while a document is still that
text. Changes to configuration files, ``convex.json``, ``package.json``, ``tsconfig.json``
and lockfiles (``workspace/didChangeWatchedFiles``, see ``_WATCHED``) start a new linter;
saves start a fresh discovery.

Positions: diagnostics carry spans as 0-based byte offsets; LSP positions are (line,
character) with characters in the negotiated ``positionEncoding`` (UTF-16 by default,
UTF-8 or UTF-32 when the client offers it and convexlint picks it). Code actions: each fix
(safe ones as ``quickfix``, unsafe ones titled as such), "Fix all safe convexlint problems"
(``source.fixAll.convexlint``), and disabling a rule for a line or a file. Hover on a
diagnostic's range shows the rule's title, why it matters and its docs link. An internal
error in one request is logged (``window/logMessage``) and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from convexlint import __version__
from convexlint.diagnostics import Diagnostic, Edit, Severity

#: Seconds to wait after a change before linting. Zero: a run starts as soon as the
#: notifications already received are handled, and changes arriving during a run coalesce
#: into the next one (see ``_lint_soon``), so a burst of typing lints at most twice.
DEBOUNCE = 0.0
FIX_ALL_KIND = "source.fixAll.convexlint"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
#: Files whose change means a new linter: configuration, ``convex.json``, and what import
#: resolution and the convex version are read from (``workspace``, ``packages``).
_WATCHED = (
    "convexlint.yaml", ".convexlint.yaml", "pyproject.toml", "convex.json", "package.json", "tsconfig.json",
    "package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock",
)


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


@dataclass
class _Project:
    """One workspace folder: its linter, targets and the last findings per file."""

    root: Path
    linter: object | None = None
    targets: list | None = None
    findings: dict[str, list[Diagnostic]] = field(default_factory=dict)  # rel path -> diagnostics
    published: dict[str, list] = field(default_factory=dict)  # uri -> last LSP diagnostics sent
    #: uri -> (version, text) of each open document as the last run linted it
    snapshot: dict[str, tuple[int | None, bytes]] = field(default_factory=dict)
    running: bool = False  # a lint loop is on (see ``_lint_soon``)
    dirty: bool = False  # something changed since the running loop's last run began
    task: asyncio.Task | None = None  # the lint loop, while it runs

    def contains(self, path: Path) -> bool:
        return self.root == path or self.root in path.parents


class ConvexlintServer(LanguageServer):
    """The server: projects by root, a lint lock (one run at a time, off the event loop)."""

    def __init__(self) -> None:
        super().__init__("convexlint", __version__)
        self.projects: dict[Path, _Project] = {}
        self.lock = threading.Lock()
        self.encoding = types.PositionEncodingKind.Utf16

    # -- projects ---------------------------------------------------------------------

    def project_for(self, path: Path) -> _Project:
        roots = [Path(uri_to_path(f.uri) or ".") for f in (self.workspace.folders or {}).values()]
        if not roots and self.workspace.root_path:
            roots = [Path(self.workspace.root_path)]
        best = max((r for r in roots if r == path or r in path.parents), key=lambda r: len(r.parts), default=path.parent)
        if best not in self.projects:
            self.projects[best] = _Project(best)
        return self.projects[best]

    def _snapshot(self, project: _Project) -> dict[str, tuple[Path, int | None, bytes]]:
        """uri -> (path, version, text) of every open document in ``project``."""
        out = {}
        for doc in list(self.workspace.text_documents.values()):
            path = uri_to_path(doc.uri)
            if path is not None and project.contains(path):
                out[doc.uri] = (path, doc.version, doc.source.encode("utf-8", "surrogateescape"))
        return out

    def lint(self, project: _Project) -> None:
        """One lint run of ``project`` with the open buffers (call with ``lock`` held)."""
        from convexlint.config import Settings
        from convexlint.discovery import discover
        from convexlint.engine import Linter
        from convexlint.records import load_records

        if project.linter is None or project.targets is None:
            settings = Settings(load_records(), None, cwd=project.root, nearest=True)
            project.linter = Linter(settings, project.root)
            project.linter.memo = {}  # decoded outcomes stay in memory: a change decodes only what changed
            project.targets = discover([project.root], client_context=project.linter.needs_client_code)
            settings.prepare([str(t.path.relative_to(project.root)) for t in project.targets if project.root in t.path.parents])
        linter = project.linter
        snapshot = self._snapshot(project)
        overlay = {path: data for path, _version, data in snapshot.values()}
        linter.overlay = overlay
        known = {t.path for t in project.targets}
        targets = list(project.targets)
        for path in overlay:  # an open buffer not on disk yet (a new file)
            if path not in known:
                try:  # only its own target: the rest of its project is already there, reported
                    targets += [t for t in discover([path], unsaved=path.resolve()) if t.path == path.resolve()]
                except Exception:  # noqa: BLE001 - a buffer convexlint does not lint (not TS/JS): nothing to add
                    continue
        focus = frozenset(path.relative_to(project.root).as_posix() for path in overlay)
        result = linter.run(targets, jobs=1, cache_dir=project.root / ".convexlint_cache", focus=focus)
        findings: dict[str, list[Diagnostic]] = {}
        for d in result.diagnostics:
            findings.setdefault(d.path, []).append(d)
        project.findings = findings
        project.snapshot = {uri: (version, data) for uri, (_path, version, data) in snapshot.items()}
        # The remembered outcomes are long-lived: moved out of the cyclic collector's sight,
        # a collection no longer walks the whole project (it made p95 twice the median).
        # Reference counting still frees what a later run drops; only cycles among frozen
        # objects would stay, and the model's data is acyclic.
        gc.freeze()

    def publish(self, project: _Project) -> None:
        """Send diagnostics for each document of ``project`` the last run linted (and still
        open) whose findings changed, positioned in the text that run read."""
        for uri, (version, data) in project.snapshot.items():
            path = uri_to_path(uri)
            if path is None or uri not in self.workspace.text_documents:
                continue  # closed since: its diagnostics were cleared
            rel = path.relative_to(project.root).as_posix()
            lsp = [self.to_lsp(d, data) for d in project.findings.get(rel, [])]
            if project.published.get(uri) != lsp:
                project.published[uri] = lsp
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=lsp, version=version))

    # -- positions --------------------------------------------------------------------

    def position(self, data: bytes, offset: int) -> types.Position:
        """LSP position of byte ``offset`` in ``data`` (characters in the negotiated encoding)."""
        offset = max(0, min(offset, len(data)))
        line_start = data.rfind(b"\n", 0, offset) + 1
        line = data.count(b"\n", 0, line_start)
        prefix = data[line_start:offset]
        if self.encoding == types.PositionEncodingKind.Utf8:
            character = len(prefix)
        else:
            text = prefix.decode("utf-8", "replace")
            character = len(text) if self.encoding == types.PositionEncodingKind.Utf32 else len(text.encode("utf-16-le")) // 2
        return types.Position(line=line, character=character)

    def offset(self, data: bytes, position: types.Position) -> int:
        """Byte offset of an LSP ``position`` in ``data``."""
        start = 0
        for _ in range(position.line):
            nl = data.find(b"\n", start)
            if nl < 0:
                return len(data)
            start = nl + 1
        end = data.find(b"\n", start)
        line = data[start : len(data) if end < 0 else end]
        if self.encoding == types.PositionEncodingKind.Utf8:
            return start + min(position.character, len(line))
        text = line.decode("utf-8", "replace")
        if self.encoding == types.PositionEncodingKind.Utf32:
            return start + len(text[: position.character].encode())
        units = 0
        for i, ch in enumerate(text):
            if units >= position.character:
                return start + len(text[:i].encode())
            units += 2 if ord(ch) > 0xFFFF else 1
        return start + len(line)

    def range_of(self, data: bytes, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(data, start), end=self.position(data, end))

    def to_lsp(self, d: Diagnostic, data: bytes) -> types.Diagnostic:
        tags = [types.DiagnosticTag.Unnecessary] if d.rule == "unused-suppression" else None
        return types.Diagnostic(
            range=self.range_of(data, d.span.start_byte, d.span.end_byte),
            message=d.message,
            severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Information),
            code=d.rule,
            code_description=types.CodeDescription(href=d.url) if d.url else None,
            source="convexlint",
            tags=tags,
        )

    # -- fixes ----------------------------------------------------------------------------

    def text_of(self, project: _Project, rel: str) -> bytes | None:
        from convexlint.reading import read_regular

        path = project.root / rel
        for doc in self.workspace.text_documents.values():
            if uri_to_path(doc.uri) == path:
                return doc.source.encode("utf-8", "surrogateescape")
        return read_regular(path)

    def workspace_edit(self, project: _Project, edits: list[Edit]) -> types.WorkspaceEdit | None:
        changes: dict[str, list[types.TextEdit]] = {}
        for e in edits:
            data = self.text_of(project, e.path)
            if data is None:
                return None
            uri = (project.root / e.path).as_uri()
            changes.setdefault(uri, []).append(types.TextEdit(range=self.range_of(data, e.start_byte, e.end_byte), new_text=e.text))
        return types.WorkspaceEdit(changes=changes)


server = ConvexlintServer()


def _guarded(fn):
    """Log an internal error of one request and keep serving (the result is None)."""

    def wrapper(ls: ConvexlintServer, params):
        try:
            return fn(ls, params)
        except Exception as exc:  # noqa: BLE001 - one request must not take the server down
            ls.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=f"convexlint: {exc!r}\n{traceback.format_exc()}"))
            return None

    wrapper.__name__ = fn.__name__
    return wrapper


@server.feature(types.INITIALIZE)
def _initialize(ls: ConvexlintServer, params: types.InitializeParams) -> None:
    from pygls.capabilities import ServerCapabilitiesBuilder

    # what pygls advertises: the client's most preferred encoding it supports, else UTF-16
    ls.encoding = ServerCapabilitiesBuilder.choose_position_encoding(params.capabilities)


@server.feature(types.INITIALIZED)
async def _initialized(ls: ConvexlintServer, params: types.InitializedParams) -> None:
    """Ask the client to report changes to configuration files and ``convex.json`` (and
    created or deleted source files), when it can register watchers dynamically."""
    caps = ls.client_capabilities.workspace
    dynamic = caps.did_change_watched_files if caps is not None else None
    if dynamic is None or not dynamic.dynamic_registration:
        return
    globs = [f"**/{name}" for name in _WATCHED] + ["**/*.{ts,tsx,js,jsx,mts,cts}"]
    options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[types.FileSystemWatcher(glob_pattern=g) for g in globs])
    await ls.client_register_capability_async(
        types.RegistrationParams(registrations=[types.Registration(id="convexlint-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)])
    )


async def _lint_soon(ls: ConvexlintServer, path: Path, delay: float) -> None:
    """Lint the project of ``path`` after ``delay`` seconds, then publish. While its loop
    runs, a change only marks the project dirty: the loop lints again once the current run
    ends, so changes during a run coalesce into one more run (off the event loop: requests
    are answered meanwhile)."""
    project = ls.project_for(path)
    project.dirty = True
    if project.running:
        return

    async def loop_runs() -> None:
        loop = asyncio.get_running_loop()

        def work() -> None:
            with ls.lock:
                ls.lint(project)

        try:
            await asyncio.sleep(delay)  # also lets notifications already received be handled first
            while project.dirty:
                project.dirty = False
                try:
                    await loop.run_in_executor(None, work)
                except Exception as exc:  # noqa: BLE001 - logged; the next change tries again
                    ls.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=f"convexlint: lint failed: {exc!r}\n{traceback.format_exc()}"))
                    return
                ls.publish(project)
        finally:
            project.running = False

    project.running = True
    project.task = asyncio.ensure_future(loop_runs())  # held: the event loop keeps only a weak reference


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def _did_open(ls: ConvexlintServer, params: types.DidOpenTextDocumentParams) -> None:
    path = uri_to_path(params.text_document.uri)
    if path is not None:
        await _lint_soon(ls, path, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def _did_change(ls: ConvexlintServer, params: types.DidChangeTextDocumentParams) -> None:
    path = uri_to_path(params.text_document.uri)
    if path is not None:
        await _lint_soon(ls, path, DEBOUNCE)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def _did_save(ls: ConvexlintServer, params: types.DidSaveTextDocumentParams) -> None:
    path = uri_to_path(params.text_document.uri)
    if path is not None:
        ls.project_for(path).targets = None  # a saved new file joins the project
        await _lint_soon(ls, path, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def _did_close(ls: ConvexlintServer, params: types.DidCloseTextDocumentParams) -> None:
    path = uri_to_path(params.text_document.uri)
    if path is None:
        return
    project = ls.project_for(path)
    project.published.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))
    await _lint_soon(ls, path, DEBOUNCE)  # its disk text replaces the buffer for the other files


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def _did_change_watched(ls: ConvexlintServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        path = uri_to_path(change.uri)
        if path is None:
            continue
        project = ls.project_for(path)
        if path.name in _WATCHED or change.type != types.FileChangeType.Changed:
            project.linter, project.targets = None, None  # configuration or the file set changed
        if path.name in _WATCHED:
            from convexlint import workspace

            workspace.forget()
        await _lint_soon(ls, path, DEBOUNCE)


def _findings_at(ls: ConvexlintServer, uri: str, rng: types.Range | None = None) -> tuple[_Project, bytes, list[Diagnostic]] | None:
    path = uri_to_path(uri)
    doc = ls.workspace.text_documents.get(uri)
    if path is None or doc is None:
        return None
    project = ls.project_for(path)
    data = doc.source.encode("utf-8", "surrogateescape")
    linted = project.snapshot.get(uri)
    if linted is None or linted[1] != data:
        return project, data, []  # changed since the last run: its spans would point elsewhere
    found = project.findings.get(path.relative_to(project.root).as_posix(), [])
    if rng is not None:
        start, end = ls.offset(data, rng.start), ls.offset(data, rng.end)
        found = [d for d in found if d.span.start_byte <= end and start <= d.span.end_byte]
    return project, data, found


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND]),
)
@_guarded
def _code_action(ls: ConvexlintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    wanted = params.context.only
    actions: list[types.CodeAction] = []
    found = _findings_at(ls, uri, None if wanted and all(k.startswith("source") for k in wanted) else params.range)
    if found is None:
        return None
    project, data, diags = found
    if not wanted or any(k.startswith(types.CodeActionKind.QuickFix) for k in wanted):
        for d in diags:
            lsp = ls.to_lsp(d, data)
            if d.fix is not None:
                edit = ls.workspace_edit(project, list(d.fix.edits))
                if edit is not None:
                    unsafe = d.fix.applicability != "safe"
                    title = f"Fix: {d.rule}" + (" (unsafe: may change behaviour)" if unsafe else "")
                    actions.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[lsp], edit=edit, is_preferred=not unsafe))
            actions += _disable_actions(ls, project, uri, data, d, lsp)
    if not wanted or any(FIX_ALL_KIND.startswith(k) or k.startswith(FIX_ALL_KIND) or k == types.CodeActionKind.SourceFixAll for k in wanted):
        all_diags = _findings_at(ls, uri)
        fix_all = _fix_all(ls, project, all_diags[2] if all_diags else [])
        if fix_all is not None:
            actions.append(types.CodeAction(title="Fix all safe convexlint problems in this file", kind=FIX_ALL_KIND, edit=fix_all))
    return actions


def _fix_all(ls: ConvexlintServer, project: _Project, diags: list[Diagnostic]) -> types.WorkspaceEdit | None:
    """The safe fixes of a file's findings whose edits overlap none taken before (one pass:
    running it again picks up what an overlap held back)."""
    taken: list[Edit] = []
    for d in diags:
        if d.fix is None or d.fix.applicability != "safe":
            continue
        if any(e.path == t.path and e.start_byte < t.end_byte and t.start_byte < e.end_byte for e in d.fix.edits for t in taken):
            continue
        taken += d.fix.edits
    return ls.workspace_edit(project, taken) if taken else None


def _disable_actions(ls: ConvexlintServer, project: _Project, uri: str, data: bytes, d: Diagnostic, lsp: types.Diagnostic) -> list[types.CodeAction]:
    """"Disable <rule> for this line" (a ``convexlint-disable-next-line`` comment above the
    finding's first line, same indentation) and "for this file" (``convexlint-disable-file``
    at the top), each with a ``-- reason`` placeholder."""
    line_start = data.rfind(b"\n", 0, d.span.start_byte) + 1
    indent = data[line_start : line_start + len(data[line_start:]) - len(data[line_start:].lstrip(b" \t"))].decode()
    above = f"{indent}// convexlint-disable-next-line {d.rule} -- reason\n"
    top = f"// convexlint-disable-file {d.rule} -- reason\n"
    out = []
    for title, offset, text in ((f"Disable {d.rule} for this line", line_start, above), (f"Disable {d.rule} for this file", 0, top)):
        pos = ls.position(data, offset)
        edit = types.WorkspaceEdit(changes={uri: [types.TextEdit(range=types.Range(start=pos, end=pos), new_text=text)]})
        out.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[lsp], edit=edit))
    return out


@server.feature(types.TEXT_DOCUMENT_HOVER)
@_guarded
def _hover(ls: ConvexlintServer, params: types.HoverParams) -> types.Hover | None:
    rng = types.Range(start=params.position, end=params.position)
    found = _findings_at(ls, params.text_document.uri, rng)
    if not found or not found[2]:
        return None
    from convexlint.records import load_records

    records = load_records()
    parts = []
    for d in found[2]:
        record = records.get(d.rule)
        if record is None:
            continue
        why = record.rationale.strip().split("\n\n")[0].replace("\n", " ")
        parts.append(f"**{record.title}** (`{d.rule}`, {d.severity})\n\n{why}\n\n[Docs]({record.url})")
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


def serve() -> None:
    """Serve over stdio until the client says exit."""
    server.start_io()
