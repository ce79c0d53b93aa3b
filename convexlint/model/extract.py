"""Build ``FileFacts`` for one parsed file.

The collector takes part in the engine's single pass: the engine hands it every
``call_expression`` node the combined query found (``on_call``), and ``finish`` resolves
them against the file's imports and bindings. Nothing here walks the tree per fact.
Sources: Convex's ``convex/server`` API (registrars, ``defineSchema``/``defineTable``,
``httpRouter``, ``cronJobs``) and convex-helpers' ``corsRouter``.
"""

from __future__ import annotations

import bisect
import re

from tree_sitter import Node

from convexlint.model import cors
from convexlint.model.facts import (
    CronFact,
    Event,
    FileFacts,
    FunctionFact,
    FunctionRefFact,
    HandlerRef,
    HelperFact,
    ImportFact,
    IndexFact,
    IndexRef,
    RegistrarDef,
    RegistrarRef,
    ResponseFact,
    RouteFact,
    SchemaFact,
    TableFact,
    TableRef,
)
from convexlint.parsing import SourceFile
from convexlint.syntax import (
    _MEMO,
    FUNCTION_TYPES,
    call_arguments,
    callee_method,
    is_function,
    member_path,
    object_properties,
    property_key,
    resolve_binding,
    resolve_value,
    return_expressions,
    static_string_value,
    text,
    unwrap,
)

#: Built-in registrar names -> (kind, visibility).
REGISTRARS: dict[str, tuple[str, str]] = {
    "query": ("query", "public"),
    "mutation": ("mutation", "public"),
    "action": ("action", "public"),
    "internalQuery": ("query", "internal"),
    "internalMutation": ("mutation", "internal"),
    "internalAction": ("action", "internal"),
    "httpAction": ("httpAction", "public"),
}
#: ``convex/server`` exports the same registrars with a ``Generic`` suffix.
GENERIC_REGISTRARS = {name + "Generic": value for name, value in REGISTRARS.items()}

_GENERATED_SERVER = re.compile(r"(^|/)_generated/server(\.js|\.ts)?$")
_GENERATED_API = re.compile(r"(^|/)_generated/api(\.js|\.ts)?$")
CRON_METHODS = frozenset({"interval", "cron", "hourly", "daily", "weekly", "monthly"})
REFERENCE_ROOTS = ("api", "internal", "components")
DB_WRITES = frozenset({"insert", "patch", "replace", "delete"})
DB_READS = frozenset({"get", "query", "normalizeId"})
RUN_KINDS = {"runQuery": "run_query", "runMutation": "run_mutation", "runAction": "run_action"}
#: Node types, besides ``call_expression`` and ``comment``, the collector needs.
EVENT_NODE_TYPES = ("try_statement", "throw_statement", "new_expression")


def _module_imports(source: SourceFile) -> dict[str, str]:
    """Local name -> module specifier for the file's value imports (memoized per file)."""
    key = ("imports", 0)
    cached = _MEMO.get(key)
    if cached is None:
        cached = {}
        for stmt in source.root.named_children:
            if stmt.type != "import_statement" or any(c.type == "type" for c in stmt.children):
                continue
            src = static_string_value(stmt.child_by_field_name("source"))
            clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
            if src is None or clause is None:
                continue
            for n in clause.named_children:
                if n.type == "identifier":
                    cached[text(n)] = src
                elif n.type == "named_imports":
                    for spec in n.named_children:
                        if spec.type == "import_specifier":
                            local = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                            if local is not None:
                                cached[text(local)] = src
        _MEMO[key] = cached
    return cached  # type: ignore[return-value]


def is_generated_server(source: str) -> bool:
    return bool(_GENERATED_SERVER.search(source))


def is_generated_api(source: str) -> bool:
    return bool(_GENERATED_API.search(source))


def registrar_for_import(source: str, imported: str) -> tuple[str, str] | None:
    """The (kind, visibility) of ``import { imported } from source``, if it is a registrar."""
    if is_generated_server(source):
        return REGISTRARS.get(imported)
    if source == "convex/server":
        return GENERIC_REGISTRARS.get(imported) or REGISTRARS.get(imported)
    return None


def function_reference(node: Node | None, source: SourceFile) -> FunctionRefFact | None:
    """Parse ``api.a.b`` / ``internal.a.b`` / ``components.x.y`` into a FunctionRefFact.

    ``api``/``internal``/``components`` count only when imported from ``_generated/api``
    or not bound in the file at all (snippets often omit the import); a local variable of
    that name is ``"other"``. Anything that is not a static member path gives None.
    """
    if node is None:
        return None
    key = ("ref", node.id)  # the collector and several rules ask about the same arguments
    if key in _MEMO:
        return _MEMO[key]  # type: ignore[return-value]
    result = _MEMO[key] = _function_reference(node, source)
    return result


def _function_reference(node: Node | None, source: SourceFile) -> FunctionRefFact | None:
    node = unwrap(node)
    parts = member_path(node)
    if node is None or not parts or len(parts) < 2:
        return None
    root = parts[0]
    kind = "other"
    if root in REFERENCE_ROOTS:
        imported = _module_imports(source).get(root)
        if imported is not None:
            # Imported at module level (a local shadowing it is too rare to pay for).
            kind = root if is_generated_api(imported) else "other"
        elif resolve_binding(root, node) is None:
            kind = root
    return FunctionRefFact(root=kind, path=parts[1:], span=source.node_span(node))


