"""The engine: read and parse each file once, run one combined query pass per file that
feeds the fact collector and every enabled listener, then run project checks once per
functions directory, then apply configuration and suppressions, sort and deduplicate.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tree_sitter import Query, QueryCursor

from convexlint.config import Settings
from convexlint.diagnostics import Diagnostic, LintResult, Severity, Span
from convexlint.discovery import Target
from convexlint.model.extract import EVENT_NODE_TYPES, FactCollector, index_calls, is_test_file
from convexlint.model.facts import FileFacts
from convexlint.model.project import Project
from convexlint.parsing import SourceFile, first_syntax_error, is_tsx, language, parse
from convexlint.syntax import reset_memo
from convexlint.records import RuleRecord
from convexlint.rules import IMPLEMENTATIONS, FileContext, ProjectContext, Rule
from convexlint.suppressions import FileSuppressions, parse_suppressions, unused

#: Node types the fact collector and suppression parser always need.
BASE_NODE_TYPES = ("call_expression", "comment", *EVENT_NODE_TYPES)


@lru_cache(maxsize=None)
def combined_query(tsx: bool, node_types: tuple[str, ...]) -> Query:
    """One ``Query`` capturing every node type any enabled listener wants, plus member
    expressions passed as arguments (possible ``api.x.y`` references); compiled once."""
    source = "\n".join(f"({t}) @{t}" for t in node_types) + "\n(arguments (member_expression) @arg_member)"
    return Query(language(tsx), source)


def rel_path(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` with ``/`` separators (``..`` when outside it)."""
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
    """What linting one file produced. Plain data (no tree), so worker processes can
    send it back."""

    target: Target
    rel: str
    text: str | None
    facts: FileFacts | None
    diagnostics: list[Diagnostic]
    suppressions: FileSuppressions | None


# -- worker processes ----------------------------------------------------------------------

_WORKER_LINTER: "Linter | None" = None


def _worker_init(settings: Settings, cwd: Path) -> None:
    global _WORKER_LINTER
    _WORKER_LINTER = Linter(settings, cwd)


def _worker_lint(targets: list[Target]) -> list[_FileOutcome]:
    assert _WORKER_LINTER is not None
    return [_WORKER_LINTER.lint_file(t) for t in targets]


