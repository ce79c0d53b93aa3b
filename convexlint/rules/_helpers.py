"""Small helpers shared by several rule implementations."""

from __future__ import annotations

import re
from collections.abc import Iterator

from convexlint.diagnostics import Edit, Span
from convexlint.model.facts import Event, FileFacts, FunctionFact
from convexlint.model.project import Project


def kind_label(fn: FunctionFact) -> str:
    """``"public query"``, ``"internal action"``, ``"httpAction"``..."""
    if fn.kind == "httpAction":
        return "httpAction"
    return f"{fn.visibility} {fn.kind}"


def functions_of_kind(project: Project, *kinds: str) -> Iterator[tuple[FileFacts, FunctionFact]]:
    for facts, fn in project.functions():
        if fn.kind in kinds:
            yield facts, fn


def events(fn: FunctionFact, *kinds: str) -> Iterator[Event]:
    for e in fn.events:
        if e.kind in kinds:
            yield e


def imports_v(facts: FileFacts) -> bool:
    """Whether the file imports ``v`` from ``convex/values`` under that name (a fix that
    writes ``v.null()`` needs it)."""
    return any(i.source == "convex/values" and i.imported == "v" and i.local == "v" and not i.type_only for i in facts.imports)


def quoted_occurrences(data: bytes, name: str) -> int:
    """How many times ``name`` appears in ``data`` as a whole quoted string (``"name"``,
    ``'name'`` or a backquoted template), in code or comments alike: an upper bound on the
    string literals of that value, for fixes that must see every use of a name."""
    return len(re.findall(rb"([\"'`])" + re.escape(name.encode()) + rb"\1", data))


def replace_literal(data: bytes | None, path: str, span: Span, old: str, new: str) -> Edit | None:
    """An edit turning the string literal ``old`` at ``span`` into ``new`` (quotes kept),
    or None when the text there is not that literal (the file changed since it was read)."""
    if data is None or data[span.start_byte + 1 : span.end_byte - 1] != old.encode() or span.end_byte - span.start_byte != len(old.encode()) + 2:
        return None
    return Edit(path, span.start_byte + 1, span.end_byte - 1, new)
