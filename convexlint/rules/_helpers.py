"""Small helpers shared by several rule implementations."""

from __future__ import annotations

from collections.abc import Iterator

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
