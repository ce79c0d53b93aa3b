"""Plain, serializable facts about one file, as the Convex project model records them.

Every fact holds only strings, numbers, booleans, lists, dicts, ``Span`` and other facts,
so a worker process can build them and a cache can store them (``to_plain``/``from_plain``).
Spans use the units documented in ``convexlint.diagnostics``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from convexlint.diagnostics import Span

FunctionKind = Literal["query", "mutation", "action", "httpAction"]
Visibility = Literal["public", "internal"]
CorsStatus = Literal["yes", "no", "unknown"]


@dataclass(slots=True)
class ImportFact:
    """One imported binding: ``import { imported as local } from "source"``.

    ``imported`` is ``"default"`` for default imports and ``"*"`` for namespace imports;
    ``local`` is None for side-effect imports (``import "x"``) and for re-exports
    (``export { a } from "./x"`` loads ``./x`` too). ``type_only``: ``import type``, or a
    relative import whose names are used only in types, which TypeScript and esbuild (the
    Convex bundler) drop.
    """

    source: str
    imported: str | None
    local: str | None
    type_only: bool
    span: Span  # the whole statement
    source_span: Span | None = None  # the module string (``"convex/server"``, quotes included)
    specifier_span: Span | None = None  # ``a as b`` inside ``{ }``; None for default, namespace and side-effect imports


@dataclass(slots=True)
class FunctionRefFact:
    """A function reference such as ``internal.messages.send``.

    ``root`` is ``"api"`` or ``"internal"`` (from ``_generated/api``, or unbound in the
    file), ``"components"``, ``"anyApi"`` (``convex/server``'s untyped reference by path,
    public or internal), or ``"other"`` for anything else; ``path`` is the dotted
    remainder (``["messages", "send"]``).
    """

    root: str
    path: list[str]
    span: Span
    #: The call that runs or schedules it, when it is that call's function argument:
    #: ``"ctx.scheduler.runAfter"``, ``"ctx.runMutation"`` (``read_api_refs``).
    passed_to: str | None = None

    @property
    def dotted(self) -> str:
        return ".".join([self.root, *self.path])


@dataclass(slots=True)
class ResponseFact:
    """One return path of an ``httpAction`` handler and whether it carries CORS headers."""

    span: Span
    cors: CorsStatus


@dataclass(slots=True)
class RegistrarRef:
    """What a registrar call's callee names, before project resolution.

    ``kind``: ``"builtin"`` (``name`` is ``query``/``internalMutation``/...), ``"local"``
    (a registrar defined in the same file, ``name`` its local binding), ``"import"``
    (``source``/``name`` of an import, resolved across files by the project), or
    ``"name"`` (a bare callee that only the user's ``registrars`` config can explain).
    """

    kind: str
    name: str
    source: str | None = None


@dataclass(slots=True)
class RegistrarDef:
    """A custom registrar: ``export const authedQuery = customQuery(query, customCtx(...))``.

    ``base`` is the registrar it wraps (first argument); ``checks_auth`` is True when the
    customization itself calls ``ctx.auth.getUserIdentity()`` or an access-control helper.
    """

    local: str
    export_names: list[str]
    base: RegistrarRef
    wrapper: str
    checks_auth: bool
    span: Span
    calls: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Event:
    """Something a handler (or helper) does, recorded for project-level rules.

    ``kind`` is one of ``db_read``, ``db_write``, ``db_access``, ``scheduler``,
    ``run_query``, ``run_mutation``, ``run_action``, ``auth``, ``access_call``,
    ``date_now``, ``new_date``, ``random``, ``fetch``, ``try``, ``throw_error``,
    ``sender_check`` (the handler verifies who sent the request: reads a webhook signature
    header, calls a signature verifier, or compares a value with a ``process.env`` secret
    before an early exit), and ``await`` for any other directly awaited call. An ``auth``
    event whose result is dropped has ``detail == "unused"``.
    ``detail`` is the method or callee name; ``ref`` the function reference of ``run_*``
    and ``scheduler`` events; ``awaited`` whether the call is directly awaited;
    ``in_all`` whether it sits inside ``Promise.all(...)``.
    """

    kind: str
    span: Span
    detail: str = ""
    ref: "FunctionRefFact | None" = None
    awaited: bool = False
    in_all: bool = False
    block: int = -1  # start byte of the innermost enclosing statement block


@dataclass(slots=True)
class HelperFact:
    """A module-level function (declaration or ``const f = (...) => ...``).

    ``calls`` lists the plain identifiers it calls (to follow auth checks transitively);
    ``checks_auth`` is True when it calls ``ctx.auth.getUserIdentity()`` directly.
    """

    name: str
    checks_auth: bool
    calls: list[str]


@dataclass(slots=True)
class TableRef:
    """A table name used in code: ``db.query("t")``, ``db.insert("t", …)``, ``v.id("t")``,
    ``db.get("t", id)``... ``kind`` is the method (``query``, ``insert``, ``id``, ...)."""

    table: str
    kind: str
    span: Span


@dataclass(slots=True)
class IndexRef:
    """``db.query("t").withIndex("name", q => q.eq("a", …).gte("b", …).lt("b", …))``.

    ``fields`` lists the fields the range expression names in order, one per bound (None
    when the range is not a static chain); ``ops`` the bound of each (``eq``, ``gt``,
    ``gte``, ``lt``, ``lte``, ``search``) and ``bound_spans`` each bound's field argument;
    ``search`` is True for ``withSearchIndex``.
    """

    table: str
    index: str
    fields: list[str] | None
    search: bool
    span: Span
    ops: list[str] = field(default_factory=list)
    bound_spans: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class FunctionFact:
    """One registered Convex function: ``export const name = registrar({...})``.

    ``syntax`` is ``"object"`` for ``{ args, returns, handler }``, ``"function"`` for the
    old ``registrar(async (ctx) => ...)`` form, ``"unknown"`` otherwise. ``has_args`` and
    ``has_returns`` are None when a spread or computed key makes the answer unknowable.
    ``responses`` is filled for ``httpAction`` handlers only.
    """

    kind: FunctionKind | None
    visibility: Visibility | None
    registrar: str
    local_name: str | None
    export_names: list[str]
    syntax: Literal["object", "function", "unknown"]
    has_args: bool | None
    has_returns: bool | None
    span: Span
    callee_span: Span
    args_span: Span | None = None
    returns_span: Span | None = None
    handler_span: Span | None = None
    responses: list[ResponseFact] = field(default_factory=list)
    registrar_ref: RegistrarRef | None = None
    custom_checks_auth: bool = False
    args_kind: str | None = None  # "object", "v.object", "v.any", "other:<callee>", "identifier", ...
    args_fields: dict[str, str] = field(default_factory=dict)
    args_field_spans: dict[str, Span] = field(default_factory=dict)
    returns_text: str | None = None
    handler_params: int | None = None  # number of handler parameters
    returns_value: bool | None = None  # some path returns a value other than undefined
    returns_non_null: bool | None = None  # some path returns something other than null/undefined
    always_throws: bool = False  # the handler has no return and ends in a throw (a stub)
    #: What every return path obviously returns, when each does: ``"boolean"``,
    #: ``"number"``, ``"string"``, ``"null"`` (also ``return;`` and falling off the end) or
    #: ``"id:<table>"`` (the result of ``ctx.db.insert("<table>", …)``), sorted; None
    #: when some path returns anything else. See ``extract.functions.obvious_returns``.
    obvious_returns: list[str] | None = None
    events: list[Event] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        if self.export_names:
            return self.export_names[0]
        return self.local_name or "<anonymous>"


@dataclass(slots=True)
class IndexFact:
    """An index of a table: ``kind`` is ``"db"``, ``"search"`` or ``"vector"``.

    ``fields`` lists the indexed fields in order (for search indexes the search field,
    for vector indexes the vector field); None when not statically known.
    """

    name: str | None
    kind: Literal["db", "search", "vector"]
    fields: list[str] | None
    filter_fields: list[str]
    staged: bool
    span: Span
    name_span: Span | None


@dataclass(slots=True)
class TableFact:
    """A table in ``defineSchema``. ``fields`` maps field names to their validator's source
    text, or is None when the document validator is not a static ``v.object``/object literal."""

    name: str
    span: Span
    name_span: Span
    fields: dict[str, str] | None
    indexes: list[IndexFact]
    indexes_complete: bool = True
    field_spans: dict[str, Span] = field(default_factory=dict)
    path: str = ""  # the file that defines it (a schema may spread tables from other files)


@dataclass(slots=True)
class SchemaFact:
    """The ``defineSchema(...)``/``defineEntSchema(...)`` call, or (in
    ``FileFacts.table_groups``) a module-level object of tables meant to be spread into
    one. ``dynamic`` is True when part of it is not static (a spread of something that is
    not a table object, a computed key, an unresolvable table); ``spreads`` lists
    ``(import source, imported name)`` of table objects spread from other modules, which
    the project resolves (``Project.schema``)."""

    tables: list[TableFact]
    dynamic: bool
    span: Span
    spreads: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class HandlerRef:
    """What a route's ``handler`` names.

    ``kind``: ``"function"`` (``function_index`` into the same file's functions),
    ``"import"`` (``import_source``/``import_name``, resolved by the project), or
    ``"unknown"``.
    """

    kind: Literal["function", "import", "unknown"]
    function_index: int | None = None
    import_source: str | None = None
    import_name: str | None = None


@dataclass(slots=True)
class RouteFact:
    """``router.route({ path | pathPrefix, method, handler })``."""

    method: str | None
    path: str | None
    path_prefix: str | None
    router: str
    cors_router: bool
    handler: HandlerRef
    span: Span
    has_path_key: bool = False
    has_prefix_key: bool = False
    handler_is_function: bool = False  # a plain function, not an httpAction
    router_at: int = -1  # start byte of the router's creation: two routers may share a name


@dataclass(slots=True)
class CronFact:
    """``crons.<method>(name, schedule, functionRef, args?)``."""

    method: str
    name: str | None
    ref: FunctionRefFact | None
    span: Span
    name_span: Span | None = None
    ref_span: Span | None = None  # the third argument, whatever it is
    schedule: dict[str, int] = field(default_factory=dict)  # static numeric fields
    schedule_span: Span | None = None
    cron_string: str | None = None
    has_ref_arg: bool = False


@dataclass(slots=True)
class FileFacts:
    """Everything the model knows about one file.

    ``module`` is the file's path inside its functions directory without the extension
    (``"lib/auth"``), the name ``api.lib.auth.*`` refers to; None outside a functions dir.
    """

    path: str
    functions_dir: str | None
    module: str | None
    is_server: bool
    entry_point: bool = False  # Convex bundles it as a function module (see parsing.is_entry_point)
    is_test: bool = False  # *.test.ts / *.spec.ts / __tests__/
    generated: bool = False  # its leading comment says it is generated ("auto-generated… do not edit")
    use_node: bool = False
    use_node_span: Span | None = None
    imports: list[ImportFact] = field(default_factory=list)
    exports: dict[str, list[str]] = field(default_factory=dict)
    functions: list[FunctionFact] = field(default_factory=list)
    schema: SchemaFact | None = None
    table_groups: dict[str, SchemaFact] = field(default_factory=dict)  # exported name -> tables
    routes: list[RouteFact] = field(default_factory=list)
    crons: list[CronFact] = field(default_factory=list)
    registrars: list[RegistrarDef] = field(default_factory=list)
    helpers: dict[str, HelperFact] = field(default_factory=dict)
    table_refs: list[TableRef] = field(default_factory=list)
    index_refs: list[IndexRef] = field(default_factory=list)
    #: ``withIndex``/``withSearchIndex`` calls whose index name is built at run time
    #: (`` `by_${f}` ``, ``"by_" + f``, a call): some index is used under a name no literal
    #: shows, so no index can be renamed with certainty.
    built_index_names: int = 0
    api_refs: list[FunctionRefFact] = field(default_factory=list)  # every api./internal. path
    reexports: list[tuple[str, str, str]] = field(default_factory=list)  # (source, imported, exported)
    aliases: dict[str, str] = field(default_factory=dict)  # module-level `const a = b`: a -> b
    schema_uses: list[tuple[str, Span]] = field(default_factory=list)  # (import source, module-level use)
    process_env: list[Span] = field(default_factory=list)
    #: Client code: paths it requests from the deployment's site URL (``/api/chat``; a
    #: trailing ``*`` marks a prefix followed by a dynamic part). See ``read_site_requests``.
    site_requests: list[str] = field(default_factory=list)
    #: Server code: names whose values it uses as document ids (or as text), with the
    #: table the use names or ``""``, the use's byte offset and its kind
    #: (``ctx.db.get(args.userId)`` -> ``("userId", "", 812, "value")``). See ``extract.ids``.
    id_uses: list[tuple[str, str, int, str]] = field(default_factory=list)
