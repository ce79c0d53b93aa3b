"""What a rule implementation is, and the contexts the engine hands it.

A rule is its record (``rules/<id>.yaml``) plus a subclass of ``Rule`` here that does one
or both of:

* **per-file listeners** - ``listeners = {"call_expression": "on_call"}``: the engine runs
  one combined query pass per file and calls ``on_call(node, file)`` for every node of
  that type (ESLint's design; disabled rules cost nothing);
* **project checks** - ``check_project(project, ctx)``, run once per functions directory
  after every file's facts are built, asking the Convex project model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

from tree_sitter import Node

from convexlint.diagnostics import Diagnostic, Edit, Fix, Span
from convexlint.model.extract.scan import FileScan
from convexlint.model.facts import FunctionRefFact
from convexlint.model.project import Project
from convexlint.parsing import SourceFile
from convexlint.records import RuleRecord


@dataclass
class FileContext:
    """One file as listeners see it.

    ``options(rule_id)`` gives that rule's resolved options for this file;
    ``report`` records a diagnostic at a node or span (0-based byte offsets) with one of
    the rule's record messages (a key and its placeholder values);
    ``function_reference(node)`` answers "is this ``api.x.y``?" from the file's scan.
    """

    source: SourceFile
    is_server: bool
    options: Callable[[str], dict[str, Any]]
    scan: FileScan
    is_test: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def member_path(self, node: Node | None) -> list[str] | None:
        """``a.b.c`` -> ``["a", "b", "c"]`` (see ``syntax.member_path``), memoized per file;
        do not change the list."""
        return self.scan.member_path(node)

    def callee_method(self, call: Node) -> tuple[str | None, Node | None]:
        """``recv.method(...)`` -> ``("method", recv)`` (see ``syntax.callee_method``),
        memoized per file."""
        return self.scan.callee_method(call)

    def function_reference(self, node: Node | None) -> FunctionRefFact | None:
        """``api.a.b``/``internal.a.b``/``components.x.y`` as a reference (memoized per
        file; see ``FileScan.function_reference``), or None."""
        return self.scan.function_reference(node)

    def report(
        self, rule: "Rule", where: Node | Span, message_id: str, /, *, fix: list[Edit] | None = None, unsafe: bool = False, **data: Any
    ) -> None:
        span = where if isinstance(where, Span) else self.source.node_span(where)
        self.diagnostics.append(rule.diagnostic(self.source.path, span, message_id, data, fix, unsafe))

    def edit(self, where: Node | tuple[int, int], text: str) -> Edit:
        """An edit of this file replacing a node (or a ``(start_byte, end_byte)`` range;
        equal offsets insert) with ``text``."""
        start, end = where if isinstance(where, tuple) else (where.start_byte, where.end_byte)
        return Edit(self.source.path, start, end, text)


@dataclass
class ProjectContext:
    """What a project check gets besides the ``Project``: options per file, ``report`` (a
    record message key and its placeholder values, as ``FileContext.report``) and
    ``source(path)``: a file's bytes as this run sees them (the edited text during a
    ``--fix`` pass), or None when it cannot be read; for fixes, which need the text their
    edits replace."""

    options_for: Callable[[str, str], dict[str, Any]]  # (rule id, path) -> options
    source: Callable[[str], bytes | None] = lambda _path: None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def report(
        self, rule: "Rule", path: str, span: Span, message_id: str, /, *, fix: list[Edit] | None = None, unsafe: bool = False, **data: Any
    ) -> None:
        self.diagnostics.append(rule.diagnostic(path, span, message_id, data, fix, unsafe))


class Rule:
    """Base class of every rule implementation; ``id`` must match a record."""

    id: ClassVar[str] = ""
    listeners: ClassVar[dict[str, str]] = {}
    #: For ``call_expression`` listeners: only calls whose callee name (``f`` in ``f()``
    #: or ``x.f()``) is in this set reach the listener (None = every call). The engine
    #: indexes calls by name once per file, so narrow listeners cost almost nothing.
    call_names: ClassVar[frozenset[str] | None] = None
    #: When set, the rule's listeners can only report in files containing one of these
    #: substrings (something every finding needs), so other files skip them: a few
    #: substring tests per file are far cheaper than a listener call per string literal.
    file_markers: ClassVar[tuple[str, ...] | None] = None
    #: Whether the rule needs the client code around the functions directory even when
    #: only some files were named (discovery then reads it as context).
    needs_client_code: ClassVar[bool] = False
    record: RuleRecord

    def __init__(self, record: RuleRecord):
        self.record = record

    def diagnostic(
        self, path: str, span: Span, message_id: str, data: dict[str, Any], edits: list[Edit] | None = None, unsafe: bool = False
    ) -> Diagnostic:
        """A diagnostic of this rule at its default severity (the engine applies config),
        its text the record's message ``message_id`` rendered with ``data``
        (``RuleRecord.render``; raises ``RecordError`` on an unknown key or placeholder);
        ``edits`` become its ``Fix``, as safe or unsafe as the record's ``fix`` says (a
        record with ``fix: none`` offers none). ``unsafe`` marks this one fix unsafe in a
        rule whose record says ``safe`` (the record names the most a fix of the rule is;
        its "Fix safety" text says which are unsafe)."""
        applicability = "unsafe" if unsafe else self.record.fix
        fix = Fix(tuple(edits), applicability) if edits and self.record.fix in ("safe", "unsafe") else None
        return Diagnostic(
            rule=self.id,
            severity=self.record.severity,
            message=self.record.render(message_id, data),
            path=path,
            span=span,
            help=self.record.help,
            url=self.record.url,
            fix=fix,
        )

    def check_project(self, project: Project, ctx: ProjectContext) -> None:  # pragma: no cover - default
        return None