#: Below this many files, worker processes cost more than they save.
PARALLEL_THRESHOLD = 48


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
        # node type -> [(rule, bound method)]
        self.dispatch: dict[str, list[tuple[Rule, object]]] = {}
        for rule in self.rules:
            for node_type, method in rule.listeners.items():
                self.dispatch.setdefault(node_type, []).append((rule, getattr(rule, method)))

    def _options(self, rule_id: str, path: str) -> dict:
        """A rule's options for one file: its configured ones, else the record's defaults."""
        setting = self.settings.for_path(path).get(rule_id)
        return setting.options if setting is not None else self.records[rule_id].default_options()

    # -- one file ------------------------------------------------------------------------

    def _meta(self, rule: str, path: str, span: Span, message: str) -> Diagnostic:
        record = self.records[rule]
        return Diagnostic(rule, record.severity, message, path, span, record.help, record.url)

    def lint_file(self, target: Target) -> _FileOutcome:
        rel = rel_path(target.path, self.cwd)
        outcome = _FileOutcome(target, rel, None, None, [], None)
        reset_memo()
        empty = Span(0, 0, 1, 1, 1, 1)
        try:
            data = target.path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            outcome.diagnostics.append(self._meta("unreadable-file", rel, empty, f"Cannot read this file: {reason}."))
            return outcome
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if b"\x00" in data[:8192]:
                message = "This file looks binary (it contains NUL bytes and is not UTF-8); it was not linted."
            else:
                message = f"This file is not valid UTF-8 (byte {exc.start}); it was not linted."
            outcome.diagnostics.append(self._meta("unreadable-file", rel, empty, message))
            return outcome
        if data.count(b"\x00") * 100 > len(data):  # a stray NUL in a string literal is not binary
            outcome.diagnostics.append(self._meta("unreadable-file", rel, empty, "This file looks binary (it is full of NUL bytes); it was not linted."))
            return outcome
        tree = parse(data, rel)
        source = SourceFile(rel, data, text, tree)
        outcome.text = text
        error = first_syntax_error(tree.root_node, data)
        if error is not None:
            what = f"missing `{error.type}`" if error.is_missing else "unexpected syntax"
            span = source.node_span(error)
            if error.is_error and error.end_point[0] > error.start_point[0]:
                span = source.span(error.start_byte, min(error.end_byte, source.line_span(span.start_line).end_byte))
            outcome.diagnostics.append(
                self._meta(
                    "syntax-error",
                    rel,
                    span,
                    f"Syntax error: {what}; the rest of the file was linted as far as it parses.",
                )
            )

        functions_dir = rel_path(target.functions_dir, self.cwd) if target.functions_dir is not None else None
        collector = FactCollector(
            source,
            functions_dir=functions_dir,
            module=_module_name(target.path, target.functions_dir),
            is_server=target.is_server,
        )
        file_settings = self.settings.for_path(rel)
        ctx = FileContext(source, target.is_server, lambda rid: self._options(rid, rel), is_test=is_test_file(rel))
        captures = QueryCursor(combined_query(is_tsx(rel), self.node_types)).captures(tree.root_node)
        # captures() groups by capture name in arbitrary order: restore document order once.
        by_type = {t: sorted(nodes, key=lambda n: n.start_byte) for t, nodes in captures.items()}
        calls = by_type.get("call_expression", [])
        calls_by_name = index_calls(calls)
        for node in calls:
            collector.on_call(node)
        collector.set_call_index(calls_by_name)
        for node in by_type.get("arg_member", ()):
            collector.on_arg_member(node)
        for node in sorted((n for t in EVENT_NODE_TYPES for n in by_type.get(t, ())), key=lambda n: n.start_byte):
            collector.on_node(node)
        for node_type, listeners in self.dispatch.items():
            nodes = by_type.get(node_type)
            if not nodes:
                continue
            for rule, listener in listeners:
                if rule.id not in file_settings or not _scope_applies(rule.record.scope, target.is_server):
                    continue
                if node_type == "call_expression" and rule.call_names is not None:
                    selected = [n for name in rule.call_names for n in calls_by_name.get(name, ())]
                    selected.sort(key=lambda n: n.start_byte)
                    for node in selected:
                        listener(node, ctx)
                    continue
                for node in nodes:
                    listener(node, ctx)
        outcome.facts = collector.finish()
        outcome.diagnostics.extend(ctx.diagnostics)
        outcome.suppressions = parse_suppressions(source, by_type.get("comment", []), set(self.records))
        return outcome

    # -- whole run -----------------------------------------------------------------------

    def lint_files(self, targets: list[Target], jobs: int | None = None) -> list[_FileOutcome]:
        """Lint files in this process, or in ``jobs`` worker processes (default: one per
        CPU) when there are enough of them. Results come back in ``targets`` order, so
        output is identical whatever the number of jobs."""
        jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        if jobs <= 1 or len(targets) < PARALLEL_THRESHOLD:
            return [self.lint_file(t) for t in targets]
        import concurrent.futures
        import multiprocessing

        size = max(8, len(targets) // (jobs * 4))
        chunks = [targets[i : i + size] for i in range(0, len(targets), size)]
        context = multiprocessing.get_context("spawn" if os.name == "nt" else "forkserver")
        try:
            with concurrent.futures.ProcessPoolExecutor(
                max_workers=jobs, mp_context=context, initializer=_worker_init, initargs=(self.settings, self.cwd)
            ) as pool:
                return [o for chunk in pool.map(_worker_lint, chunks) for o in chunk]
        except (OSError, concurrent.futures.process.BrokenProcessPool):
            return [self.lint_file(t) for t in targets]  # no processes available: stay serial

    def cache_fingerprint(self) -> str:
        """What per-file results depend on besides the file: version, config, rules."""
        from convexlint import __version__
        from convexlint.cache import fingerprint

        config = self.settings.config
        return fingerprint(
            __version__,
            str(config.path),
            config.data,
            sorted(self.settings.candidates),
            self.settings.preview,
            str(self.cwd),
        )

    def _from_cache(self, target: Target, rel: str, entry: Any, data: bytes) -> _FileOutcome:
        from convexlint.model.facts import from_plain

        facts = from_plain(FileFacts | None, entry["facts"])
        diagnostics = [from_plain(Diagnostic, d) for d in entry["diagnostics"]]
        suppressions = from_plain(FileSuppressions | None, entry["suppressions"])
        text = data.decode("utf-8", errors="replace") if entry["text"] else None
        return _FileOutcome(target, rel, text, facts, diagnostics, suppressions)

    def _cached_lint(self, targets: list[Target], jobs: int | None, cache) -> list[_FileOutcome]:
        """Per-file outcomes, from ``cache`` where the file is unchanged."""
        from convexlint.cache import Cache
        from convexlint.model.facts import to_plain

        outcomes: list[_FileOutcome | None] = [None] * len(targets)
        misses: list[int] = []
        keys: list[str | None] = [None] * len(targets)
        for i, target in enumerate(targets):
            rel = rel_path(target.path, self.cwd)
            try:
                data = target.path.read_bytes()
            except OSError:
                misses.append(i)
                continue
            fd = rel_path(target.functions_dir, self.cwd) if target.functions_dir is not None else None
            keys[i] = key = Cache.key(rel, fd, target.is_server, data)
            entry = cache.get(key)
            if entry is not None:
                try:
                    outcomes[i] = self._from_cache(target, rel, entry, data)
                    continue
                except (TypeError, KeyError, ValueError, AttributeError):
                    pass  # a corrupt or foreign entry: recompute it
            misses.append(i)
        for i, outcome in zip(misses, self.lint_files([targets[i] for i in misses], jobs)):
            outcomes[i] = outcome
            if keys[i] is not None:
                cache.put(
                    keys[i],
                    {
                        "facts": to_plain(outcome.facts),
                        "diagnostics": [to_plain(d) for d in outcome.diagnostics],
                        "suppressions": to_plain(outcome.suppressions),
                        "text": outcome.text is not None,
                    },
                )
        cache.save()
        return outcomes  # type: ignore[return-value]

    def run(self, targets: list[Target], jobs: int | None = 1, cache_dir: Path | None = None) -> LintResult:
        """Lint ``targets`` and run the project rules. ``jobs``: worker processes for the
        per-file work (None = one per CPU). ``cache_dir``: reuse per-file results stored
        there (None = no cache)."""
        start = time.perf_counter()
        included = [t for t in targets if self.settings.is_included(rel_path(t.path, self.cwd))]
        if cache_dir is not None:
            from convexlint.cache import Cache

            outcomes = self._cached_lint(included, jobs, Cache(cache_dir, self.cache_fingerprint()))
        else:
            outcomes = self.lint_files(included, jobs)
        by_rel = {o.rel: o for o in outcomes}

        projects: dict[str | None, Project] = {}
        for o in outcomes:
            if o.facts is None:
                continue
            key = o.facts.functions_dir
            project = projects.setdefault(key, Project(functions_dir=key))
            (project.files if o.target.is_server else project.client_files)[o.rel] = o.facts
        project_ctx = ProjectContext(options_for=self._options)
        for key, project in projects.items():
            project.resolve(self.settings.registrars)
            project.generated_env = key is not None and generated_env(self.cwd / key)
            for rule in self.rules:
                rule.check_project(project, project_ctx)

        raw: list[Diagnostic] = [d for o in outcomes for d in o.diagnostics] + project_ctx.diagnostics
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
            setting = self.settings.for_path(diag.path).get(diag.rule)
            if setting is None:
                continue
            if o.suppressions is not None and o.suppressions.suppresses(diag):
                continue
            if setting.severity != diag.severity:
                diag = dataclasses.replace(diag, severity=setting.severity)
            final.append(diag)

        for o in outcomes:
            if not o.target.report or o.suppressions is None:
                continue
            settings = self.settings.for_path(o.rel)
            if "invalid-suppression" in settings:
                for span, rule, message in o.suppressions.problems:
                    final.append(dataclasses.replace(self._meta(rule, o.rel, span, message), severity=settings[rule].severity))
            if self.settings.report_unused_disables and "unused-suppression" in settings:
                for span, message in unused(o.suppressions):
                    final.append(
                        dataclasses.replace(
                            self._meta("unused-suppression", o.rel, span, message),
                            severity=settings["unused-suppression"].severity,
                        )
                    )

        unique = {(d.rule, d.path, d.span.start_byte, d.span.end_byte, d.message): d for d in final}
        diagnostics = sorted(unique.values(), key=Diagnostic.sort_key)
        sources = {o.rel: o.text for o in outcomes if o.text is not None and o.target.report}
        return LintResult(
            diagnostics=diagnostics,
            files_checked=sum(1 for o in outcomes if o.target.report),
            sources=sources,
            elapsed=time.perf_counter() - start,
        )


def _scope_applies(scope: str, is_server: bool) -> bool:
    """Server-only rules never look at client code, nor client rules at server code."""
    return scope == "any" or (scope == "server") == is_server


def generated_env(functions_dir: Path) -> bool:
    """Whether ``_generated/server`` exports an ``env`` object (newer Convex codegen)."""
    import re

    for name in ("server.d.ts", "server.ts", "server.js"):
        try:
            text = (functions_dir / "_generated" / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if re.search(r"export\s+(declare\s+)?const\s+env\b", text):
            return True
    return False


def has_failures(result: LintResult, max_warnings: int | None) -> bool:
    """Exit-code policy: any error fails; warnings fail only beyond ``max_warnings``."""
    if result.count(Severity.ERROR):
        return True
    return max_warnings is not None and result.count(Severity.WARNING) > max_warnings
