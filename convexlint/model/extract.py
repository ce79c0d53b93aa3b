"""Build ``FileFacts`` for one parsed file.

The collector takes part in the engine's single pass: the engine hands it every
``call_expression`` node the combined query found (``on_call``), and ``finish`` resolves
them against the file's imports and bindings. Nothing here walks the tree per fact.
Sources: Convex's ``convex/server`` API (registrars, ``defineSchema``/``defineTable``,
``httpRouter``, ``cronJobs``) and convex-helpers' ``corsRouter``.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from convexlint.model import cors
from convexlint.model.facts import (
    CronFact,
    FileFacts,
    FunctionFact,
    FunctionRefFact,
    HandlerRef,
    ImportFact,
    IndexFact,
    ResponseFact,
    RouteFact,
    SchemaFact,
    TableFact,
)
from convexlint.parsing import SourceFile
from convexlint.syntax import (
    call_arguments,
    callee_method,
    is_function,
    member_path,
    object_properties,
    property_key,
    resolve_binding,
    resolve_value,
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
    node = unwrap(node)
    parts = member_path(node)
    if node is None or not parts or len(parts) < 2:
        return None
    root = parts[0]
    kind = "other"
    if root in REFERENCE_ROOTS:
        found = resolve_binding(root, node)
        if found is None:
            kind = root
        elif found[0] == "import":
            stmt = found[1]
            while stmt is not None and stmt.type != "import_statement":
                stmt = stmt.parent
            src = static_string_value(stmt.child_by_field_name("source")) if stmt is not None else None
            if src is not None and is_generated_api(src):
                kind = root
    return FunctionRefFact(root=kind, path=parts[1:], span=source.node_span(node))


class FactCollector:
    """Collects one file's facts during the engine's pass; call ``finish`` once at the end."""

    def __init__(self, source: SourceFile, *, functions_dir: str | None, module: str | None, is_server: bool):
        self.source = source
        self.facts = FileFacts(path=source.path, functions_dir=functions_dir, module=module, is_server=is_server)
        self._calls: list[Node] = []
        self._pending_handlers: list[tuple[int, Node | None]] = []  # (route index, handler node)

    def on_call(self, node: Node) -> None:
        self._calls.append(node)

    # -- finishing ---------------------------------------------------------------------

    def finish(self) -> FileFacts:
        root = self.source.root
        self._read_module_level(root)
        registrar_locals, namespaces = self._registrar_names()
        function_index: dict[int, int] = {}  # call node id -> index in facts.functions
        for call in self._calls:
            fn = call.child_by_field_name("function")
            if fn is None:
                continue
            if fn.type == "identifier":
                name = text(fn)
                if name in registrar_locals:
                    function_index[call.id] = self._add_function(call, fn, *registrar_locals[name])
                elif name == "defineSchema" and self.facts.schema is None:
                    self.facts.schema = self._schema(call)
            elif fn.type == "member_expression":
                method, recv = callee_method(call)
                recv_u = unwrap(recv)
                if recv_u is not None and recv_u.type == "identifier" and text(recv_u) in namespaces:
                    if method in REGISTRARS:
                        function_index[call.id] = self._add_function(call, fn, method, *REGISTRARS[method])
                        continue
                    if method in GENERIC_REGISTRARS:
                        function_index[call.id] = self._add_function(call, fn, method, *GENERIC_REGISTRARS[method])
                        continue
                if method == "route":
                    self._maybe_route(call, recv_u)
                elif method in CRON_METHODS:
                    self._maybe_cron(call, method, recv_u)
        self._link_route_handlers(function_index)
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
        if stmt.child_by_field_name("source") is not None:
            return  # re-export from another module: resolved by the project (issue: whole-project model)
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

    def _registrar_names(self) -> tuple[dict[str, tuple[str, str, str]], set[str]]:
        """Local names that are registrars -> (registrar, kind, visibility); and the local
        names of namespace imports of ``_generated/server`` / ``convex/server``."""
        locals_: dict[str, tuple[str, str, str]] = {}
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
                locals_[imp.local] = (imp.imported, *found)
        if locals_:
            # Follow simple module-level aliases: ``const myQuery = query;``.
            for child in self.source.root.named_children:
                decl = child.child_by_field_name("declaration") if child.type == "export_statement" else child
                if decl is None or decl.type not in ("lexical_declaration", "variable_declaration"):
                    continue
                for d in decl.named_children:
                    if d.type != "variable_declarator":
                        continue
                    name, value = d.child_by_field_name("name"), unwrap(d.child_by_field_name("value"))
                    if name is not None and value is not None and value.type == "identifier":
                        target = locals_.get(text(value))
                        if target is not None:
                            locals_[text(name)] = target
        return locals_, namespaces

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

    def _add_function(self, call: Node, callee: Node, registrar: str, kind: str, visibility: str) -> int:
        src = self.source
        local, exported = self._binding_of(call)
        args = call_arguments(call)
        first = unwrap(args[0]) if args else None
        syntax = "unknown"
        has_args = has_returns = None
        args_span = returns_span = handler_span = None
        handler: Node | None = None
        if first is not None and first.type == "object":
            syntax = "object"
            props, unknown = object_properties(first)
            has_args = True if "args" in props else (None if unknown else False)
            has_returns = True if "returns" in props else (None if unknown else False)
            if "args" in props:
                args_span = src.node_span(props["args"])
            if "returns" in props:
                returns_span = src.node_span(props["returns"])
            if "handler" in props:
                handler = props["handler"]
        elif first is not None and (is_function(first) or first.type == "identifier"):
            syntax = "function" if is_function(first) else "unknown"
            handler = first
        if handler is not None:
            handler_span = src.node_span(handler)
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
            handler_span=handler_span,
        )
        if kind == "httpAction" and handler is not None:
            fn = handler if handler.type == "method_definition" or is_function(handler) else resolve_value(handler)
            if fn is not None and (is_function(fn) or fn.type == "method_definition"):
                fact.responses = [ResponseFact(src.node_span(expr), status) for expr, status in cors.handler_responses(fn)]
        self.facts.functions.append(fact)
        return len(self.facts.functions) - 1

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
        if node is not None and node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and text(fn) == "defineTable":
                args = call_arguments(node)
                doc = resolve_value(args[0]) if args else None
                if doc is not None and doc.type == "call_expression" and member_path(doc.child_by_field_name("function")) == ["v", "object"]:
                    inner = call_arguments(doc)
                    doc = resolve_value(inner[0]) if inner else None
                if doc is not None and doc.type == "object":
                    props, unknown = object_properties(doc)
                    if not unknown:
                        fields = {k: text(v) for k, v in props.items()}
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
        self.facts.routes.append(
            RouteFact(
                method=static_string_value(props.get("method")),
                path=static_string_value(props.get("path")),
                path_prefix=static_string_value(props.get("pathPrefix")),
                router=router[0],
                cors_router=router[1],
                handler=HandlerRef(kind="unknown"),
                span=self.source.node_span(call),
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
        self.facts.crons.append(
            CronFact(
                method=method,
                name=static_string_value(args[0]) if args else None,
                ref=function_reference(args[2], self.source) if len(args) > 2 else None,
                span=self.source.node_span(call),
            )
        )


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