class FactCollector:
    """Collects one file's facts during the engine's pass; call ``finish`` once at the end."""

    def __init__(self, source: SourceFile, *, functions_dir: str | None, module: str | None, is_server: bool):
        self.source = source
        self.facts = FileFacts(
            path=source.path,
            functions_dir=functions_dir,
            module=module,
            is_server=is_server,
            entry_point=is_server and module is not None and is_entry_point(module + "." + source.path.rsplit(".", 1)[-1]),
            is_test=is_test_file(source.path),
        )
        self._calls: list[Node] = []
        self._call_index: dict[str, list[Node]] | None = None
        self._arg_members: list[Node] = []  # member expressions passed as arguments
        self._others: list[Node] = []  # try/throw/new nodes, in document order
        self._pending_handlers: list[tuple[int, Node | None]] = []  # (route index, handler node)

    def on_call(self, node: Node) -> None:
        """Calls must arrive in document order (the engine sorts them)."""
        self._calls.append(node)

    def set_call_index(self, index: dict[str, list[Node]]) -> None:
        """Calls grouped by callee name (see ``index_calls``), when the engine has it."""
        self._call_index = index

    def on_arg_member(self, node: Node) -> None:
        """A member expression passed as a call argument (a possible ``api.x.y``)."""
        self._arg_members.append(node)

    def on_node(self, node: Node) -> None:
        """``try``/``throw``/``new`` nodes, in document order."""
        self._others.append(node)

    # -- finishing ---------------------------------------------------------------------

    def finish(self) -> FileFacts:
        root = self.source.root
        self._read_module_level(root)
        if not self.facts.is_server:
            # Code outside the functions dir: which functions it calls, and its helpers
            # (server code may import an access check from ../lib).
            self._call_starts = [c.start_byte for c in self._calls]
            self._read_helpers(root)
            self._read_api_refs()
            return self.facts
        self._call_starts = [c.start_byte for c in self._calls]
        self._other_starts = [n.start_byte for n in self._others]
        registrar_locals, namespaces = self._registrar_names()
        imported = self._named_value_imports()
        self._read_registrar_defs(registrar_locals, imported)
        for d in self.facts.registrars:
            registrar_locals.setdefault(d.local, (RegistrarRef("local", d.local), None, None))
        function_index: dict[int, int] = {}  # call node id -> index in facts.functions
        index = self._call_index if self._call_index is not None else index_calls(self._calls)

        def named(names, *, member: bool | None = None):
            for name in names:
                for call in index.get(name, ()):
                    fn = call.child_by_field_name("function")
                    if member is None or (fn.type == "member_expression") == member:
                        yield call, fn

        work: list[tuple[int, str, Node, Node]] = []  # (position, what, call, callee)
        work += [(c.start_byte, "registrar", c, f) for c, f in named(list(registrar_locals) + ["defineSchema"], member=False)]
        work += [(c.start_byte, "custom", c, f) for c, f in self._module_level_candidates(registrar_locals)]
        member_names = ["route", *CRON_METHODS, *(REGISTRARS if namespaces else ()), *(GENERIC_REGISTRARS if namespaces else ())]
        work += [(c.start_byte, "member", c, f) for c, f in named(member_names, member=True)]
        work.sort(key=lambda w: w[0])
        seen: set[int] = set()
        for _pos, what, call, fn in work:
            if call.id in seen:
                continue
            seen.add(call.id)
            if what == "registrar":
                name = text(fn)
                if name == "defineSchema" and name not in registrar_locals:
                    if self.facts.schema is None:
                        self.facts.schema = self._schema(call)
                    continue
                ref, kind, visibility = registrar_locals[name]
                if ref.kind != "builtin" and not _looks_registered(call, allow_function=True):
                    continue  # a custom wrapper with its own shape (e.g. migration({ table, migrateOne }))
                function_index[call.id] = self._add_function(call, fn, name, kind, visibility, ref)
            elif what == "custom":
                name = text(fn)
                imp = imported.get(name)
                if imp is not None:
                    ref = RegistrarRef("import", imp.imported, imp.source)
                elif resolve_binding(name, fn) is None:
                    ref = RegistrarRef("name", name)  # only config can explain it
                else:
                    continue
                function_index[call.id] = self._add_function(call, fn, name, None, None, ref)
            else:
                method, recv = callee_method(call)
                recv_u = unwrap(recv)
                if recv_u is not None and recv_u.type == "identifier" and text(recv_u) in namespaces:
                    found = REGISTRARS.get(method) or GENERIC_REGISTRARS.get(method)
                    if found is not None:
                        ref = RegistrarRef("builtin", method)
                        function_index[call.id] = self._add_function(call, fn, method, *found, ref)
                        continue
                if method == "route":
                    self._maybe_route(call, recv_u)
                elif method in CRON_METHODS:
                    self._maybe_cron(call, method, recv_u)
        self._read_all_references(index)
        self._link_route_handlers(function_index)
        self._read_helpers(root)
        self._read_schema_uses(root)
        self._read_process_env(root)
        return self.facts

    def _read_module_level(self, root: Node) -> None:
        facts = self.facts
        in_prologue = True
        for child in root.named_children:
            if child.type == "comment":
                continue
            if in_prologue and child.type == "expression_statement":
                value = static_string_value(child.named_children[0]) if child.named_children else None
                if value is not None:
                    if value == "use node":
                        facts.use_node = True
                        facts.use_node_span = self.source.node_span(child)
                    continue
            in_prologue = False
            if child.type == "import_statement":
                self._read_import(child)
            elif child.type == "export_statement":
                self._read_export(child)

    def _read_import(self, stmt: Node) -> None:
        src = static_string_value(stmt.child_by_field_name("source"))
        if src is None:
            return
        span = self.source.node_span(stmt)
        stmt_type_only = any(c.type == "type" for c in stmt.children)
        clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
        if clause is None:
            self.facts.imports.append(ImportFact(src, None, None, stmt_type_only, span))
            return
        for part in clause.named_children:
            if part.type == "identifier":
                self.facts.imports.append(ImportFact(src, "default", text(part), stmt_type_only, span))
            elif part.type == "namespace_import":
                ident = next((c for c in part.named_children if c.type == "identifier"), None)
                if ident is not None:
                    self.facts.imports.append(ImportFact(src, "*", text(ident), stmt_type_only, span))
            elif part.type == "named_imports":
                for spec in part.named_children:
                    if spec.type != "import_specifier":
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    type_only = stmt_type_only or any(c.type == "type" for c in spec.children)
                    imported = static_string_value(name) if name is not None and name.type == "string" else text(name)
                    self.facts.imports.append(ImportFact(src, imported, text(alias), type_only, span))

    def _read_export(self, stmt: Node) -> None:
        exports = self.facts.exports
        decl = stmt.child_by_field_name("declaration")
        if decl is not None:
            if decl.type in ("lexical_declaration", "variable_declaration"):
                for d in decl.named_children:
                    name = d.child_by_field_name("name") if d.type == "variable_declarator" else None
                    if name is not None and name.type == "identifier":
                        exports.setdefault(text(name), []).append(text(name))
            else:
                name = decl.child_by_field_name("name")
                if name is not None:
                    is_default = any(c.type == "default" for c in stmt.children)
                    exports.setdefault(text(name), []).append("default" if is_default else text(name))
            return
        source = stmt.child_by_field_name("source")
        if source is not None:
            src = static_string_value(source)
            clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
            if src is not None and clause is not None:
                for spec in clause.named_children:
                    if spec.type == "export_specifier":
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None:
                            self.facts.reexports.append((src, text(name), text(alias)))
            elif src is not None:
                self.facts.reexports.append((src, "*", "*"))
            return
        value = stmt.child_by_field_name("value")
        if value is not None:
            value = unwrap(value)
            if value is not None and value.type == "identifier":
                exports.setdefault(text(value), []).append("default")
            return
        clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
        if clause is None:
            return
        for spec in clause.named_children:
            if spec.type != "export_specifier":
                continue
            name = spec.child_by_field_name("name")
            alias = spec.child_by_field_name("alias") or name
            if name is not None:
                exports.setdefault(text(name), []).append(text(alias))

    def _registrar_names(self) -> tuple[dict[str, tuple[RegistrarRef, str | None, str | None]], set[str]]:
        """Local names that are built-in registrars -> (ref, kind, visibility); and the
        local names of namespace imports of ``_generated/server`` / ``convex/server``."""
        locals_: dict[str, tuple[RegistrarRef, str | None, str | None]] = {}
        namespaces: set[str] = set()
        for imp in self.facts.imports:
            if imp.local is None or imp.type_only:
                continue
            if imp.imported == "*" and (is_generated_server(imp.source) or imp.source == "convex/server"):
                namespaces.add(imp.local)
                continue
            if imp.imported is None:
                continue
            found = registrar_for_import(imp.source, imp.imported)
            if found is not None:
                locals_[imp.local] = (RegistrarRef("builtin", imp.imported), *found)
        if locals_:
            # Follow simple module-level aliases: ``const myQuery = query;``.
            for _name_node, name, value in self._module_declarators():
                if value is not None and value.type == "identifier" and text(value) in locals_:
                    locals_[name] = locals_[text(value)]
        return locals_, namespaces

    def _named_value_imports(self) -> dict[str, ImportFact]:
        """Local name -> named or default value import (not namespace or type-only)."""
        return {
            imp.local: imp
            for imp in self.facts.imports
            if imp.local and not imp.type_only and imp.imported not in (None, "*")
        }

    def _module_declarators(self):
        """``(name_node, name, unwrapped value)`` of every module-level ``const``/``let``."""
        for child in self.source.root.named_children:
            decl = child.child_by_field_name("declaration") if child.type == "export_statement" else child
            if decl is None or decl.type not in ("lexical_declaration", "variable_declaration"):
                continue
            for d in decl.named_children:
                if d.type != "variable_declarator":
                    continue
                name = d.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    yield name, text(name), unwrap(d.child_by_field_name("value"))

    def _read_registrar_defs(self, builtins: dict, imported: dict[str, ImportFact]) -> None:
        """Module-level ``const X = wrapper(<registrar>, ...)`` (customQuery, zCustomMutation,
        or any wrapper whose first argument is a registrar) become ``RegistrarDef``s."""
        local_defs: set[str] = set()
        for name_node, name, value in self._module_declarators():
            if value is None or value.type != "call_expression":
                continue
            fn = value.child_by_field_name("function")
            args = call_arguments(value)
            if fn is None or fn.type != "identifier" or not args:
                continue
            base_node = unwrap(args[0])
            if base_node is None or base_node.type != "identifier":
                continue
            base_name = text(base_node)
            if base_name in builtins:
                base = builtins[base_name][0]
            elif base_name in local_defs:
                base = RegistrarRef("local", base_name)
            elif base_name in imported and not imported[base_name].source.startswith(("convex/", "convex-helpers")):
                imp = imported[base_name]
                base = RegistrarRef("import", imp.imported, imp.source)
            else:
                continue
            calls, checks = self._calls_in(value.start_byte, value.end_byte)
            self.facts.registrars.append(
                RegistrarDef(
                    local=name,
                    export_names=list(self.facts.exports.get(name, [])),
                    base=base,
                    wrapper=text(fn),
                    checks_auth=checks,
                    span=self.source.node_span(name_node),
                    calls=calls,
                )
            )
            local_defs.add(name)

    def _binding_of(self, call: Node) -> tuple[str | None, list[str]]:
        """The local name a registrar call is bound to and the names it is exported under."""
        node = call
        while node.parent is not None and node.parent.type in (
            "parenthesized_expression",
            "as_expression",
            "satisfies_expression",
            "non_null_expression",
        ):
            node = node.parent
        parent = node.parent
        if parent is None:
            return None, []
        if parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            if name is None or name.type != "identifier":
                return None, []
            local = text(name)
            return local, list(self.facts.exports.get(local, []))
        if parent.type == "export_statement":
            return None, ["default"]
        return None, []

    def _add_function(
        self, call: Node, callee: Node, registrar: str, kind: str | None, visibility: str | None, ref: RegistrarRef
    ) -> int:
        src = self.source
        local, exported = self._binding_of(call)
        args = call_arguments(call)
        first = unwrap(args[0]) if args else None
        syntax = "unknown"
        has_args = has_returns = None
        args_span = returns_span = None
        handler: Node | None = None
        args_kind = None
        args_fields: dict[str, str] = {}
        args_field_nodes: dict = {}
        returns_text = None
        if first is not None and first.type == "object":
            syntax = "object"
            props, unknown = object_properties(first)
            has_args = True if "args" in props else (None if unknown else False)
            has_returns = True if "returns" in props else (None if unknown else False)
            if "args" in props:
                args_span = src.node_span(props["args"])
                args_kind, args_fields, args_field_nodes = _validator_shape(props["args"])
            if "returns" in props:
                returns_span = src.node_span(props["returns"])
                returns_text = text(unwrap(props["returns"]))
            if "handler" in props:
                handler = props["handler"]
        elif first is not None and (is_function(first) or first.type == "identifier"):
            syntax = "function" if is_function(first) else "unknown"
            handler = first
        fact = FunctionFact(
            kind=kind,
            visibility=visibility,
            registrar=registrar,
            local_name=local,
            export_names=exported,
            syntax=syntax,
            has_args=has_args,
            has_returns=has_returns,
            span=src.node_span(call),
            callee_span=src.node_span(callee),
            args_span=args_span,
            returns_span=returns_span,
            registrar_ref=ref,
            args_kind=args_kind,
            args_fields=args_fields,
            returns_text=returns_text,
        )
        if args_kind in ("object", "v.object"):
            fact.args_field_spans = {k: src.node_span(v) for k, v in args_field_nodes.items()}
        fn = None
        if handler is not None:
            fact.handler_span = src.node_span(handler)
            fn = handler if handler.type == "method_definition" or is_function(handler) else resolve_value(handler)
        if fn is not None and (is_function(fn) or fn.type == "method_definition"):
            params = fn.child_by_field_name("parameters")
            if params is not None:
                fact.handler_params = sum(1 for p in params.named_children if p.type != "comment")
            elif fn.child_by_field_name("parameter") is not None:
                fact.handler_params = 1
            values = [unwrap(v) for _, v in return_expressions(fn)]
            fact.returns_value = any(v is not None and not _is_undefined(v) for v in values)
            fact.returns_non_null = any(v is not None and v.type in _DEFINITE_VALUES for v in values)
            fact.events = self._events_in(fn)
            fact.calls, _ = self._calls_in(fn.start_byte, fn.end_byte)
            if kind == "httpAction":
                fact.responses = [ResponseFact(src.node_span(e), st) for e, st in cors.handler_responses(fn)]
        self.facts.functions.append(fact)
        return len(self.facts.functions) - 1

    # -- events, helpers, references ---------------------------------------------------

    def _slice(self, starts: list[int], nodes: list[Node], start: int, end: int) -> list[Node]:
        i = bisect.bisect_left(starts, start)
        j = bisect.bisect_left(starts, end)
        return nodes[i:j]

    def _calls_in(self, start: int, end: int) -> tuple[list[str], bool]:
        """Names called between two byte offsets, and whether ``ctx.auth.getUserIdentity()``
        is among the calls."""
        names: list[str] = []
        seen: set[str] = set()
        auth = False
        for call in self._slice(self._call_starts, self._calls, start, end):
            fn = call.child_by_field_name("function")
            if fn is None:
                continue
            if fn.type == "identifier":
                name = text(fn)
            elif fn.type == "member_expression":
                prop = fn.child_by_field_name("property")
                name = text(prop) if prop is not None else ""
                if name == "getUserIdentity":
                    obj = unwrap(fn.child_by_field_name("object"))
                    if obj is not None and obj.type == "member_expression" and text(obj.child_by_field_name("property")) == "auth":
                        auth = True
            else:
                continue
            if name and name not in seen:
                seen.add(name)
                names.append(name)
        return names, auth

    def _events_in(self, fn: Node) -> list[Event]:
        src = self.source
        events: list[Event] = []
        may_use_promise = "Promise" in src.text  # skips a walk up from every call in most files
        for call in self._slice(self._call_starts, self._calls, fn.start_byte, fn.end_byte):
            callee = call.child_by_field_name("function")
            path = member_path(callee) if callee is not None else None
            if not path:
                continue
            kind = None
            detail = path[-1]
            ref = None
            args = None
            if len(path) >= 2 and (path[-2] == "db" or (path[-2] == "system" and len(path) >= 3 and path[-3] == "db")):
                kind = "db_write" if detail in DB_WRITES else ("db_read" if detail in DB_READS else "db_access")
            elif len(path) >= 2 and path[-2] == "scheduler":
                kind = "scheduler"
                args = call_arguments(call)
                if detail in ("runAfter", "runAt") and len(args) > 1:
                    ref = function_reference(args[1], src)
            elif len(path) >= 2 and detail in RUN_KINDS:
                kind = RUN_KINDS[detail]
                args = call_arguments(call)
                ref = function_reference(args[0], src) if args else None
            elif path[-2:] == ["auth", "getUserIdentity"]:
                kind = "auth"
            elif path == ["Date", "now"]:
                kind = "date_now"
            elif path == ["Math", "random"]:
                kind = "random"
            elif path == ["fetch"]:
                kind = "fetch"
            if kind is None:
                if _is_awaited(call):
                    events.append(Event("await", src.node_span(call), detail, awaited=True))
                continue
            events.append(
                Event(
                    kind,
                    src.node_span(call),
                    detail,
                    ref,
                    awaited=_is_awaited(call),
                    in_all=may_use_promise and _in_promise_all(call, fn),
                    block=_enclosing_block(call),
                )
            )
        for node in self._slice(self._other_starts, self._others, fn.start_byte, fn.end_byte):
            if node.type == "try_statement" and node.child_by_field_name("handler") is not None:
                events.append(Event("try", src.span(node.start_byte, node.start_byte + 3), "try"))
            elif node.type == "throw_statement":
                value = unwrap(next((c for c in node.named_children if c.type != "comment"), None))
                if value is not None and value.type == "new_expression" and text(value.child_by_field_name("constructor")) == "Error":
                    events.append(Event("throw_error", src.node_span(value), "Error"))
            elif node.type == "new_expression":
                ctor = node.child_by_field_name("constructor")
                if ctor is not None and text(ctor) == "Date" and not call_arguments(node):
                    events.append(Event("new_date", src.node_span(node), "Date"))
        events.sort(key=lambda e: e.span.start_byte)
        return events

    def _read_helpers(self, root: Node) -> None:
        """Module-level functions, for following auth checks through helpers."""
        for child in root.named_children:
            decl = child.child_by_field_name("declaration") if child.type == "export_statement" else child
            if decl is None:
                continue
            candidates: list[tuple[str, Node]] = []
            if decl.type in ("function_declaration", "generator_function_declaration"):
                name = decl.child_by_field_name("name")
                if name is not None:
                    candidates.append((text(name), decl))
            elif decl.type in ("lexical_declaration", "variable_declaration"):
                for d in decl.named_children:
                    if d.type != "variable_declarator":
                        continue
                    name, value = d.child_by_field_name("name"), unwrap(d.child_by_field_name("value"))
                    if name is not None and name.type == "identifier" and is_function(value):
                        candidates.append((text(name), value))
            for name, fn in candidates:
                calls, auth = self._calls_in(fn.start_byte, fn.end_byte)
                self.facts.helpers[name] = HelperFact(name=name, checks_auth=auth, calls=calls)

    def _read_all_references(self, index: dict[str, list[Node]]) -> None:
        """Table, index and function references (only the calls that can hold them)."""
        for name in ("query", "insert", "get", "patch", "replace", "delete", "id", "withIndex", "withSearchIndex"):
            for call in index.get(name, ()):
                fn = call.child_by_field_name("function")
                if fn is not None and fn.type == "member_expression":
                    self._read_references(call, fn)
        self.facts.table_refs.sort(key=lambda r: r.span.start_byte)
        self.facts.index_refs.sort(key=lambda r: r.span.start_byte)
        self._read_api_refs()

    def _read_api_refs(self) -> None:
        for arg in self._arg_members:
            ref = function_reference(arg, self.source)
            if ref is not None and ref.root in ("api", "internal"):
                self.facts.api_refs.append(ref)

    def _module_level_candidates(self, known: dict) -> list[tuple[Node, Node]]:
        """Module-level ``const x = name({ handler })`` / ``export default name({...})``
        calls through a callee that is not a known registrar: imported custom registrars
        and names only the ``registrars`` config can explain."""
        out = []
        for child in self.source.root.named_children:
            values = []
            target = child
            if child.type == "export_statement":
                value = child.child_by_field_name("value")
                if value is not None:
                    values.append(value)
                target = child.child_by_field_name("declaration")
            if target is not None and target.type in ("lexical_declaration", "variable_declaration"):
                values += [d.child_by_field_name("value") for d in target.named_children if d.type == "variable_declarator"]
            for value in values:
                call = unwrap(value)
                if call is None or call.type != "call_expression":
                    continue
                fn = call.child_by_field_name("function")
                if fn is not None and fn.type == "identifier" and text(fn) not in known and _looks_registered(call):
                    out.append((call, fn))
        return out

    def _read_references(self, call: Node, fn: Node) -> None:
        """Table and index references one call makes."""
        src = self.source
        path = member_path(fn)
        if path and len(path) >= 2:
            method = path[-1]
            is_db = path[-2] == "db" or (path[-2] == "system" and len(path) >= 3 and path[-3] == "db")
            if is_db and method in ("query", "insert", "get", "patch", "replace", "delete"):
                args = call_arguments(call)
                table = static_string_value(args[0]) if args else None
                explicit = method in ("query", "insert") or (
                    len(args) >= (2 if method in ("get", "delete") else 3)
                )
                if table is not None and explicit and not table.startswith("_"):
                    self.facts.table_refs.append(TableRef(table, method, src.node_span(args[0])))
            elif path == ["v", "id"]:
                args = call_arguments(call)
                table = static_string_value(args[0]) if args else None
                if table is not None and not table.startswith("_"):
                    self.facts.table_refs.append(TableRef(table, "id", src.node_span(args[0])))
        else:
            method, _recv = callee_method(call)
            if method in ("withIndex", "withSearchIndex"):
                self._read_index_ref(call, method == "withSearchIndex")

    def _read_index_ref(self, call: Node, search: bool) -> None:
        _method, recv = callee_method(call)
        recv = resolve_value(recv)
        if recv is None or recv.type != "call_expression":
            return
        rmethod, rrecv = callee_method(recv)
        rpath = member_path(rrecv) if rrecv is not None else None
        if rmethod != "query" or not rpath or rpath[-1] != "db":
            return
        qargs = call_arguments(recv)
        table = static_string_value(qargs[0]) if qargs else None
        args = call_arguments(call)
        index = static_string_value(args[0]) if args else None
        if table is None or index is None:
            return
        fields: list[str] | None = []
        if len(args) > 1:
            fields = _range_fields(unwrap(args[1]), search)
        self.facts.index_refs.append(IndexRef(table, index, fields, search, self.source.node_span(args[0])))

    def _read_schema_uses(self, root: Node) -> None:
        """Module-level (evaluation-time) uses of a binding imported from ``./schema``."""
        sources = {
            imp.local: imp.source
            for imp in self.facts.imports
            if imp.local and not imp.type_only and re.search(r"(^|/)schema(\.js|\.ts)?$", imp.source) and imp.source.startswith(".")
        }
        names = set(sources)
        if not names or self.facts.module == "schema":
            return
        for child in root.named_children:
            if child.type in ("import_statement", "function_declaration", "comment", "interface_declaration", "type_alias_declaration"):
                continue
            stack = [child]
            while stack:
                n = stack.pop()
                if n.type in FUNCTION_TYPES or n.type in ("type_annotation", "type_arguments", "type_query"):
                    continue
                if n.type == "identifier" and text(n) in names:
                    self.facts.schema_uses.append((sources[text(n)], self.source.node_span(n)))
                    continue
                stack.extend(n.children)

    def _read_process_env(self, root: Node) -> None:
        data = self.source.data
        pos = data.find(b"process.env")
        while pos != -1:
            node = root.descendant_for_byte_range(pos, pos + len(b"process.env"))
            while node is not None and node.type != "member_expression" and node.end_byte <= pos + len(b"process.env"):
                node = node.parent
            if node is not None and node.type == "member_expression" and member_path(node) == ["process", "env"]:
                if resolve_binding("process", node) is None:
                    self.facts.process_env.append(self.source.node_span(node))
            pos = data.find(b"process.env", pos + 1)

    # -- schema --------------------------------------------------------------------------

    def _schema(self, call: Node) -> SchemaFact:
        args = call_arguments(call)
        tables: list[TableFact] = []
        dynamic = False
        obj = resolve_value(args[0]) if args else None
        if obj is None or obj.type != "object":
            return SchemaFact(tables=[], dynamic=True, span=self.source.node_span(call))
        for child in obj.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                name = property_key(child)
                if name is None or key is None:
                    dynamic = True
                    continue
                table = self._table(name, key, child.child_by_field_name("value"))
            elif child.type == "shorthand_property_identifier":
                table = self._table(text(child), child, child)
            elif child.type == "spread_element":
                dynamic = True
                continue
            else:
                continue
            if table is None or not table.indexes_complete:
                dynamic = True
            if table is not None:
                tables.append(table)
        return SchemaFact(tables=tables, dynamic=dynamic, span=self.source.node_span(call))

    def _table(self, name: str, name_node: Node, value: Node | None) -> TableFact | None:
        src = self.source
        node = resolve_value(value)
        indexes: list[IndexFact] = []
        complete = True
        # Walk the chain defineTable(...).index(...).searchIndex(...) from the outside in.
        while node is not None and node.type == "call_expression":
            method, recv = callee_method(node)
            if method is None:
                break
            args = call_arguments(node)
            if method in ("index", "searchIndex", "vectorIndex"):
                indexes.append(self._index(method, node, args))
            node = resolve_value(recv)
        fields: dict[str, str] | None = None
        field_spans: dict = {}
        if node is not None and node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and text(fn) == "defineTable":
                args = call_arguments(node)
                doc = resolve_value(args[0]) if args else None
                if doc is not None and doc.type == "call_expression" and member_path(doc.child_by_field_name("function")) == ["v", "object"]:
                    inner = call_arguments(doc)
                    doc = resolve_value(inner[0]) if inner else None
                field_spans = {}
                if doc is not None and doc.type == "object":
                    props, unknown = object_properties(doc)
                    if not unknown:
                        fields = {k: text(v) for k, v in props.items()}
                        field_spans = {k: src.node_span(v.parent if v.parent is not None and v.parent.type == "pair" else v) for k, v in props.items()}
            else:
                complete = False
        else:
            complete = False
        indexes.reverse()
        return TableFact(
            name=name,
            span=src.node_span(value if value is not None else name_node),
            name_span=src.node_span(name_node),
            fields=fields,
            indexes=indexes,
            indexes_complete=complete,
            field_spans=field_spans,
        )

    def _index(self, method: str, call: Node, args: list[Node]) -> IndexFact:
        src = self.source
        kind = {"index": "db", "searchIndex": "search", "vectorIndex": "vector"}[method]
        name = static_string_value(args[0]) if args else None
        fields: list[str] | None = None
        filter_fields: list[str] = []
        staged = False
        config = resolve_value(args[1]) if len(args) > 1 else None
        if kind == "db":
            arr = config
            if config is not None and config.type == "object":
                props, _ = object_properties(config)
                arr = resolve_value(props.get("fields"))
                staged = text(props.get("staged")) == "true"
            fields = _string_array(arr)
        elif config is not None and config.type == "object":
            props, _ = object_properties(config)
            main = static_string_value(props.get("searchField" if kind == "search" else "vectorField"))
            fields = [main] if main is not None else None
            filter_fields = _string_array(resolve_value(props.get("filterFields"))) or []
            staged = text(props.get("staged")) == "true"
        return IndexFact(
            name=name,
            kind=kind,
            fields=fields,
            filter_fields=filter_fields,
            staged=staged,
            span=src.node_span(call),
            name_span=src.node_span(args[0]) if args else None,
        )

    # -- http routes and crons ----------------------------------------------------------

    def _router_kind(self, recv: Node | None) -> tuple[str, bool] | None:
        """``(router_name, is_cors_router)`` when ``recv`` names a ``httpRouter()`` or
        ``corsRouter(...)`` value, else None."""
        if recv is None or recv.type != "identifier":
            return None
        value = resolve_value(recv)
        if value is None or value.type != "call_expression":
            return None
        fn = value.child_by_field_name("function")
        name = text(fn) if fn is not None and fn.type == "identifier" else ""
        if name == "httpRouter":
            return text(recv), False
        if name == "corsRouter":
            return text(recv), True
        return None

    def _maybe_route(self, call: Node, recv: Node | None) -> None:
        router = self._router_kind(recv)
        if router is None:
            return
        args = call_arguments(call)
        spec = resolve_value(args[0]) if args else None
        if spec is None or spec.type != "object":
            return
        props, _ = object_properties(spec)
        handler = props.get("handler")
        handler_value = _function_named(handler) if handler is not None else None
        self.facts.routes.append(
            RouteFact(
                method=static_string_value(props.get("method")),
                path=static_string_value(props.get("path")),
                path_prefix=static_string_value(props.get("pathPrefix")),
                router=router[0],
                cors_router=router[1],
                handler=HandlerRef(kind="unknown"),
                span=self.source.node_span(call),
                has_path_key="path" in props,
                has_prefix_key="pathPrefix" in props,
                handler_is_function=is_function(handler_value),
            )
        )
        self._pending_handlers.append((len(self.facts.routes) - 1, handler))

    def _link_route_handlers(self, function_index: dict[int, int]) -> None:
        for route_i, handler in self._pending_handlers:
            route = self.facts.routes[route_i]
            node = unwrap(handler)
            if node is None:
                continue
            if node.type == "shorthand_property_identifier" or node.type == "identifier":
                found = resolve_binding(text(node), node)
                if found is not None and found[0] == "import":
                    spec = found[1]
                    stmt = spec
                    while stmt is not None and stmt.type != "import_statement":
                        stmt = stmt.parent
                    source = static_string_value(stmt.child_by_field_name("source")) if stmt is not None else None
                    imported = "default"
                    if spec.type == "import_specifier":
                        imported = text(spec.child_by_field_name("name"))
                    route.handler = HandlerRef(kind="import", import_source=source, import_name=imported)
                    continue
                node = unwrap(found[1]) if found is not None and found[0] in ("const", "let", "var") else None
            if node is not None and node.type == "call_expression" and node.id in function_index:
                route.handler = HandlerRef(kind="function", function_index=function_index[node.id])

    def _maybe_cron(self, call: Node, method: str, recv: Node | None) -> None:
        if recv is None or recv.type != "identifier":
            return
        value = resolve_value(recv)
        if value is None or value.type != "call_expression":
            return
        fn = value.child_by_field_name("function")
        if fn is None or text(fn) != "cronJobs":
            return
        args = call_arguments(call)
        src = self.source
        schedule: dict[str, int] = {}
        cron_string = None
        sched = resolve_value(args[1]) if len(args) > 1 else None
        if sched is not None and sched.type == "object":
            props, _ = object_properties(sched)
            for key, value in props.items():
                v = unwrap(value)
                if v is not None and v.type == "number":
                    try:
                        schedule[key] = int(text(v), 0)
                    except ValueError:
                        pass
                elif v is not None and static_string_value(v) is not None and key == "dayOfWeek":
                    schedule[key] = -1  # a day name: checked by name, not range
        elif sched is not None:
            cron_string = static_string_value(sched)
        self.facts.crons.append(
            CronFact(
                method=method,
                name=static_string_value(args[0]) if args else None,
                ref=function_reference(args[2], src) if len(args) > 2 else None,
                span=src.node_span(call),
                name_span=src.node_span(args[0]) if args else None,
                ref_span=src.node_span(args[2]) if len(args) > 2 else None,
                schedule=schedule,
                schedule_span=src.node_span(args[1]) if len(args) > 1 else None,
                cron_string=cron_string,
                has_ref_arg=len(args) > 2,
            )
        )


