"""Small helpers shared by several rule implementations."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator

from convexlint.diagnostics import Edit, Span
from convexlint.model.facts import Event, FileFacts, FunctionFact
from convexlint.model.project import Project


def kind_label(fn: FunctionFact) -> str:
    """``"public query"``, ``"internal action"``, ``"httpAction"``..."""
    if fn.kind == "httpAction":
        return "httpAction"
    return f"{fn.visibility} {fn.kind}"


def functions_of_kind(project: Project, *kinds: str) -> Iterator[tuple[FileFacts, FunctionFact]]:
    """The functions to check (``Project.functions_to_check``) of these kinds."""
    for facts, fn in project.functions_to_check():
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


class ProjectText:
    """What the text of every file of a project (server and client code, comments
    included) says about names, for fixes that must see every use of one. Each answer
    reads the files once (one regular-expression pass per file) when first asked; a file
    ``source`` cannot read makes every answer "unknown".

    ``quoted(name)``: how many quoted strings (``"name"``, ``'name'``, a backquoted
    template) hold exactly ``name``; ``api_mentions(dotted)``: how many ``api.a.b`` chains
    start with ``dotted`` (``api.a.b`` counts in ``api.a.b.c`` too); ``colon_path(p)``:
    whether a quoted ``"module:name"`` function path ends with ``p`` (a reference by path,
    ``makeFunctionReference("jobs:cleanup")``).
    """

    _QUOTED = re.compile(rb"([\"'`])([A-Za-z_$][\w$]*)\1")
    _API = re.compile(rb"(?<![\w$.])api(?:\s*\.\s*[A-Za-z_$][\w$]*)+")
    _COLON = re.compile(rb"[\"'`]([\w$./-]*:[A-Za-z_$][\w$]*)[\"'`]")

    def __init__(self, project: Project, source: Callable[[str], bytes | None]):
        self._project, self._source = project, source
        self._quoted: Counter[str] | None = None
        self._api: Counter[str] | None = None
        self._colon: set[str] | None = None
        self._unreadable = False

    def _texts(self) -> Iterator[bytes]:
        for rel in (*self._project.files, *self._project.client_files):
            data = self._source(rel)
            if data is None:
                self._unreadable = True
                return
            yield data

    def quoted(self, name: str) -> int | None:
        if self._quoted is None:
            self._quoted = Counter(m.decode() for data in self._texts() for _q, m in self._QUOTED.findall(data))
        return None if self._unreadable else self._quoted[name]

    def api_mentions(self, dotted: str) -> int | None:
        if self._api is None:
            self._api = Counter()
            for data in self._texts():
                for chain in self._API.findall(data):
                    parts = re.sub(rb"\s+", b"", chain).decode().split(".")
                    self._api.update(".".join(parts[:k]) for k in range(2, len(parts) + 1))
        return None if self._unreadable else self._api[dotted]

    def colon_path(self, path: str) -> bool:
        if self._colon is None:
            self._colon = set()
            for data in self._texts():
                for token in self._COLON.findall(data):
                    module, _, name = token.decode().partition(":")
                    module = module.removesuffix(".js").removesuffix(".ts")
                    parts = module.split("/")
                    self._colon.update("/".join(parts[k:]) + ":" + name for k in range(len(parts)))
        return self._unreadable or path in self._colon


def replace_literal(data: bytes | None, path: str, span: Span, old: str, new: str) -> Edit | None:
    """An edit turning the string literal ``old`` at ``span`` into ``new`` (quotes kept),
    or None when the text there is not that literal (the file changed since it was read)."""
    if data is None or data[span.start_byte + 1 : span.end_byte - 1] != old.encode() or span.end_byte - span.start_byte != len(old.encode()) + 2:
        return None
    return Edit(path, span.start_byte + 1, span.end_byte - 1, new)
