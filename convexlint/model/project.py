"""The Convex project model: what rules ask about a whole functions directory.

A ``Project`` is one Convex functions directory (``convex/`` or what ``convex.json``'s
``functions`` names) with the ``FileFacts`` of every file in it, plus the client files
around it. ``resolve()`` finishes what single files cannot know: which custom registrar a
function was registered with (across imports and re-exports, and through the user's
``registrars`` configuration), and so its kind and visibility. Files linted outside any
functions directory form a ``Project`` whose ``functions_dir`` is None.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from convexlint.diagnostics import Span
from convexlint.model.vocabulary import LIBRARY_INDEXES, REGISTRARS, builtin_registrar, is_generated_server
from convexlint.model.facts import (
    FileFacts,
    FunctionFact,
    FunctionRefFact,
    HelperFact,
    ImportFact,
    RegistrarDef,
    RegistrarRef,
    RouteFact,
    SchemaFact,
    TableFact,
)

class Resolution(NamedTuple):
    """What a registrar resolves to: the function kind and visibility it registers,
    whether its customization checks access, and the chain of registrar names from this
    one to the built-in one."""

    kind: str
    visibility: str
    checks_auth: bool
    chain: tuple[str, ...]
    defs: tuple[tuple[str, str], ...] = ()  # (file path, local name) of each custom registrar on the way


_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mts", ".cts")
_UNRESOLVED = object()  # "not looked up yet" in ModulePaths (None is an answer)
_MAX_HOPS = 12
_V_ID = re.compile(r"\bv\.id\(\s*[\"'`]([^\"'`]+)[\"'`]\s*\)")


def shape(facts: FileFacts) -> tuple:
    """What following names from file to file can read of ``facts``, without positions:
    its place (path, module, flags), imports, exports, re-exports, aliases, custom
    registrars and helpers; never its functions' bodies. Two projects whose files have
    equal shapes resolve every registrar, module and default-runtime bundle alike, so such
    answers (``ShapeMemo``) can be shared between them."""
    return (
        facts.path,
        facts.functions_dir,
        facts.module,
        facts.is_server,
        facts.entry_point,
        facts.is_test,
        facts.use_node,
        tuple((i.source, i.imported, i.local, i.type_only) for i in facts.imports),
        tuple((local, tuple(names)) for local, names in facts.exports.items()),
        tuple(facts.reexports),
        tuple(facts.aliases.items()),
        tuple((d.local, tuple(d.export_names), d.base.kind, d.base.name, d.base.source, d.wrapper, d.checks_auth, tuple(d.calls)) for d in facts.registrars),
        tuple((h.name, h.checks_auth, tuple(h.calls)) for h in facts.helpers.values()),
    )


@dataclass
class ModulePaths:
    """Where relative imports lead, as paths: they depend only on which paths a project
    has, so a caller may share one between projects with the same paths (the editor's
    runs, see ``Linter.projects``)."""

    by_dir: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (importing directory, source) -> path
    by_file: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (importing file, source) -> path


@dataclass
class ShapeMemo:
    """Answers that depend only on the shapes of a project's files (see ``shape``), for
    one registrar configuration: kept by a caller that lints the same project again
    (``Linter.projects``) for as long as no file's shape changes."""

    #: (file path, local name) -> the custom registrar defined there, resolved
    registrars: dict[tuple[str, str], "Resolution | None"] = field(default_factory=dict)
    #: (file path, registrar ref kind, name, source, registrar) -> (resolution, chain), or None
    functions: dict[tuple, "tuple[Resolution, tuple[str, ...]] | None"] = field(default_factory=dict)
    default_runtime: set[str] | None = None  # see ``Project.default_runtime_files``
    #: id(facts) -> the facts whose functions ``Project.resolve`` gave their kinds under this
    #: memo: a caller that keeps those facts (and their functions' fields) as they were
    #: left need not resolve them again
    resolved: dict[int, FileFacts] = field(default_factory=dict)
    chains: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)  # path -> function index -> chain
    defs: dict[str, dict[int, tuple[tuple[str, str], ...]]] = field(default_factory=dict)  # path -> index -> custom registrars