def is_entry_point(relpath: str) -> bool:
    """Whether Convex bundles a file of the functions directory as a module of its own.

    Mirrors Convex's bundler (and the ESLint plugin's ``isEntryPoint``): not under
    ``_generated/``, the base name not starting with ``.`` or ``#``, not ``schema.ts``, at
    most one dot before the extension (``auth.config.ts``, ``foo.test.ts`` are not), and
    no spaces. ``relpath`` is relative to the functions directory, with its extension.
    """
    base = relpath.rsplit("/", 1)[-1]
    if "_generated/" in relpath or base.startswith((".", "#")) or " " in relpath:
        return False
    if base in ("schema.ts", "schema.js"):
        return False
    return base.count(".") <= 1


def is_test_file(path: str) -> bool:
    """``*.test.*``, ``*.spec.*`` and files under ``__tests__/``."""
    base = path.rsplit("/", 1)[-1]
    return ".test." in base or ".spec." in base or "__tests__/" in path


def index_calls(calls: list[Node]) -> dict[str, list[Node]]:
    """Calls grouped by callee name: ``f`` for ``f()`` and ``x.y.f()``, document order."""
    index: dict[str, list[Node]] = {}
    for call in calls:
        fn = call.child_by_field_name("function")
        if fn is None:
            continue
        if fn.type == "member_expression":
            fn = fn.child_by_field_name("property")
            if fn is None:
                continue
        elif fn.type != "identifier":
            continue
        index.setdefault(fn.text.decode("utf-8", errors="replace"), []).append(call)
    return index



