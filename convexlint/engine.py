"""The engine: read and parse each file once, run one combined query pass per file that
feeds the fact collector and every enabled listener, then run project checks once per
functions directory, then apply configuration and suppressions, sort and deduplicate.

Files are linted in phases: server code first, then the client files that server code
imports (server code too, beside the functions directory), then the rest of the client
code, of which only files whose bytes could matter are parsed (``Linter.client_markers``).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
import posixpath
import re
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tree_sitter import Query, QueryCursor

from convexlint.config import Settings
from convexlint.diagnostics import Diagnostic, Edit, Fix, LintResult, Severity, SourceTexts, Span
from convexlint.discovery import Target, is_component_dir
from convexlint.model.extract import EVENT_NODE_TYPES, FileScan, collect, index_calls, new_facts
from convexlint.model.facts import FileFacts
from convexlint.model.project import ModulePaths, Project, ShapeMemo, shape
from convexlint.packages import ConvexVersion, convex_version
from convexlint.parsing import COMPONENT_SUFFIXES, SourceFile, first_syntax_error, innermost_error, is_tsx, language, parse, script_blocks
from convexlint.reading import read_regular
from convexlint.records import RuleRecord
from convexlint.rules import IMPLEMENTATIONS, FileContext, ProjectContext, Rule
from convexlint.suppressions import FileSuppressions, id_removal, parse_suppressions, unused
from convexlint.workspace import alias_fingerprint, api_specifiers

#: Node types the fact collector and suppression parser always need.
BASE_NODE_TYPES = ("call_expression", "comment", "return_statement", *EVENT_NODE_TYPES)

#: What the model reads in client code can only be in a file mentioning one of these
#: (matched case-insensitively): Convex itself (``convex/react``, ``ConvexReactClient``,
#: ``.convex.cloud``, ``.convex.site``, ``../convex/_generated/api``) or generated code
#: behind a path alias (``@cvx/_generated/api``).
MODEL_CLIENT_MARKERS = ("convex", "_generated")
#: A named import of ``api``/``internal`` (from any path: an alias of the generated API).
_API_IMPORT = re.compile(rb"\bimport\s*\{[^}]*\b(?:api|internal)\b")
#: The rules the engine reports itself, and what a finding of theirs in client code found
#: by searching needs: suppression problems need a ``convexlint-…`` directive; syntax and
#: unreadable-file reports are never made there (``_judge``), so they need nothing.
ENGINE_RULE_MARKERS: dict[str, tuple[str, ...]] = {
    "invalid-suppression": ("convexlint",),
    "unused-suppression": ("convexlint",),
    "syntax-error": (),
    "unreadable-file": (),
    "file-too-large": (),
}


def _decode_fix(plain: Any) -> Fix | None:
    """A ``Fix`` from ``[applicability, [[path, start, end, text], …]]`` (or None);
    anything else raises ``TypeError``."""
    if plain is None:
        return None
    if type(plain) is not list or len(plain) != 2 or plain[0] not in ("safe", "unsafe") or type(plain[1]) is not list:
        raise TypeError("a fix is [applicability, edits]")
    edits = []
    for e in plain[1]:
        if type(e) is not list or len(e) != 4 or type(e[0]) is not str or type(e[1]) is not int or type(e[2]) is not int or type(e[3]) is not str:
            raise TypeError("an edit is [path, start, end, text]")
        edits.append(Edit(*e))
    return Fix(tuple(edits), plain[0])


def _size(n: int) -> str:
    """A byte count for people: ``1.5 MiB``, ``900 KiB``, ``512 bytes``."""
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB".replace(".0 ", " ")
    if n >= 1 << 10:
        return f"{n / (1 << 10):.0f} KiB"
    return f"{n} bytes"


#: Nodes nested deeper than this are not captured by the per-file query (so neither rules
#: nor the model see them). Real code nests a few dozen levels; past ~65k levels
#: tree-sitter's query cursor slows to seconds per file (50k nested calls: 16 s).
MAX_QUERY_DEPTH = 4096


@lru_cache(maxsize=None)
def combined_query(tsx: bool, node_types: tuple[str, ...]) -> Query:
    """One ``Query`` capturing every node type any enabled listener wants, plus argument
    lists (their member expressions are possible ``api.x.y`` references); compiled once.
    Only single-node patterns: a parent-child pattern such as ``(arguments
    (member_expression))`` keeps a pending match per open ancestor, which is quadratic in
    the nesting depth (16k nested calls: 3.5 s in tree-sitter alone)."""
    types = [*node_types, *(() if "arguments" in node_types else ("arguments",))]
    return Query(language(tsx), "\n".join(f"({t}) @{t}" for t in types))


def rel_path(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` with ``/`` separators (``..`` when outside it)."""
    text, base = str(path), str(cwd)
    if text.startswith(base) and text[len(base) : len(base) + 1] == os.sep:  # the common case, cheaply
        rel = text[len(base) + 1 :]
        return rel if os.sep == "/" else rel.replace(os.sep, "/")
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, cwd)).as_posix()


def _module_name(path: Path, functions_dir: Path | None) -> str | None:
    if functions_dir is None:
        return path.stem
    try:
        rel = path.relative_to(functions_dir).as_posix()
    except ValueError:
        return None
    return rel.rsplit(".", 1)[0]


@dataclass
class _FileOutcome:
    """What linting one file produced. Plain data (no tree); worker processes and the
    cache carry it in the ``codec`` encoding (see ``Linter.encode``/``decode``)."""

    target: Target
    rel: str
    facts: FileFacts | None
    diagnostics: list[Diagnostic]
    suppressions: FileSuppressions | None
    #: A client file not parsed: nothing in its bytes can matter (``Linter.client_markers``).
    skipped: bool = False


# -- worker processes ----------------------------------------------------------------------

_WORKER_LINTER: "Linter | None" = None
#: The main process's pid, in a worker: when ``os.getppid()`` differs, it has died.
_WORKER_PARENT: int | None = None
#: Seconds between two parent-liveness checks of a worker's watchdog thread.
PARENT_POLL_SECONDS = 0.5


