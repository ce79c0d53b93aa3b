"""The Convex project model: what rules ask about a whole functions directory.

A ``Project`` is one Convex functions directory (``convex/`` or what ``convex.json``'s
``functions`` names) with the ``FileFacts`` of every file in it. Files linted outside any
functions directory form a ``Project`` whose ``functions_dir`` is None.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from convexlint.model.facts import FileFacts, FunctionFact, RouteFact, SchemaFact, TableFact

_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mts", ".cts")


@dataclass
class Project:
    """One functions directory (``functions_dir`` relative to the working directory)."""

    functions_dir: str | None
    files: dict[str, FileFacts] = field(default_factory=dict)  # rel path -> facts

    # -- schema --------------------------------------------------------------------------

    @property
    def schema_file(self) -> FileFacts | None:
        """The file holding ``defineSchema``: ``schema.ts`` at the functions root if it has
        one, else the first file that calls ``defineSchema``."""
        candidates = [f for f in self.files.values() if f.schema is not None]
        for f in candidates:
            if f.module == "schema":
                return f
        return candidates[0] if candidates else None

    @property
    def schema(self) -> SchemaFact | None:
        f = self.schema_file
        return f.schema if f is not None else None

    def tables(self) -> dict[str, TableFact]:
        schema = self.schema
        return {t.name: t for t in schema.tables} if schema is not None else {}

    # -- functions and routes ------------------------------------------------------------

    def functions(self) -> Iterator[tuple[FileFacts, FunctionFact]]:
        for facts in self.files.values():
            for fn in facts.functions:
                yield facts, fn

    def routes(self) -> Iterator[tuple[FileFacts, RouteFact]]:
        for facts in self.files.values():
            for route in facts.routes:
                yield facts, route

    def resolve_module(self, importer: FileFacts, source: str) -> FileFacts | None:
        """The facts of the file a relative import ``source`` in ``importer`` names."""
        if not source.startswith("."):
            return None
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer.path), source))
        stem, ext = posixpath.splitext(base)
        candidates = [base] if ext in _EXTENSIONS else []
        if ext == ".js":  # TypeScript's ESM style: import "./x.js" means ./x.ts
            candidates += [stem + e for e in _EXTENSIONS]
        candidates += [base + e for e in _EXTENSIONS]
        candidates += [posixpath.join(base, "index" + e) for e in _EXTENSIONS]
        for c in candidates:
            if c in self.files:
                return self.files[c]
        return None

    def route_handler(self, facts: FileFacts, route: RouteFact) -> tuple[FileFacts, FunctionFact] | None:
        """The httpAction a route's handler names, in this file or an imported one."""
        ref = route.handler
        if ref.kind == "function" and ref.function_index is not None:
            return facts, facts.functions[ref.function_index]
        if ref.kind == "import" and ref.import_source is not None:
            target = self.resolve_module(facts, ref.import_source)
            if target is None:
                return None
            for fn in target.functions:
                if ref.import_name in fn.export_names:
                    return target, fn
        return None