def _function_named(node: Node) -> Node | None:
    """The value a route's ``handler`` denotes: a function node, a call, or None."""
    if node.type in ("shorthand_property_identifier", "identifier"):
        found = resolve_binding(text(node), node)
        if found is None:
            return None
        if found[0] == "function":
            return found[1]
        return unwrap(found[1]) if found[0] in ("const", "let", "var") else None
    return resolve_value(node)


def _looks_registered(call: Node, *, allow_function: bool = False) -> bool:
    """``name({ ..., handler: ... })`` (or, with ``allow_function``, ``name(async (ctx) =>
    ...)``): the shape of a function registration through a custom registrar."""
    args = call_arguments(call)
    if not args:
        return False
    first = unwrap(args[0])
    if first is None:
        return False
    if first.type == "object":
        props, _ = object_properties(first)
        return "handler" in props
    return allow_function and is_function(first)


#: Expressions that certainly evaluate to something other than null/undefined.
_DEFINITE_VALUES = frozenset({"string", "number", "true", "false", "object", "array", "template_string"})


def _is_undefined(node: Node) -> bool:
    return node.type == "undefined" or (node.type == "identifier" and text(node) == "undefined") or (
        node.type == "unary_expression" and text(node).startswith("void")
    )


def _is_awaited(call: Node) -> bool:
    parent = call.parent
    while parent is not None and parent.type in ("parenthesized_expression", "non_null_expression", "as_expression"):
        parent = parent.parent
    return parent is not None and parent.type == "await_expression"