#: (registrar name, local name) -> (resolution, chain) of a function registered through one
#: of Convex's own registrars (``_convex_defined``): the same in every project.
_CONVEX_FUNCTIONS: dict[tuple[str, str], "tuple[Resolution, tuple[str, ...]]"] = {}
_CONVEX_SOURCES: dict[str, bool] = {}  # import source -> _from_convex_server(source)


def _from_convex_server(source: str) -> bool:
    """Whether an import from ``source`` takes Convex's registrars: ``_generated/server``
    or ``convex/server`` (memoized: asked once per function)."""
    known = _CONVEX_SOURCES.get(source)
    if known is None:
        known = _CONVEX_SOURCES[source] = source == "convex/server" or is_generated_server(source)
    return known


def _convex_defined(ref: RegistrarRef) -> bool:
    """Whether ``ref`` names one of Convex's own registrars (``query``, ``internalAction``...)
    directly or imported from ``_generated/server`` or ``convex/server``: its resolution
    reads no project file."""
    if ref.kind == "import" and ref.source is not None:
        return _from_convex_server(ref.source) and builtin_registrar(ref.name) is not None
    return ref.kind == "builtin" and builtin_registrar(ref.name) is not None


def _covers(options: list[RouteFact], path: str | None, prefix: str | None, *, exact: bool) -> bool:
    """Whether one of the ``OPTIONS`` routes serves ``path`` (or ``prefix``): the same path
    or prefix, or (unless ``exact``) a prefix containing it."""
    for r in options:
        if path is not None and (r.path == path or (not exact and r.path_prefix is not None and path.startswith(r.path_prefix))):
            return True
        if prefix is not None and r.path_prefix is not None and (r.path_prefix == prefix or (not exact and prefix.startswith(r.path_prefix))):
            return True
    return False