def _set_parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies (``prctl(PR_SET_PDEATHSIG)``);
    False where that is not available (other systems, no libc)."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        return libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError, ValueError):
        return False


def _exit_if_orphaned() -> None:
    """End this worker at once when the main process is gone (it was killed: nobody will
    read the results, and an orphan would live on, blocked on the task queue)."""
    if _WORKER_PARENT is not None and os.getppid() != _WORKER_PARENT:
        os._exit(1)


def _watch_parent() -> None:
    """A worker's watchdog thread where ``PR_SET_PDEATHSIG`` is unavailable."""
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        _exit_if_orphaned()


def _worker_init(settings: Settings, cwd: Path, parent: int | None = None) -> None:
    """Set up a worker process: its ``Linter``, and its death with the main process
    ``parent`` (its pid): ``PR_SET_PDEATHSIG`` on Linux, else a daemon thread polling
    ``os.getppid()``; ``_worker_lint`` also checks between chunks. (The Linux signal
    follows the thread that started the pool, which ``Linter.close`` ends it before
    leaving ``run``/``lint_files``.)"""
    global _WORKER_LINTER, _WORKER_PARENT
    _WORKER_PARENT = parent
    if parent is not None:
        if not _set_parent_death_signal():
            import threading

            threading.Thread(target=_watch_parent, name="convexlint-parent-watch", daemon=True).start()
        _exit_if_orphaned()  # the parent died before the signal was armed
    gc.disable()  # short-lived, acyclic data: collection only costs time
    _WORKER_LINTER = Linter(settings, cwd)


def _worker_lint(targets: list[Target]) -> list[str]:
    """Lint in a worker; outcomes go back encoded (a string pickles in one copy)."""
    assert _WORKER_LINTER is not None
    _exit_if_orphaned()
    return [_WORKER_LINTER.encode(_WORKER_LINTER.lint_file(t)) for t in targets]