def _enclosing_block(node: Node) -> int:
    n = node.parent
    while n is not None and n.type not in ("statement_block", "program") and n.type not in FUNCTION_TYPES:
        n = n.parent
    return n.start_byte if n is not None else -1


def _in_promise_all(call: Node, boundary: Node) -> bool:
    node = call.parent
    while node is not None and node is not boundary and node.id != boundary.id:
        if node.type == "call_expression":
            path = member_path(node.child_by_field_name("function"))
            if path and path[0] == "Promise" and len(path) == 2:
                return True
        node = node.parent
    return False


def _validator_shape(node: Node) -> tuple[str, dict[str, str], dict[str, Node]]:
    """What an ``args`` value is: ``("object", fields, nodes)`` for ``{ a: v.string() }``,
    ``("v.object", ...)``, ``("v.any", {}, {})``, ``("other:v.string", {}, {})`` for
    another validator, or ``("unknown", {}, {})`` when it is not static. ``fields`` maps
    names to validator source text; ``nodes`` to the pair (or shorthand) nodes."""
    value = unwrap(node)
    if value is None:
        return "unknown", {}, {}
    if value.type == "shorthand_property_identifier":
        value = resolve_value_from_name(value)
        if value is None:
            return "unknown", {}, {}
    elif value.type == "identifier":
        value = resolve_value(value)
        if value is None or value.type == "identifier":
            return "unknown", {}, {}
    kind = None
    obj = None
    if value.type == "object":
        kind, obj = "object", value
    elif value.type == "call_expression":
        path = member_path(value.child_by_field_name("function"))
        if path and path[0] == "v" and len(path) == 2:
            if path[1] == "object":
                inner = call_arguments(value)
                obj = unwrap(inner[0]) if inner else None
                kind = "v.object"
            elif path[1] == "any":
                return "v.any", {}, {}
            else:
                return f"other:v.{path[1]}", {}, {}
    if kind is None:
        return "unknown", {}, {}
    if obj is None or obj.type != "object":
        return kind, {}, {}
    props, _ = object_properties(obj)
    nodes = {k: (v.parent if v.parent is not None and v.parent.type == "pair" else v) for k, v in props.items()}
    return kind, {k: text(v) for k, v in props.items()}, nodes


