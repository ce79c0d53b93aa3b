"""Plain, serializable facts about one file, as the Convex project model records them.

Every fact holds only strings, numbers, booleans, lists, dicts, ``Span`` and other facts,
so a worker process can build them and a cache can store them (``to_plain``/``from_plain``).
Spans use the units documented in ``convexlint.diagnostics``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from convexlint.diagnostics import Span

FunctionKind = Literal["query", "mutation", "action", "httpAction"]
Visibility = Literal["public", "internal"]
CorsStatus = Literal["yes", "no", "unknown"]


@dataclass(slots=True)
class ImportFact:
    """One imported binding: ``import { imported as local } from "source"``.

    ``imported`` is ``"default"`` for default imports and ``"*"`` for namespace imports;
    ``local`` is None for side-effect imports (``import "x"``).
    """

    source: str
    imported: str | None
    local: str | None
    type_only: bool
    span: Span


@dataclass(slots=True)
class FunctionRefFact:
    """A function reference such as ``internal.messages.send``.

    ``root`` is ``"api"`` or ``"internal"`` (from ``_generated/api``, or unbound in the
    file), ``"components"``, or ``"other"`` for anything else; ``path`` is the dotted
    remainder (``["messages", "send"]``).
    """

    root: str
    path: list[str]
    span: Span

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
    ``date_now``, ``new_date``, ``random``, ``fetch``, ``try``, ``throw_error``, and
    ``await`` for any other directly awaited call.
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
    """``db.query("t").withIndex("name", q => q.eq("a", …).eq("b", …))``.

    ``fields`` lists the fields the range expression names in order (None when the
    range is not a static chain); ``search`` is True for ``withSearchIndex``.
    """

    table: str
    index: str
    fields: list[str] | None
    search: bool
    span: Span


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


@dataclass(slots=True)
class SchemaFact:
    """The ``defineSchema(...)`` call. ``dynamic`` is True when part of it is not static
    (a spread such as ``...authTables``, a computed key, an unresolvable table)."""

    tables: list[TableFact]
    dynamic: bool
    span: Span


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
    use_node: bool = False
    use_node_span: Span | None = None
    imports: list[ImportFact] = field(default_factory=list)
    exports: dict[str, list[str]] = field(default_factory=dict)
    functions: list[FunctionFact] = field(default_factory=list)
    schema: SchemaFact | None = None
    routes: list[RouteFact] = field(default_factory=list)
    crons: list[CronFact] = field(default_factory=list)
    registrars: list[RegistrarDef] = field(default_factory=list)
    helpers: dict[str, HelperFact] = field(default_factory=dict)
    table_refs: list[TableRef] = field(default_factory=list)
    index_refs: list[IndexRef] = field(default_factory=list)
    api_refs: list[FunctionRefFact] = field(default_factory=list)  # every api./internal. path
    reexports: list[tuple[str, str, str]] = field(default_factory=list)  # (source, imported, exported)
    schema_uses: list[tuple[str, Span]] = field(default_factory=list)  # (import source, module-level use)
    process_env: list[Span] = field(default_factory=list)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def to_plain(value: Any) -> Any:
    """A fact (or list/dict of facts) -> JSON-compatible data. Spans become compact
    ``[start_byte, end_byte, start_line, start_col, end_line, end_col]`` lists."""
    kind = type(value)
    if kind is Span:
        return [value.start_byte, value.end_byte, value.start_line, value.start_col, value.end_line, value.end_col]
    if kind in (str, int, bool, float) or value is None:
        return value
    if kind in (list, tuple, set):
        return [to_plain(v) for v in value]
    if kind is dict:
        return {k: to_plain(v) for k, v in value.items()}
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value):
            return value
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    return {name: to_plain(getattr(value, name)) for name in names}


def from_plain(cls: Any, data: Any) -> Any:
    """The inverse of ``to_plain`` for the fact types (and ``Diagnostic``/``Suppression``).

    Raises ``TypeError``/``KeyError``/``ValueError`` on data that does not fit, which the
    cache treats as a miss. Decoders are built once per type (the cache decodes thousands
    of facts per run).
    """
    return _decoder(cls)(data)


_DECODERS: dict[Any, Any] = {}


def _identity(data: Any) -> Any:
    return data


def _decoder(cls: Any):
    try:
        return _DECODERS[cls]
    except (KeyError, TypeError):
        pass
    decoder = _build_decoder(cls)
    try:
        _DECODERS[cls] = decoder
    except TypeError:
        pass
    return decoder


def _build_decoder(cls: Any):
    import types
    import typing

    origin = typing.get_origin(cls)
    if cls is Any or cls is None or cls is type(None) or origin is Literal:
        return _identity
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(cls) if a is not type(None)]
        inner = _decoder(args[0])
        return lambda data: None if data is None else inner(data)
    if origin is tuple:
        args = typing.get_args(cls)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])

            def homogeneous(data):
                if not isinstance(data, list):
                    raise TypeError("expected a list")
                return tuple(item(v) for v in data)

            return homogeneous
        items = [_decoder(a) for a in args]

        def fixed(data):
            if not isinstance(data, list) or len(data) != len(items):
                raise TypeError("expected a list of fixed length")
            return tuple(d(v) for d, v in zip(items, data))

        return fixed
    if origin in (list, set):
        (arg,) = typing.get_args(cls)[:1] or (Any,)
        item = _decoder(arg)
        make = origin

        def sequence(data):
            if not isinstance(data, list):
                raise TypeError("expected a list")
            return make([item(v) for v in data]) if item is not _identity else make(data)

        return sequence
    if origin is dict:
        _k, v_type = typing.get_args(cls)
        value = _decoder(v_type)

        def mapping(data):
            if not isinstance(data, dict):
                raise TypeError("expected a dict")
            return {k: value(v) for k, v in data.items()} if value is not _identity else dict(data)

        return mapping
    if cls is Span:

        def span(data):
            if not isinstance(data, list) or len(data) != 6:
                raise TypeError("expected a span")
            return Span(*data)

        return span
    if dataclasses.is_dataclass(cls):
        hints = _hints(cls)
        fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls) if f.init]

        def record(data):
            if not isinstance(data, dict):
                raise TypeError(f"expected an object for {cls.__name__}")
            return cls(**{name: decode(data[name]) for name, decode in fields})

        return record
    if isinstance(cls, type) and issubclass(cls, int):
        return lambda data: cls(data)
    return _identity


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        import sys
        import typing

        hints = _HINTS[cls] = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    return hints