#: Below this many files, worker processes cost more than they save.
PARALLEL_THRESHOLD = 48


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A digest of convexlint's own code and rule records: a cache written by other code
    (an editable install between commits, a record whose severity changed) is never
    replayed, even when the version string is the same."""
    import hashlib

    from convexlint.records import records_dir

    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *records_dir().glob("*.yaml")]):
        try:
            h.update(path.name.encode() + b"\0" + path.read_bytes())
        except OSError:
            h.update(path.name.encode())
    return h.hexdigest()


class Linter:
    """Lints a list of targets with resolved ``Settings``."""

    def __init__(self, settings: Settings, cwd: Path | None = None):
        self.settings = settings
        self.cwd = (cwd or Path.cwd()).resolve()
        self.records: dict[str, RuleRecord] = settings.records
        candidates = settings.candidates
        self.rules: list[Rule] = [
            IMPLEMENTATIONS[rid](self.records[rid]) for rid in sorted(candidates) if rid in IMPLEMENTATIONS
        ]
        listener_types = sorted({t for r in self.rules for t in r.listeners} | set(BASE_NODE_TYPES))
        self.node_types = tuple(listener_types)
        #: Whether discovery should read client code as context for named files.
        self.needs_client_code = any(r.needs_client_code for r in self.rules)
        #: Client code found by searching is parsed only when its bytes match this (None:
        #: always parsed, because some enabled rule could report anywhere in it).
        self.client_markers = self._client_markers()
        # node type -> [(rule, bound method)]
        #: Worker processes, started at the first batch big enough and kept for the run's
        #: later phases (see ``_in_workers``); ``close`` ends them.
        self._pool = None
        self._pool_jobs = 0
        self._versions: dict[str, ConvexVersion | None] = {}  # functions dir (relative) -> version
        #: functions dir -> (shape key, ShapeMemo) of its last run (``_shape_memo``)
        self._shaped: dict[str | None, tuple[tuple, ShapeMemo]] = {}
        self._shapes: dict[int, tuple[FileFacts, tuple]] = {}  # id(facts) -> (facts, shape)
        self._keys: dict[tuple, str] = {}  # (path, rel, functions dir, is_server, digest) -> cache key
        #: id(facts) -> (facts, decoded function fields) of this run's remembered outcomes
        self._decoded: dict[int, tuple[FileFacts, list[tuple]]] = {}
        #: ((functions dir, importers' shapes, server paths, client paths), the client paths
        #: those importers import) of the last few ``_imported_by_server`` questions
        self._imported: list[tuple[tuple, frozenset[str]]] = []
        #: (functions dir, its paths) -> module resolutions (``_module_paths``), newest last
        self._resolutions: dict[tuple[str | None, frozenset[str]], ModulePaths] = {}
        #: Files' text as ``--fix``/``--diff`` edited it, read instead of the disk (absolute
        #: path -> bytes); runs with an overlay stay in this process (see ``fixes``).
        self.overlay: dict[Path, bytes] = {}
        #: With a cache, keep each file's decoded outcome in memory between runs (cache key
        #: -> outcome and the function fields project resolution fills in), so a
        #: long-lived process (the language server) decodes only what changed. None: off.
        self.memo: dict[str, tuple[_FileOutcome, list[tuple]]] | None = None
        #: Whether some enabled rule applies only from a convex version on: only then are
        #: package.json and lockfiles read (they can be megabytes in a monorepo).
        self._version_gated = any(r.record.requires_convex is not None for r in self.rules)
        self.dispatch: dict[str, list[tuple[Rule, object]]] = {}
        for rule in self.rules:
            for node_type, method in rule.listeners.items():
                self.dispatch.setdefault(node_type, []).append((rule, getattr(rule, method)))

    def _client_markers(self) -> re.Pattern[bytes] | None:
        """One case-insensitive pattern for everything a client file needs to matter: what
        the model reads (``MODEL_CLIENT_MARKERS``, an ``api``/``internal`` import) and the
        ``file_markers`` of every enabled rule that applies to client code. None when such a
        rule declares no markers: every client file must then be read."""
        markers = set(MODEL_CLIENT_MARKERS)
        for rid in sorted(self.settings.candidates):
            record = self.records.get(rid)
            if record is None or record.scope == "server":
                continue
            if rid in IMPLEMENTATIONS:
                rule_markers = IMPLEMENTATIONS[rid].file_markers
            else:
                rule_markers = ENGINE_RULE_MARKERS.get(rid)
            if rule_markers is None:
                return None  # it could report in any client file
            markers.update(rule_markers)
        alternatives = [re.escape(m.encode()) for m in sorted(markers)] + [_API_IMPORT.pattern]
        return re.compile(b"|".join(alternatives), re.IGNORECASE)

    def _options(self, rule_id: str, path: str) -> dict:
        """A rule's options for one file: its configured ones, else the record's defaults."""
        setting = self.settings.for_path(path).get(rule_id)
        return setting.options if setting is not None else self.records[rule_id].default_options()

    # -- one file ------------------------------------------------------------------------

    def current_bytes(self, path: Path) -> bytes | None:
        """The text of ``path`` as this run sees it: the overlay's, else the disk's (None
        when it cannot be read)."""
        return self.overlay[path] if path in self.overlay else read_regular(path)

    def _meta(self, rule: str, path: str, span: Span, message_id: str, /, **data: Any) -> Diagnostic:
        """A diagnostic of an engine-owned rule, its text the record's message ``message_id``."""
        record = self.records[rule]
        return Diagnostic(rule, record.severity, record.render(message_id, data), path, span, record.help, record.url)

    def lint_file(self, target: Target) -> _FileOutcome:
        rel = rel_path(target.path, self.cwd)
        outcome = _FileOutcome(target, rel, None, [], None)
        empty = Span(0, 0, 1, 1, 1, 1)
        if target.path in self.overlay:  # a --fix/--diff pass: the file's edited text
            data = self.overlay[target.path]
        else:
            data = self._read_target(target, rel, outcome, empty)
            if data is None:
                return outcome
        return self._lint_bytes(target, rel, outcome, empty, data)

    def _read_target(self, target: Target, rel: str, outcome: _FileOutcome, empty: Span) -> bytes | None:
        """The file's bytes, or None after recording why it was not read."""
        try:
            mode = os.stat(target.path)
            if stat.S_ISDIR(mode.st_mode):  # discovery could not list it: say why
                try:
                    os.listdir(target.path)
                    reason = "it could not be listed"
                except OSError as exc:
                    reason = exc.strerror or exc.__class__.__name__
                outcome.diagnostics.append(self._meta("unreadable-file", rel, empty, "cannot_list", reason=reason))
                return None
            if not stat.S_ISREG(mode.st_mode):
                outcome.diagnostics.append(self._meta("unreadable-file", rel, empty, "not_regular"))
                return None  # a FIFO, socket or device: opening it could block forever
            limit = self.settings.scope(rel).max_file_size
            if mode.st_size > limit:
                outcome.diagnostics.append(self._meta("file-too-large", rel, empty, "too_large", size=_size(mode.st_size), limit=_size(limit)))
                return None
            data = read_regular(target.path, errors=True)
            if data is None:  # replaced by something else since the stat above
                outcome.diagnostics.append(self._meta("unreadable-file", rel, empty, "not_regular"))
                return None
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or exc.__class__.__name__
            outcome.diagnostics.append(self._meta("unreadable-file", rel, empty, "cannot_read", reason=reason))
            return None
        return data

    def _lint_bytes(self, target: Target, rel: str, outcome: _FileOutcome, empty: Span, data: bytes) -> _FileOutcome:
        """Lint one file's bytes: decode, parse, run the listeners, collect its facts."""
        if not target.is_server and not target.explicit and self.client_markers is not None and not self.client_markers.search(data):
            outcome.skipped = True  # client code in which no enabled rule nor the model could find anything
            return outcome
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if b"\x00" in data[:8192]:
                outcome.diagnostics.append(self._meta("unreadable-file", rel, empty, "binary_not_utf8"))
            else:
                outcome.diagnostics.append(self._meta("unreadable-file", rel, empty, "not_utf8", byte=exc.start))
            return outcome
        if data.count(b"\x00") * 100 > len(data):  # a stray NUL in a string literal is not binary
            outcome.diagnostics.append(self._meta("unreadable-file", rel, empty, "binary"))
            return outcome
        if rel.endswith(COMPONENT_SUFFIXES):  # only its scripts are code; offsets kept
            data = script_blocks(data)
            text = data.decode("utf-8")
        tree = parse(data, rel)
        source = SourceFile(rel, data, text, tree)
        error = first_syntax_error(tree.root_node, data)
        if error is not None:
            error = innermost_error(error)
            span = source.node_span(error)
            if error.is_error and error.end_point[0] > error.start_point[0]:
                span = source.span(error.start_byte, min(error.end_byte, source.line_span(span.start_line).end_byte))
            outcome.diagnostics.append(
                self._meta("syntax-error", rel, span, "missing", node=error.type)
                if error.is_missing
                else self._meta("syntax-error", rel, span, "unexpected")
            )

        functions_dir = rel_path(target.functions_dir, self.cwd) if target.functions_dir is not None else None
        facts = new_facts(
            rel,
            functions_dir=functions_dir,
            module=_module_name(target.path, target.functions_dir),
            is_server=target.is_server,
        )
        file_settings = self.settings.for_path(rel)
        cursor = QueryCursor(combined_query(is_tsx(rel), self.node_types))
        cursor.set_max_start_depth(MAX_QUERY_DEPTH)
        captures = cursor.captures(tree.root_node)
        # captures() groups by capture name in arbitrary order: restore document order once.
        by_type = {t: sorted(nodes, key=lambda n: n.start_byte) for t, nodes in captures.items()}
        calls = by_type.get("call_expression", [])
        calls_by_name = index_calls(calls)
        scan = FileScan(
            source,
            facts,
            calls=calls,
            calls_by_name=calls_by_name,
            arg_members=[c for args in by_type.get("arguments", ()) for c in args.named_children if c.type == "member_expression"],
            others=sorted((n for t in EVENT_NODE_TYPES for n in by_type.get(t, ())), key=lambda n: n.start_byte),
            returns=by_type.get("return_statement", []),
            # Client code may import the API through an alias (`@convex/api`, `#convex/api`).
            api_aliases=api_specifiers(target.path, data, target.functions_dir)
            if not target.is_server and target.functions_dir is not None and b"api" in data
            else frozenset(),
        )
        ctx = FileContext(source, target.is_server, lambda rid: self._options(rid, rel), scan, is_test=facts.is_test)
        filtered: dict[str, bool] = {}  # rule id -> its file_markers rule this file out
        for node_type, listeners in self.dispatch.items():
            nodes = by_type.get(node_type)
            if not nodes:
                continue
            for rule, listener in listeners:
                if rule.id not in file_settings or not _scope_applies(rule.record.scope, target.is_server):
                    continue
                if rule.file_markers is not None:
                    if rule.id not in filtered:
                        filtered[rule.id] = not any(m in text for m in rule.file_markers)
                    if filtered[rule.id]:
                        continue
                if node_type == "call_expression" and rule.call_names is not None:
                    selected = [n for name in rule.call_names for n in calls_by_name.get(name, ())]
                    selected.sort(key=lambda n: n.start_byte)
                    for node in selected:
                        listener(node, ctx)
                    continue
                for node in nodes:
                    listener(node, ctx)
        outcome.facts = collect(scan)
        outcome.diagnostics.extend(ctx.diagnostics)
        outcome.suppressions = parse_suppressions(source, by_type.get("comment", []), set(self.records))
        return outcome

    # -- whole run -----------------------------------------------------------------------

    def lint_files(self, targets: list[Target], jobs: int | None = None) -> list[_FileOutcome]:
        """Lint files in this process, or in ``jobs`` worker processes (default: one per
        CPU) when there are enough of them, in the phases of ``_lint_in_phases``. Results
        come back in ``targets`` order, so output is identical whatever the number of jobs."""
        try:
            return self._lint_in_phases(targets, lambda batch, _indexes: [o for o, _ in self._lint_files(batch, jobs, want_payloads=False)])
        finally:
            self.close()

    def close(self) -> None:
        """End the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _lint_in_phases(
        self, targets: list[Target], lint_batch: Callable[[list[Target], list[int]], list[_FileOutcome]]
    ) -> list[_FileOutcome]:
        """Lint server code first; then client targets that server code of the same project
        imports (relative value imports and re-exports, followed from file to file) are
        server code too and are linted as such; then the rest of the client code, which
        ``lint_file`` skips where nothing can matter. ``lint_batch(targets, indexes)`` lints
        some targets (``indexes`` into ``targets``; a promoted target is a new ``Target``
        with ``is_server``). Outcomes come back in ``targets`` order."""
        current = list(targets)
        outcomes: list[_FileOutcome | None] = [None] * len(targets)
        client = {i for i, t in enumerate(targets) if not t.is_server}
        batch = [i for i in range(len(targets)) if i not in client]
        while batch:
            for i, outcome in zip(batch, lint_batch([current[i] for i in batch], batch)):
                outcomes[i] = outcome
            batch = self._imported_by_server([outcomes[i] for i in batch], current, client, outcomes)
            for i in batch:
                current[i] = dataclasses.replace(current[i], is_server=True)
                client.discard(i)
        rest = sorted(client)
        for i, outcome in zip(rest, lint_batch([current[i] for i in rest], rest)):
            outcomes[i] = outcome
        return outcomes  # type: ignore[return-value]

    def _imported_by_server(
        self, importers: list[_FileOutcome], targets: list[Target], client: set[int], outcomes: list[_FileOutcome | None]
    ) -> list[int]:
        """Indexes of the client targets that the server files ``importers`` import through
        relative value imports or re-exports, within the same project (resolved as the model
        resolves them; ``import type`` and imports of test files do not count)."""
        by_dir: dict[str | None, list[int]] = {}
        for i in client:
            fd = targets[i].functions_dir
            by_dir.setdefault(rel_path(fd, self.cwd) if fd is not None else None, []).append(i)
        found: set[int] = set()
        for key, members in by_dir.items():
            if key is None:
                continue
            # Tests are not deployed: what only they import is not server code.
            importing = [o.facts for o in importers if o.facts is not None and o.facts.functions_dir == key and not o.facts.is_test]
            if not importing:
                continue
            server = [o.rel for o in outcomes if o is not None and o.facts is not None and o.target.is_server and o.facts.functions_dir == key]
            index_of = {rel_path(targets[i].path, self.cwd): i for i in members}
            # The answer depends on the importers' shapes and the paths around them only: the
            # editor's next run, after an edit inside a function, asks the same question.
            # Only a long-lived linter (``memo``) keeps the answer: a single run never asks twice.
            memo_key = (key, tuple(self._shape_of(f) for f in importing), tuple(server), tuple(index_of)) if self.memo is not None else None
            # (compared, not hashed: equal keys share their shapes, so == is quick, a hash is not)
            paths = next((p for k, p in self._imported if k == memo_key), None) if memo_key is not None else None
            if paths is None:
                paths = self._imported_paths(key, importing, outcomes, index_of)
                if memo_key is not None:
                    self._imported = [(memo_key, paths), *self._imported[:3]]
            found.update(index_of[rel] for rel in paths)
        return sorted(found)

    def _imported_paths(
        self, key: str, importing: list[FileFacts], outcomes: list[_FileOutcome | None], index_of: dict[str, int]
    ) -> frozenset[str]:
        """The paths among ``index_of`` (client targets) that ``importing`` import."""
        # The model's own module resolution, over this project's server files and its
        # client targets (which need no facts yet to be found: only their paths).
        project = Project(functions_dir=key)
        for o in outcomes:
            if o is not None and o.facts is not None and o.target.is_server and o.facts.functions_dir == key:
                project.files[o.rel] = o.facts
        for rel in index_of:
            project.client_files[rel] = new_facts(rel, functions_dir=key, module=None, is_server=False)
        project.module_paths = self._module_paths(project)
        found: set[str] = set()
        for facts in importing:
            sources = {imp.source for imp in facts.imports if not imp.type_only}
            sources.update(source for source, _imported, _exported in facts.reexports)
            for source in sorted(sources):
                target = project.resolve_module(facts, source)
                if target is not None and target.path in index_of:
                    found.add(target.path)
        return frozenset(found)

    def _lint_files(
        self, targets: list[Target], jobs: int | None, want_payloads: bool
    ) -> list[tuple[_FileOutcome, str | None]]:
        """``(outcome, encoded outcome or None)`` per target, in order. Workers always send
        the encoding (which the cache stores as it is), decoded here as each chunk arrives
        while the workers go on; in-process outcomes are encoded only when
        ``want_payloads``. If worker processes cannot be started or die, the rest is
        linted in this process."""
        jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        out: list[tuple[_FileOutcome, str | None]] = []
        # workers have no overlay: a batch with a file read from it stays in this process
        in_overlay = bool(self.overlay) and any(t.path in self.overlay for t in targets)
        if jobs > 1 and len(targets) >= PARALLEL_THRESHOLD and not in_overlay:
            from concurrent.futures.process import BrokenProcessPool

            try:
                for payload in self._in_workers(targets, jobs):
                    out.append((self.decode(targets[len(out)], payload), payload))
            except (OSError, BrokenProcessPool):
                self._pool = None  # no processes available: go on in this one
        for t in targets[len(out) :]:
            outcome = self.lint_file(t)
            out.append((outcome, self.encode(outcome) if want_payloads else None))
        return out

    def _in_workers(self, targets: list[Target], jobs: int) -> Iterator[str]:
        """Encoded outcomes, in ``targets`` order, from ``jobs`` worker processes. Workers
        are forked where that is safe (Linux, and this process has no threads), so they
        start with everything imported, and serve every later batch of the run (the
        phases of ``_lint_in_phases``) until ``close``; raises ``OSError`` or
        ``BrokenProcessPool`` when processes cannot be started or die."""
        import concurrent.futures
        import multiprocessing
        import sys
        import threading

        # Small chunks: each phase ends with a barrier, where a big last chunk would leave
        # the other workers idle.
        size = max(8, len(targets) // (jobs * 16))
        chunks = [targets[i : i + size] for i in range(0, len(targets), size)]
        if self._pool is None or self._pool_jobs != jobs:
            self.close()
            method = "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=multiprocessing.get_context(method),
                initializer=_worker_init,
                # Workers die with this process (a SIGKILLed run must not leave orphans).
                initargs=(self.settings, self.cwd, os.getpid()),
            )
            self._pool_jobs = jobs
        for chunk in self._pool.map(_worker_lint, chunks):
            yield from chunk

    # -- the encoding workers and the cache use -----------------------------------------

    def _encode_diagnostic(self, d: Diagnostic, with_path: bool) -> list:
        from convexlint.codec import encoder

        record = self.records.get(d.rule)
        help = None if record is not None and d.help == record.help and d.url == record.url else [d.help, d.url]
        fix = None if d.fix is None else [d.fix.applicability, [[e.path, e.start_byte, e.end_byte, e.text] for e in d.fix.edits]]
        plain = [d.rule, int(d.severity), d.message, encoder(Span)(d.span), help, fix]
        if with_path:
            plain.append(d.path)
        return plain

    def _decode_diagnostic(self, plain: Any, path: str | None = None) -> Diagnostic:
        """The inverse of ``_encode_diagnostic`` (``path`` given: it was encoded without
        one). Strict: anything but exactly the shape written raises one of
        ``codec.DECODE_ERRORS``."""
        from convexlint.codec import decoder

        if type(plain) is not list or len(plain) != (6 if path is not None else 7):
            raise TypeError("a diagnostic is an array of 6 (or, with its path, 7) items")
        rule, severity, message, span, help, fix = plain[:6]
        if path is None:
            path = plain[6]
        if type(rule) is not str or type(severity) is not int or type(message) is not str or type(path) is not str:
            raise TypeError("a diagnostic's rule, message and path are strings, its severity an integer")
        if help is None:
            record = self.records[rule]
            help = [record.help, record.url]
        elif type(help) is not list or len(help) != 2 or type(help[0]) is not str or type(help[1]) is not str:
            raise TypeError("a diagnostic's help is null or [help, url]")
        return Diagnostic(rule, Severity(severity), message, path, decoder(Span)(span), *help, _decode_fix(fix))

    def encode(self, outcome: _FileOutcome) -> str:
        """One file's outcome as a JSON string (facts and suppressions in the ``codec``
        encoding, diagnostics compact: help and url are the record's unless they differ)."""
        from convexlint.codec import encoder

        plain = [
            encoder(FileFacts | None)(outcome.facts),
            [self._encode_diagnostic(d, False) for d in outcome.diagnostics],
            encoder(FileSuppressions | None)(outcome.suppressions),
        ]
        if outcome.skipped:
            plain.append(1)
        return json.dumps(plain, separators=(",", ":"))

    def decode(self, target: Target, payload: str) -> _FileOutcome:
        """The inverse of ``encode``. Strict: raises one of ``codec.DECODE_ERRORS`` on data
        that is not exactly of the shape ``encode`` writes (a JSON error is a
        ``ValueError``, JSON nested too deeply a ``RecursionError``), or whose facts are
        another file's."""
        from convexlint.codec import decoder

        plain = json.loads(payload)
        if type(plain) is not list or len(plain) not in (3, 4) or plain[3:] not in ([], [1]) or type(plain[1]) is not list:
            raise TypeError("an outcome is [facts, diagnostics, suppressions] (+ [1] when skipped)")
        facts, diagnostics, suppressions = plain[:3]
        rel = rel_path(target.path, self.cwd)
        outcome = _FileOutcome(
            target,
            rel,
            decoder(FileFacts | None)(facts),
            [self._decode_diagnostic(d, rel) for d in diagnostics],
            decoder(FileSuppressions | None)(suppressions),
            skipped=len(plain) == 4,
        )
        if outcome.facts is not None and outcome.facts.path != rel:
            raise ValueError(f"facts of {outcome.facts.path!r} stored for {rel!r}")
        return outcome

    def cache_fingerprint(self) -> str:
        """What per-file results depend on besides the file: version, config, rules."""
        from convexlint import __version__
        from convexlint.cache import FORMAT, fingerprint
        from convexlint.codec import layout

        configs = [(str(s.config.path), s.config.data) for s in self.settings.scopes()]
        return fingerprint(
            __version__,
            _code_digest(),
            FORMAT,
            layout(FileFacts),
            configs,
            sorted(self.settings.candidates),
            self.settings.preview,
            self.settings.report_unused_disables,
            self.settings.max_file_size,
            str(self.cwd),
        )

    # -- whole run -----------------------------------------------------------------------

    def run(
        self, targets: list[Target], jobs: int | None = 1, cache_dir: Path | None = None, focus: frozenset[str] | None = None
    ) -> LintResult:
        """Lint ``targets`` and run the project rules. ``jobs``: worker processes for the
        per-file work (None = one per CPU). ``cache_dir``: reuse results stored there
        (None = no cache): the whole result when no input changed, else each unchanged
        file's outcome, with project rules recomputed from every file's facts. ``focus``:
        report only findings in these files (relative paths; None = all); project rules
        then visit only them (``Project.focus``) while still reading the whole project.
        A focused result is never stored as, or answered from, a whole run's result."""
        start = time.perf_counter()
        if len(self._shapes) > 3 * len(targets) + 1000:
            self._shapes = {}  # mostly the facts of earlier versions of edited files
        if len(self._keys) > 3 * len(targets) + 1000:
            self._keys = {}  # mostly earlier contents of edited files
        if self.memo is not None and len(self.memo) > 2 * len(targets) + 1000:
            self.memo = {}  # mostly outcomes of earlier contents of edited files: decoded again
        self._decoded = {}
        all_rels = [rel_path(t.path, self.cwd) for t in targets]
        pairs = [(t, rel) for t, rel in zip(targets, all_rels) if self.settings.is_included(rel)]
        included, rels = [t for t, _ in pairs], [rel for _, rel in pairs]
        sources = SourceTexts({rel: t.path for rel, t in zip(rels, included) if t.report}, self.overlay)
        if cache_dir is None:
            outcomes = self.lint_files(included, jobs)
            diagnostics = self._judge(outcomes, focus)
        else:
            from convexlint.cache import Cache

            cache = Cache(cache_dir, self.cache_fingerprint())
            keys = self._cache_keys(cache, included, rels)
            run_key = self._run_key(included, rels, keys) if focus is None else None
            diagnostics = self._replay(cache.run_result(run_key)) if run_key is not None else None
            if diagnostics is None:

                def lint_batch(batch: list[Target], indexes: list[int]) -> list[_FileOutcome]:
                    # A promoted target (now server code) has a key of its own.
                    batch_keys = [
                        keys[i] if t is included[i] else self._cache_keys(cache, [t], [rels[i]])[0]
                        for t, i in zip(batch, indexes)
                    ]
                    return self._cached_outcomes(cache, batch, [rels[i] for i in indexes], batch_keys, jobs)

                try:
                    outcomes = self._lint_in_phases(included, lint_batch)
                finally:
                    self.close()
                diagnostics = self._judge(outcomes, focus)
                if run_key is not None:
                    encoded = [self._encode_diagnostic(d, True) for d in diagnostics]
                    cache.set_run_result(run_key, json.dumps(encoded, separators=(",", ":")))
            cache.save(self.cwd, live=set(rels))
        return LintResult(
            diagnostics=diagnostics,
            files_checked=sum(1 for t in included if t.report),
            sources=sources,
            elapsed=time.perf_counter() - start,
        )

    def _cache_keys(self, cache, targets: list[Target], rels: list[str]) -> list[str | None]:
        from convexlint.cache import entry_key

        keys: list[str | None] = []
        for target, rel in zip(targets, rels):
            # A file read from the overlay is not what is on disk: never stored in the cache;
            # with ``memo`` its outcome is kept in memory under a key of its own ("~"), so
            # an open file that is not being edited is not linted again on every change.
            prefix = ""
            if target.path not in self.overlay:
                digest = cache.digest(rel, target.path)
            elif self.memo is not None:
                digest, prefix = hashlib.sha256(self.overlay[target.path]).hexdigest(), "~"
            else:
                digest = None
            if digest is None:
                keys.append(None)
                continue
            # the same file, content and role as in an earlier run of this linter: same key
            # (the editor asks again and again; what keys read besides is fixed per linter)
            memo_key = (target.path, rel, target.functions_dir, target.is_server, digest)
            key = self._keys.get(memo_key)
            if key is None:
                fd = rel_path(target.functions_dir, self.cwd) if target.functions_dir is not None else None
                # A client file's facts depend on how its imports resolve (tsconfig paths, ...).
                extra = alias_fingerprint(target.path, target.functions_dir) if not target.is_server and target.functions_dir is not None else ""
                # Paths as JSON: ASCII and lossless, also for a file name that is not UTF-8
                # (``os.fsdecode`` leaves its bytes as lone surrogates, which cannot be encoded).
                key = self._keys[memo_key] = entry_key(digest, json.dumps(rel), json.dumps(fd), target.is_server, extra)
            keys.append(prefix + key)
        return keys

    def _run_key(self, targets: list[Target], rels: list[str], keys: list[str | None]) -> str | None:
        """The key of the whole run's input, or None when some file could not be read.
        Besides every file (content, path, functions dir), project rules read whether
        each functions dir's generated code exports ``env``, and version-gated rules the
        convex version it is built against."""
        from convexlint.cache import fingerprint

        if any(k is None or k.startswith("~") for k in keys):
            return None  # some file could not be read, or was read from the overlay
        dirs = sorted({str(t.functions_dir) for t in targets if t.functions_dir is not None})
        return fingerprint(
            [[rel, key, t.report, t.explicit] for rel, key, t in zip(rels, keys, targets)],
            [[d, generated_env(Path(d)), self._version_key(Path(d)) if self._version_gated else None] for d in dirs],
        )

    def _version_key(self, functions_dir: Path) -> list | None:
        version = self._convex_version(rel_path(functions_dir, self.cwd))
        return None if version is None else [version.version, version.source]

    def _replay(self, payload: str | None) -> list[Diagnostic] | None:
        """The stored final diagnostics of an identical earlier run, if any; None (run
        again) when there is none or it cannot be decoded exactly as written."""
        if payload is None:
            return None
        try:
            plain = json.loads(payload)
            if type(plain) is not list:
                return None
            return [self._decode_diagnostic(d) for d in plain]
        except Exception:  # noqa: BLE001 - any failure (RecursionError too) is a miss, never an error
            return None

    def _cached_outcomes(
        self, cache, targets: list[Target], rels: list[str], keys: list[str | None], jobs: int | None
    ) -> list[_FileOutcome]:
        """Per-file outcomes, decoded from ``cache`` where the file is unchanged; an entry
        that cannot be decoded exactly as written is linted again (and its entry rewritten)."""
        outcomes: list[_FileOutcome | None] = [None] * len(targets)
        misses: list[int] = []
        for i, (target, key) in enumerate(zip(targets, keys)):
            remembered = self._recall(key, target)
            if remembered is not None:
                outcomes[i] = remembered
                continue
            payload = cache.get(key) if key is not None and not key.startswith("~") else None
            if payload is not None:
                try:
                    outcomes[i] = self._remember(key, self.decode(target, payload))
                    continue
                except Exception:  # noqa: BLE001 - a corrupt or foreign entry (whatever the error): recompute it
                    pass
            misses.append(i)
        for i, (outcome, payload) in zip(misses, self._lint_files([targets[i] for i in misses], jobs, want_payloads=True)):
            outcomes[i] = self._remember(keys[i], outcome)
            if keys[i] is not None and not keys[i].startswith("~") and payload is not None:
                cache.put(keys[i], rels[i], payload)
        return outcomes  # type: ignore[return-value]

    def _remember(self, key: str | None, outcome: _FileOutcome) -> _FileOutcome:
        """Keep ``outcome`` in ``memo`` (when on) with its functions' fields as decoded:
        ``Project.resolve`` fills in kind and visibility, which a run under another
        ``ShapeMemo`` must redo from these (``projects``)."""
        if self.memo is not None and key is not None:
            functions = outcome.facts.functions if outcome.facts is not None else []
            self.memo[key] = (outcome, [(fn, fn.kind, fn.visibility, fn.custom_checks_auth) for fn in functions])
        return outcome

    def _recall(self, key: str | None, target: Target) -> _FileOutcome | None:
        """A remembered outcome for ``key``, for this ``target``, with no suppression used
        yet; None when there is none. Its functions keep the fields the last resolution
        gave them: ``projects`` restores the decoded ones when it must resolve again."""
        if self.memo is None or key is None or key not in self.memo:
            return None
        outcome, fields = self.memo[key]
        if outcome.facts is not None:
            self._decoded[id(outcome.facts)] = (outcome.facts, fields)
        if outcome.suppressions is not None:
            for item in outcome.suppressions.items:
                item.used = set()
        return outcome if outcome.target == target else dataclasses.replace(outcome, target=target)

    def projects(self, outcomes: list[_FileOutcome], focus: frozenset[str] | None = None) -> dict[str | None, Project]:
        """One resolved ``Project`` per functions directory (relative path, or None for
        files outside any), built from the outcomes' facts, each with ``focus``."""
        projects: dict[str | None, Project] = {}
        for o in outcomes:
            if o.facts is None:
                continue
            key = o.facts.functions_dir
            project = projects.setdefault(key, Project(functions_dir=key, focus=focus))
            (project.files if o.target.is_server else project.client_files)[o.rel] = o.facts
        for key, project in projects.items():
            project.module_paths = self._module_paths(project)
            # the functions directory's own configuration maps its registrars
            scope = self.settings.scope(posixpath.join(key, "schema.ts")) if key is not None else self.settings
            project.shaped = self._shape_memo(project, scope.registrars)
            for facts in project.files.values():
                if project.shaped.resolved.get(id(facts)) is facts:
                    continue  # resolved under this very memo: its fields are still right
                decoded = self._decoded.get(id(facts))
                if decoded is not None and decoded[0] is facts:  # a remembered outcome, resolved before
                    for fn, kind, visibility, checks in decoded[1]:
                        fn.kind, fn.visibility, fn.custom_checks_auth = kind, visibility, checks
            project.resolve(scope.registrars)
            project.generated_env = key is not None and generated_env(self.cwd / key)
            project.is_component = key is not None and is_component_dir(self.cwd / key)
        return projects

    def _module_paths(self, project: Project) -> ModulePaths:
        """The module resolutions ``project`` starts from: kept between runs (the editor
        lints the same project again and again) for as long as its set of paths is the
        same, since that is all they depend on (``ModulePaths``)."""
        paths = frozenset(project.files).union(project.client_files)
        key = (project.functions_dir, paths)
        if key not in self._resolutions:
            if len(self._resolutions) >= 8:
                del self._resolutions[next(iter(self._resolutions))]  # the oldest
            self._resolutions[key] = ModulePaths()
        return self._resolutions[key]

    def _shape_of(self, facts: FileFacts) -> tuple:
        """``shape(facts)``, computed once per facts object (``memo`` keeps unchanged files'
        facts from run to run). ``run`` forgets them all when they outnumber the files."""
        found = self._shapes.get(id(facts))
        if found is None or found[0] is not facts:  # kept with its facts: the id is not reused meanwhile
            found = self._shapes[id(facts)] = (facts, shape(facts))
        return found[1]

    def _shape_memo(self, project: Project, configured: dict[str, str]) -> ShapeMemo:
        """The ``ShapeMemo`` of the last run of this functions directory when every file's
        shape (``model.project.shape``) and the registrar configuration are as they were
        then (an edit inside a function body), else a new one. Shapes are computed once
        per facts object (``_shape_of``). Only a long-lived linter (``memo``) keeps them:
        for a single run the shapes would cost time and save none."""
        if self.memo is None:
            return ShapeMemo()
        shape_of = self._shape_of
        key = (
            tuple(shape_of(f) for f in project.files.values()),
            tuple(shape_of(f) for f in project.client_files.values()),
            tuple(sorted(configured.items())),
        )
        last = self._shaped.get(project.functions_dir)
        if last is not None and last[0] == key:
            return last[1]
        memo = ShapeMemo()
        self._shaped[project.functions_dir] = (key, memo)
        return memo

    def _comment_removal(self, outcome: _FileOutcome, span: Span, rule: str | None) -> Fix | None:
        """The safe fix of an unused suppression: delete its comment (see
        ``_removal_range``), or with ``rule``, only that id from its list (``id_removal``);
        None when the file cannot be read again."""
        data = self.current_bytes(outcome.target.path)
        if data is None or data[span.start_byte : span.end_byte][:2] not in (b"//", b"/*"):
            return None  # changed since it was linted: no edit against stale offsets
        if rule is not None:
            found = id_removal(data[span.start_byte : span.end_byte], rule)
            if found is None:
                return None
            return Fix((Edit(outcome.rel, span.start_byte + found[0], span.start_byte + found[1], ""),), "safe")
        start, end = _removal_range(data, span.start_byte, span.end_byte)
        return Fix((Edit(outcome.rel, start, end, ""),), "safe")

    def _convex_version(self, functions_dir: str | None) -> ConvexVersion | None:
        if functions_dir is None:
            return None
        if functions_dir not in self._versions:
            self._versions[functions_dir] = convex_version((self.cwd / functions_dir).resolve())
        return self._versions[functions_dir]

    def _judge(self, outcomes: list[_FileOutcome], focus: frozenset[str] | None = None) -> list[Diagnostic]:
        """Run the project rules on the outcomes' facts, then apply scopes, configuration
        and suppressions; sorted and deduplicated. With ``focus``, only findings in
        those files (see ``run``)."""
        by_rel = {o.rel: o for o in outcomes}
        reported = outcomes if focus is None else [o for o in outcomes if o.rel in focus]
        texts: dict[str, bytes | None] = {}

        def source(rel: str) -> bytes | None:
            if rel not in texts:
                o = by_rel.get(rel)
                path = o.target.path if o is not None else self.cwd / rel
                texts[rel] = self.current_bytes(path)
            return texts[rel]

        project_ctx = ProjectContext(options_for=self._options, source=source)
        for project in self.projects(outcomes, focus).values():
            for rule in self.rules:
                rule.check_project(project, project_ctx)

        raw: list[Diagnostic] = [d for o in reported for d in o.diagnostics]
        raw += [d for d in project_ctx.diagnostics if focus is None or d.path in focus]
        final: list[Diagnostic] = []
        for diag in raw:
            o = by_rel.get(diag.path)
            if o is None or not o.target.report:
                continue
            record = self.records.get(diag.rule)
            scope = record.scope if record is not None else "any"
            if scope == "server" and not o.target.is_server:
                continue
            if scope == "client" and o.target.is_server:
                continue
            if not o.target.is_server and not o.target.explicit and record is not None and record.category == "meta":
                continue  # client code found by searching: its build may differ (JSX in .js); no syntax reports
            if o.facts is not None and o.facts.generated and not o.target.explicit and not self.settings.scope(diag.path).report_generated:
                continue  # a tool wrote it ("auto-generated… do not edit"): fixing it is the tool's job
            setting = self.settings.for_path(diag.path).get(diag.rule)
            if setting is None:
                continue
            if o.facts is not None and o.facts.is_test and record is not None:
                if not (setting.tests if setting.tests is not None else record.tests):
                    continue  # a rule about production behaviour; tests are not deployed
            if record is not None and record.requires_convex is not None and o.facts is not None:
                version = self._convex_version(o.facts.functions_dir)
                if version is not None and version.at_least(record.requires_convex) is False:
                    continue  # the advice needs a newer convex than the project uses
            if o.suppressions is not None and o.suppressions.suppresses(diag):
                continue
            if setting.severity != diag.severity:
                diag = dataclasses.replace(diag, severity=setting.severity)
            final.append(diag)

        for o in reported:
            if not o.target.report or o.suppressions is None:
                continue
            settings = self.settings.for_path(o.rel)
            if "invalid-suppression" in settings:
                for span, rule, message_id, data in o.suppressions.problems:
                    final.append(dataclasses.replace(self._meta(rule, o.rel, span, message_id, **data), severity=settings[rule].severity))
            asked = self.settings.report_unused_disables or self.settings.scope(o.rel).report_unused_disables
            if asked and "unused-suppression" in settings:
                for span, message_id, data, rule in unused(o.suppressions, settings):
                    diag = self._meta("unused-suppression", o.rel, span, message_id, **data)
                    fix = self._comment_removal(o, span, rule)
                    final.append(dataclasses.replace(diag, severity=settings["unused-suppression"].severity, fix=fix))

        unique = {(d.rule, d.path, d.span.start_byte, d.span.end_byte, d.message): d for d in final}
        return sorted(unique.values(), key=Diagnostic.sort_key)