@dataclass
class Project:
    """One functions directory (``functions_dir`` relative to the working directory)."""

    functions_dir: str | None
    files: dict[str, FileFacts] = field(default_factory=dict)  # rel path -> facts (server code)
    client_files: dict[str, FileFacts] = field(default_factory=dict)  # rel path -> facts
    generated_env: bool = False  # _generated/server exports a typed `env`
    #: A Convex component's folder (convex.config.ts calls defineComponent): its "public"
    #: functions are reachable only through the app that installs it, never by clients.
    is_component: bool = False
    #: The files (relative paths) whose findings are wanted, or None for all of them (the
    #: editor asks only about its open files). The ``*_to_check`` iterators visit only
    #: these; every question about the project (lookups, indexes, the schema) still sees
    #: every file, so a finding in a file of the focus is the same either way.
    focus: frozenset[str] | None = None
    _by_module: dict[str, FileFacts] | None = None
    _focus_files: list[FileFacts] | None = None  # files_to_check with a focus
    shaped: ShapeMemo = field(default_factory=ShapeMemo)
    module_paths: ModulePaths = field(default_factory=ModulePaths)
    _schema: SchemaFact | None = None
    _site_requests: frozenset[str] | None = None
    _options: list[RouteFact] | None = None  # every OPTIONS route
    _preflight: list[RouteFact] | None = None  # OPTIONS routes that are evidence (see _preflight_evidence)
    _id_uses: dict[str, frozenset[str]] | None = None
    _validated_ids: dict[str, frozenset[str]] | None = None

    # -- schema --------------------------------------------------------------------------

    @property
    def schema_file(self) -> FileFacts | None:
        """The functions directory's own ``schema.ts`` (``schema.js``) when it defines a
        schema, else None. Never another file that happens to call ``defineSchema``: a
        test's schema (handed to ``convexTest``) or a component's is not the app's, and an
        app without a root schema has none (schema rules stay silent)."""
        f = self.module("schema")
        return f if f is not None and f.schema is not None else None

    @property
    def schema(self) -> SchemaFact | None:
        """The schema with the table objects it spreads from other modules merged in
        (``defineSchema({ ...billingTables })``); ``dynamic`` when one cannot be followed."""
        if self._schema is None:
            f = self.schema_file
            if f is None or f.schema is None:
                return None
            own = f.schema
            tables, dynamic = list(own.tables), own.dynamic
            for source, name in own.spreads:
                group = self._table_group(f, source, name, 0)
                if group is None:
                    dynamic = True
                else:
                    tables += group[0]
                    dynamic = dynamic or group[1]
            self._schema = SchemaFact(tables=tables, dynamic=dynamic, span=own.span)
        return self._schema

    def _table_group(self, facts: FileFacts, source: str, name: str, hops: int) -> tuple[list[TableFact], bool] | None:
        """``(tables, dynamic)`` of the table object ``name`` imported from ``source``."""
        if hops > _MAX_HOPS:
            return None
        target = self.resolve_module(facts, source)
        found = self.export_target(target, name) if target is not None else None
        if found is None or found[0] == "generated":
            return None
        target_facts, local = found
        group = target_facts.table_groups.get(local)
        if group is None:
            return None
        tables, dynamic = list(group.tables), group.dynamic
        for src, imported in group.spreads:
            inner = self._table_group(target_facts, src, imported, hops + 1)
            if inner is None:
                return None
            tables += inner[0]
            dynamic = dynamic or inner[1]
        return tables, dynamic

    def library_indexes(self) -> frozenset[tuple[str, str]]:
        """``(table, index)`` pairs a library the project imports looks up by name (Convex
        Auth's ``users.email``…): their names are the library's, not the project's."""
        found: set[tuple[str, str]] = set()
        for package, pairs in LIBRARY_INDEXES.items():
            if any(imp.source == package or imp.source.startswith(package + "/") for f in self.files.values() for imp in f.imports):
                found |= pairs
        return frozenset(found)

    def static_schema(self) -> SchemaFact | None:
        """The schema when it is fully static (no spreads or unresolvable tables), else None:
        rules that need to know every table stay silent without it."""
        schema = self.schema
        return schema if schema is not None and not schema.dynamic else None

    def static_schema_for(self, facts: FileFacts) -> SchemaFact | None:
        """The static schema that code in ``facts`` runs against: a file that defines its
        own schema (a test handing it to ``convexTest``, a snippet typing its ``ctx`` with
        ``DataModelFromSchemaDefinition<typeof schema>``) runs against that one, everything
        else against the app's (``static_schema``)."""
        own = facts.schema
        if own is not None and facts is not self.schema_file:
            return own if not own.dynamic and not own.spreads else None
        return self.static_schema()

    def index_uses(self, table: str, name: str) -> tuple[list[tuple[str, Span]], int] | None:
        """Where index ``name`` of ``table`` is named, for renaming it: ``(uses, literals)``
        with ``uses`` the ``(path, span)`` of the name's string literal in its definition and
        in every ``withIndex``/``withSearchIndex`` on that table, and ``literals`` how many
        string literals of exactly ``name`` the project's files should hold if those were all
        (every definition and reference of an index of that name, on any table). A caller
        that finds more literals in the text has met a use the model cannot see (a helper
        taking the name as an argument, a type). None when some use may be invisible: the
        schema is not fully static, or some index name is built at run time."""
        schema = self.static_schema()
        if schema is None or any(f.built_index_names for f in (*self.files.values(), *self.client_files.values())):
            return None
        uses: list[tuple[str, Span]] = []
        literals = 0
        for t in schema.tables:
            if not t.indexes_complete:
                return None
            for index in t.indexes:
                if index.name == name:
                    literals += 1
                    if t.name == table and index.name_span is not None:
                        uses.append((t.path, index.name_span))
        for facts in self.files.values():
            refs = [r for r in facts.index_refs if r.index == name]
            if refs and self.static_schema_for(facts) is not schema:
                return None  # code judged against its own schema (a test's) names it too
            literals += len(refs)
            uses += [(facts.path, r.span) for r in refs if r.table == table]
        return uses, literals

    def tables(self) -> dict[str, TableFact]:
        schema = self.schema
        return {t.name: t for t in schema.tables} if schema is not None else {}

    def id_uses(self) -> dict[str, frozenset[str]]:
        """Names whose values the server code uses as document ids, each with the tables
        those uses name (``""`` for a use that names none): ``{"userId": {"users", ""}}``.
        From every server file's ``id_uses`` (see ``extract.ids``; value and field uses).
        A name the code also treats as text (``.startsWith``, ``.split``) maps to
        ``{"text"}`` alone."""
        if self._id_uses is None:
            found: dict[str, set[str]] = {}
            text_names: set[str] = set()
            for f in self.files.values():
                for name, table, _offset, kind in f.id_uses:
                    if kind == "text":
                        text_names.add(name)
                    else:
                        found.setdefault(name, set()).add(table)
            found.update({name: {"text"} for name in text_names})
            self._id_uses = {name: frozenset(tables) for name, tables in found.items()}
        return self._id_uses

    def validated_ids(self) -> dict[str, frozenset[str]]:
        """Field and argument names validated with ``v.id("t")`` somewhere (schema tables,
        functions' ``args``), each with those tables: ``{"userId": {"users"}}``."""
        if self._validated_ids is None:
            found: dict[str, set[str]] = {}
            fields = [table.fields or {} for table in self.tables().values()]
            fields += [fn.args_fields for _facts, fn in self.functions()]
            for mapping in fields:
                for name, validator in mapping.items():
                    if "v.id" in validator:
                        for table in _V_ID.findall(validator):
                            found.setdefault(name, set()).add(table)
            self._validated_ids = {name: frozenset(tables) for name, tables in found.items()}
        return self._validated_ids

    # -- functions and routes ------------------------------------------------------------

    def functions(self) -> Iterator[tuple[FileFacts, FunctionFact]]:
        """Every registered function whose kind is known (custom registrars resolved)."""
        for facts, _index, fn in self.indexed_functions():
            yield facts, fn

    def preflight_covers(self, path: str | None, prefix: str | None) -> bool:
        """Whether an ``OPTIONS`` route of this project answers requests to a route with
        this ``path`` (or ``pathPrefix``): same path, or a prefix that contains it."""
        if self._options is None:
            self._options = [r for _, r in self.routes() if r.method == "OPTIONS"]
        return _covers(self._options, path, prefix, exact=False)

    def _preflight_evidence(self, route: RouteFact) -> bool:
        """Whether an ``OPTIONS`` route says browsers call ``route``: one for its path or a
        prefix of it (for ``GET``/``HEAD`` only its own path: a simple ``GET`` is never
        preflighted). A catch-all ``pathPrefix: "/"`` says nothing about any one route, and
        an ``OPTIONS`` handler that never sends the header is a method test, not CORS."""
        if self._preflight is None:
            self._preflight = [
                r for f, r in self.routes() if r.method == "OPTIONS" and r.path_prefix != "/" and not self._never_cors(f, r)
            ]
        return _covers(self._preflight, route.path, route.path_prefix, exact=route.method in ("GET", "HEAD"))

    def _never_cors(self, facts: FileFacts, route: RouteFact) -> bool:
        """Whether every response of the route's handler certainly lacks the CORS header."""
        target = self.route_handler(facts, route)
        return target is not None and bool(target[1].responses) and all(r.cors == "no" for r in target[1].responses)

    def site_requests(self) -> frozenset[str]:
        """Paths the project's client code requests from the site URL (see
        ``FileFacts.site_requests``); only client files in the run are known."""
        if self._site_requests is None:
            self._site_requests = frozenset(p for f in self.client_files.values() for p in f.site_requests)
        return self._site_requests

    def client_requests(self, route: RouteFact) -> bool:
        """Whether client code requests this route's path (or a path under its prefix)."""
        for requested in self.site_requests():
            prefix = requested.endswith("*")
            stem = requested.rstrip("*")
            if route.path is not None and (route.path == stem or (prefix and route.path.startswith(stem))):
                return True
            if route.path_prefix is not None and (stem.startswith(route.path_prefix) or (prefix and route.path_prefix.startswith(stem))):
                return True
        return False

    def browser_evidence(self, route: RouteFact, fn: FunctionFact) -> str | None:
        """Why a browser calls this route, or None without evidence (http-action-cors and
        http-options-preflight report only with it):

        - ``"options"``: the route itself answers preflights;
        - ``"client"``: client code requests its path from the site URL;
        - ``"preflight"``: an ``OPTIONS`` route that sends CORS headers covers its path
          (see ``_preflight_evidence``: not a catch-all ``/``; for ``GET`` its own path);
        - ``"cors"``: another response of its handler sends ``Access-Control-Allow-Origin``.

        The last two are weaker than a webhook's shape: a handler that verifies its sender
        (a signature header, a verifier call, a ``process.env`` secret; see ``Event``) or a
        path that says ``webhook`` is server-to-server unless client code calls it."""
        if route.method == "OPTIONS":
            return "options"
        if self.client_requests(route):
            return "client"
        where = route.path if route.path is not None else route.path_prefix
        if any(e.kind == "sender_check" for e in fn.events) or (where is not None and "webhook" in where.lower()):
            return None
        if self._preflight_evidence(route):
            return "preflight"
        if any(r.cors == "yes" for r in fn.responses):
            return "cors"
        return None

    def is_checked(self, path: str) -> bool:
        """Whether findings in the file ``path`` (relative) are wanted (see ``focus``)."""
        return self.focus is None or path in self.focus

    def files_to_check(self) -> Iterator[FileFacts]:
        """The server files in ``focus`` (every server file without one), in order."""
        if self.focus is None:
            return iter(self.files.values())
        if self._focus_files is None:
            self._focus_files = [facts for rel, facts in self.files.items() if rel in self.focus]
        return iter(self._focus_files)

    def functions_to_check(self) -> Iterator[tuple[FileFacts, FunctionFact]]:
        """``functions()`` of the files in ``focus``: what a rule reporting on each
        function visits."""
        for facts, _index, fn in self.indexed_functions_to_check():
            yield facts, fn

    def indexed_functions_to_check(self) -> Iterator[tuple[FileFacts, int, FunctionFact]]:
        """``indexed_functions()`` of the files in ``focus``."""
        for facts in self.files_to_check():
            for i, fn in enumerate(facts.functions):
                if fn.kind is not None:
                    yield facts, i, fn

    def indexed_functions(self) -> Iterator[tuple[FileFacts, int, FunctionFact]]:
        """``functions()`` with each function's index in its file's ``functions``."""
        for facts in self.files.values():
            for i, fn in enumerate(facts.functions):
                if fn.kind is not None:
                    yield facts, i, fn

    def routes(self) -> Iterator[tuple[FileFacts, RouteFact]]:
        for facts in self.files.values():
            for route in facts.routes:
                yield facts, route

    def module(self, name: str) -> FileFacts | None:
        """The file whose module path (``"lib/auth"``) is ``name``."""
        if self._by_module is None:
            self._by_module = {f.module: f for f in self.files.values() if f.module is not None}
        return self._by_module.get(name)

    def resolve_module(self, importer: FileFacts, source: str) -> FileFacts | None:
        """The facts of the file a relative import ``source`` in ``importer`` names."""
        if not source.startswith("."):
            return None
        paths = self.module_paths
        path = paths.by_file.get((importer.path, source), _UNRESOLVED)
        if path is _UNRESOLVED:
            key = (posixpath.dirname(importer.path), source)
            path = paths.by_dir.get(key, _UNRESOLVED)
            if path is _UNRESOLVED:
                path = paths.by_dir[key] = self._resolve_module(key[0], source)
            paths.by_file[(importer.path, source)] = path
        return None if path is None else self.files.get(path) or self.client_files.get(path)

    def _resolve_module(self, directory: str, source: str) -> str | None:
        """The path of the project file ``source`` names from ``directory``, or None."""
        base = posixpath.normpath(posixpath.join(directory, source))
        stem, ext = posixpath.splitext(base)
        candidates = [base] if ext in _EXTENSIONS else []
        if ext in (".js", ".jsx", ".mjs", ".cjs"):  # TypeScript's ESM style: "./x.js" means ./x.ts
            candidates += [stem + e for e in _EXTENSIONS]
        candidates += [base + e for e in _EXTENSIONS]
        candidates += [posixpath.join(base, "index" + e) for e in _EXTENSIONS]
        for c in candidates:
            if c in self.files or c in self.client_files:
                return c
        return None

    def function_for_ref(self, ref: FunctionRefFact) -> tuple[FileFacts, FunctionFact] | None:
        """``api.lib.users.get`` -> the ``get`` export of ``lib/users``, when it exists."""
        if ref.root not in ("api", "internal", "anyApi") or len(ref.path) < 2:
            return None
        target = self.module("/".join(ref.path[:-1]))
        if target is None:
            return None
        for fn in target.functions:
            if ref.path[-1] in fn.export_names and fn.kind is not None:
                return target, fn
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

    def export_target(self, facts: FileFacts, name: str, hops: int = 0) -> tuple[FileFacts, str] | tuple[str, str] | None:
        """Follow ``export { name } from "./x"`` chains: ``(facts, local_name)`` of the file
        that defines ``name``, or ``("generated", name)`` for a re-export of
        ``_generated/server``."""
        if hops > _MAX_HOPS:
            return None
        for source, imported, exported in facts.reexports:
            if exported == name or exported == "*":
                if is_generated_server(source):
                    return ("generated", imported if imported != "*" else name)
                target = self.resolve_module(facts, source)
                if target is not None:
                    found = self.export_target(target, imported if imported != "*" else name, hops + 1)
                    if found is not None:
                        return found
        for local, names in facts.exports.items():
            if name in names:
                return facts, local
        return None

    # -- registrars ----------------------------------------------------------------------

    def resolve(self, configured: dict[str, str] | None = None) -> None:
        """Give every function registered through a custom registrar its kind and
        visibility; functions whose registrar cannot be resolved keep ``kind=None`` and
        are left out of ``functions()`` (not guessed). Also records each function's
        registrar chain (``registrar_chain``). Files this ``shaped`` memo has resolved
        already (the same facts objects, see ``ShapeMemo.resolved``) are skipped."""
        configured = configured or {}
        shaped = self.shaped
        memo = shaped.functions
        for facts in self.files.values():
            if shaped.resolved.get(id(facts)) is facts:
                continue
            shaped.resolved[id(facts)] = facts
            chains: dict[int, tuple[str, ...]] = {}
            defs: dict[int, tuple[tuple[str, str], ...]] = {}
            shaped.chains[facts.path], shaped.defs[facts.path] = chains, defs
            for i, fn in enumerate(facts.functions):
                ref = fn.registrar_ref
                if ref is None:
                    continue
                if _convex_defined(ref):  # most functions: the answer is Convex's, whatever the project
                    found = _CONVEX_FUNCTIONS.get((ref.name, fn.registrar))
                    if found is None:
                        found = _CONVEX_FUNCTIONS[(ref.name, fn.registrar)] = self._resolve_function(facts, ref, fn.registrar, configured)
                else:
                    key = (facts.path, ref.kind, ref.name, ref.source, fn.registrar)
                    found = memo.get(key, _UNRESOLVED)
                    if found is _UNRESOLVED:
                        found = memo[key] = self._resolve_function(facts, ref, fn.registrar, configured)
                if found is None:
                    continue
                resolved, chain = found
                chains[i] = chain
                if resolved.defs:
                    defs[i] = resolved.defs
                if fn.kind is None:
                    fn.kind, fn.visibility, fn.custom_checks_auth = resolved.kind, resolved.visibility, resolved.checks_auth
        if len(shaped.resolved) > 2 * len(self.files) + 256:  # mostly earlier versions of edited files
            shaped.resolved = {id(f): f for f in self.files.values()}

    def _resolve_function(
        self, facts: FileFacts, ref: RegistrarRef, registrar: str, configured: dict[str, str]
    ) -> tuple[Resolution, tuple[str, ...]] | None:
        """What a function of ``facts`` registered through ``ref`` (called ``registrar``
        there) resolves to, with its registrar chain; None when unresolved."""
        resolved = self._resolve_ref(facts, ref, 0)
        if resolved is None and registrar in configured:
            resolved = Resolution(*REGISTRARS[configured[registrar]], False, (configured[registrar],))
        if resolved is None:
            return None
        chain = resolved.chain
        if registrar != chain[0].split(" ", 1)[0]:
            chain = (registrar, *chain)  # the local name it was imported or aliased as
        return resolved, chain

    def registrar_chain(self, facts: FileFacts, index: int) -> list[str]:
        """The registrars function ``index`` of ``facts`` was registered through, from the
        name used to the built-in one: ``["publicQuery", "query"]`` for an alias,
        ``["authedQuery (customQuery)", "query"]`` for a custom registrar (its wrapper in
        parentheses); empty when unresolved. Available after ``resolve``."""
        return list(self.shaped.chains.get(facts.path, {}).get(index, ()))

    def customizations(self, facts: FileFacts, index: int) -> list[tuple[FileFacts, RegistrarDef]]:
        """The custom registrars function ``index`` of ``facts`` went through, each with the
        file defining it (its ``calls`` are what the customization calls). After ``resolve``."""
        out = []
        for path, local in self.shaped.defs.get(facts.path, {}).get(index, ()):
            owner = self.files.get(path) or self.client_files.get(path)
            d = self.registrar_def(owner, local) if owner is not None else None
            if d is not None:
                out.append((owner, d))
        return out

    def resolve_registrar(self, facts: FileFacts, local: str) -> Resolution | None:
        """The custom registrar defined as ``local`` in ``facts``, resolved (its chain
        starts with ``local``), or None when its base cannot be resolved."""
        return self._resolve_ref(facts, RegistrarRef("local", local), 0)

    def registrar_def(self, facts: FileFacts, local: str) -> RegistrarDef | None:
        return next((d for d in facts.registrars if d.local == local), None)

    def _resolve_ref(self, facts: FileFacts, ref: RegistrarRef, hops: int) -> Resolution | None:
        if hops > _MAX_HOPS:
            return None
        if ref.kind == "builtin":
            found = builtin_registrar(ref.name)
            return Resolution(*found, False, (ref.name,)) if found else None
        if ref.kind == "local":
            key = (facts.path, ref.name)
            memo = self.shaped.registrars
            if key in memo:
                return memo[key]
            memo[key] = None  # cycle guard
            result = self._resolve_local(facts, ref.name, hops)
            memo[key] = result
            return result
        if ref.kind == "import" and ref.source is not None:
            if _from_convex_server(ref.source):
                return self._resolve_ref(facts, RegistrarRef("builtin", ref.name), hops + 1)
            target = self.resolve_module(facts, ref.source)
            if target is None:
                return None
            found = self.export_target(target, ref.name)
            if found is None:
                return None
            if found[0] == "generated":
                return self._resolve_ref(facts, RegistrarRef("builtin", found[1]), hops + 1)
            target_facts, local = found
            return self._resolve_ref(target_facts, RegistrarRef("local", local), hops + 1)
        return None

    def _resolve_local(self, facts: FileFacts, name: str, hops: int) -> Resolution | None:
        """A module-level name of ``facts``: a custom registrar defined there, an alias of
        another name (``export const publicQuery = rawQuery``), or an imported binding
        (``import { query } from "./_generated/server"; export { query }``)."""
        d = self.registrar_def(facts, name)
        if d is not None:
            base = self._resolve_ref(facts, d.base, hops + 1)
            if base is None:
                return None
            checks = base.checks_auth or d.checks_auth or self.calls_check_auth(facts, d.calls)
            return Resolution(
                base.kind, base.visibility, checks, (f"{name} ({d.wrapper})", *base.chain), ((facts.path, name), *base.defs)
            )
        target = facts.aliases.get(name)
        if target is not None:
            base = self._resolve_ref(facts, RegistrarRef("local", target), hops + 1)
            return base._replace(chain=(name, *base.chain)) if base is not None else None
        for imp in facts.imports:
            if imp.local == name and not imp.type_only and imp.imported not in (None, "*"):
                return self._resolve_ref(facts, RegistrarRef("import", imp.imported, imp.source), hops + 1)
        return None

    # -- runtimes --------------------------------------------------------------------------

    def default_runtime_files(self) -> set[str]:
        """Paths of the files Convex bundles for its default runtime: every entry point
        without ``"use node"`` and what it imports (value imports, relative), stopping at
        ``"use node"`` files. Test files and other non-entry files nothing imports are
        not bundled, so Node-only imports in them are harmless."""
        if self.shaped.default_runtime is not None:
            return self.shaped.default_runtime
        seen: set[str] = set()
        queue = [f for f in self.files.values() if f.entry_point and not f.use_node]
        seen.update(f.path for f in queue)
        while queue:
            current = queue.pop()
            for imp in current.imports:
                if imp.type_only or not imp.source.startswith("."):
                    continue
                target = self.resolve_module(current, imp.source)
                if target is None or target.use_node or target.path in seen or target.path not in self.files:
                    continue
                seen.add(target.path)
                queue.append(target)
        self.shaped.default_runtime = seen
        return seen

    def default_runtime_imports(self) -> Iterator[tuple[FileFacts, ImportFact]]:
        """Value imports of the files to check (``files_to_check``) in the
        default-runtime bundle (see ``default_runtime_files``), one per import statement."""
        bundled = self.default_runtime_files()
        for facts in self.files_to_check():
            if facts.use_node or facts.path not in bundled:
                continue
            seen: set[int] = set()
            for imp in facts.imports:
                if imp.type_only or imp.span.start_byte in seen:
                    continue
                seen.add(imp.span.start_byte)
                yield facts, imp

    # -- helpers and auth ----------------------------------------------------------------

    def helper(self, facts: FileFacts, name: str) -> tuple[FileFacts, HelperFact] | None:
        """A module-level function called ``name`` as seen from ``facts``: defined there,
        or imported (relative imports, re-exports followed)."""
        if name in facts.helpers:
            return facts, facts.helpers[name]
        for imp in facts.imports:
            if imp.local == name and imp.imported not in (None, "*") and not imp.type_only:
                target = self.resolve_module(facts, imp.source)
                if target is None:
                    return None
                found = self.export_target(target, imp.imported)
                if found is None or found[0] == "generated":
                    return None
                target_facts, local = found
                helper = target_facts.helpers.get(local)
                return (target_facts, helper) if helper is not None else None
        return None

    def calls_check_auth(self, facts: FileFacts, calls: list[str], pattern=None, _seen: set | None = None) -> bool:
        """Whether any of ``calls`` (names called from code in ``facts``) is an access
        check: a name matching ``pattern`` (a compiled regex), or a project helper that
        calls ``ctx.auth.getUserIdentity()`` or such a name, transitively."""
        seen = _seen if _seen is not None else set()
        for name in calls:
            if pattern is not None and pattern.search(name):
                return True
            found = self.helper(facts, name)
            if found is None:
                continue
            hfacts, helper = found
            key = (hfacts.path, helper.name)
            if key in seen:
                continue
            seen.add(key)
            if helper.checks_auth or self.calls_check_auth(hfacts, helper.calls, pattern, seen):
                return True
        return False