def resolve_value_from_name(node: Node) -> Node | None:
    found = resolve_binding(text(node), node)
    if found is None or found[0] not in ("const", "let", "var") or found[1] is None:
        return None
    return unwrap(found[1])


def _range_fields(fn: Node | None, search: bool) -> list[str] | None:
    """Fields an index range names in order: ``q => q.eq("a", x).gt("b", y)`` -> [a, b]."""
    if fn is None or not is_function(fn):
        return None
    body = fn.child_by_field_name("body")
    body = unwrap(body)
    if body is None or body.type == "statement_block":
        return None
    fields: list[str] = []
    node = body
    while node is not None and node.type == "call_expression":
        method, recv = callee_method(node)
        if method is None:
            return None
        if method not in ("eq", "gt", "gte", "lt", "lte", "search"):
            return None
        args = call_arguments(node)
        field = static_string_value(args[0]) if args else None
        if field is None:
            return None
        fields.append(field)
        node = unwrap(recv)
    if node is None or node.type != "identifier":
        return None
    fields.reverse()
    return fields


def _string_array(node: Node | None) -> list[str] | None:
    if node is None or node.type != "array":
        return None
    out = []
    for el in node.named_children:
        if el.type == "comment":
            continue
        value = static_string_value(el)
        if value is None:
            return None
        out.append(value)
    return out