def _removal_range(data: bytes, start: int, end: int) -> tuple[int, int]:
    """The bytes to delete to remove the comment at ``[start, end)``: its whole line (with
    the line break) when nothing else is on it, else the comment and the blanks before it."""
    line_start = data.rfind(b"\n", 0, start) + 1
    line_end = data.find(b"\n", end)
    line_end = len(data) if line_end < 0 else line_end
    if not data[line_start:start].strip() and not data[end:line_end].strip():
        return line_start, min(line_end + 1, len(data))
    while start > line_start and data[start - 1 : start] in (b" ", b"\t"):
        start -= 1
    return start, end


def _scope_applies(scope: str, is_server: bool) -> bool:
    """Server-only rules never look at client code, nor client rules at server code."""
    return scope == "any" or (scope == "server") == is_server


def generated_env(functions_dir: Path) -> bool:
    """Whether ``_generated/server`` exports an ``env`` object (newer Convex codegen)."""
    import re

    for name in ("server.d.ts", "server.ts", "server.js"):
        data = read_regular(functions_dir / "_generated" / name)
        if data is None:
            continue
        text = data.decode("utf-8", errors="replace")
        if re.search(r"export\s+(declare\s+)?const\s+env\b", text):
            return True
    return False


def has_failures(result: LintResult, max_warnings: int | None) -> bool:
    """Exit-code policy: any error fails; warnings fail only beyond ``max_warnings``."""
    if result.count(Severity.ERROR):
        return True
    return max_warnings is not None and result.count(Severity.WARNING) > max_warnings
