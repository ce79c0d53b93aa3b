"""HTTP routers and their routes: ``router.route({ path | pathPrefix, method, handler })``
on an ``httpRouter()`` (or convex-helpers ``corsRouter(...)``) value, and which function a
route's handler names.

Source: Convex's ``httpRouter``/``HttpRouter.route``; convex-helpers' ``corsRouter``.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.model.extract.scan import FileScan
from convexlint.model.facts import HandlerRef, RouteFact
from convexlint.syntax import (
    call_arguments,
    function_value,
    is_function,
    object_properties,
    resolve_binding,
    resolve_value,
    return_expressions,
    static_string_value,
    text,
    unwrap,
)


_MAX_WRAPPERS = 3  # withLogging(withAuth(httpRouter()))


def _router_kind(recv: Node | None) -> tuple[str, bool, int] | None:
    """``(router_name, is_cors_router, start byte of its creation)`` when ``recv`` names a
    ``httpRouter()`` or ``corsRouter(...)`` value, also through wrappers that take the
    router as their first argument (``withLogging(httpRouter())``), else None."""
    if recv is None or recv.type != "identifier":
        return None
    value = resolve_value(recv)
    created = value.start_byte if value is not None else -1
    for _ in range(_MAX_WRAPPERS + 1):
        if value is None or value.type != "call_expression":
            return None
        fn = value.child_by_field_name("function")
        name = text(fn) if fn is not None and fn.type == "identifier" else ""
        if name == "httpRouter":
            return text(recv), False, created
        if name == "corsRouter":
            return text(recv), True, created
        args = call_arguments(value)
        value = resolve_value(args[0]) if args else None
    return None


def read_route(scan: FileScan, call: Node, recv: Node | None) -> tuple[int, Node | None] | None:
    """Record ``recv.route({...})`` when ``recv`` is a router; returns the route's index
    and its ``handler`` value node for ``link_route_handlers`` (None: not a route)."""
    router = _router_kind(recv)
    if router is None:
        return None
    args = call_arguments(call)
    spec = resolve_value(args[0]) if args else None
    if spec is None or spec.type != "object":
        return None
    props, _ = object_properties(spec)
    handler = props.get("handler")
    handler_value = function_value(handler) if handler is not None else None
    scan.facts.routes.append(
        RouteFact(
            method=static_string_value(props.get("method")),
            path=static_string_value(props.get("path")),
            path_prefix=static_string_value(props.get("pathPrefix")),
            router=router[0],
            cors_router=router[1],
            handler=HandlerRef(kind="unknown"),
            span=scan.source.node_span(call),
            has_path_key="path" in props,
            has_prefix_key="pathPrefix" in props,
            handler_is_function=is_function(handler_value),
            router_at=router[2],
        )
    )
    return len(scan.facts.routes) - 1, handler


def link_route_handlers(scan: FileScan, pending: list[tuple[int, Node | None]], function_index: dict[int, int]) -> None:
    """Point each route (``pending``: route index, handler node) at the function its
    handler names: a registration in this file (``function_index``: call node id ->
    function index) or an import the project resolves."""
    for route_i, handler in pending:
        route = scan.facts.routes[route_i]
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
        if node is not None and node.type == "call_expression" and node.id not in function_index:
            node = _factory_result(node, function_index)  # handler: makeHandler("x")
        if node is not None and node.type == "call_expression" and node.id in function_index:
            route.handler = HandlerRef(kind="function", function_index=function_index[node.id])


def _factory_result(call: Node, function_index: dict[int, int]) -> Node | None:
    """For ``makeHandler(…)`` where ``makeHandler`` is a same-file function whose every
    return is one registration (``return httpAction(…)``): that registration call."""
    callee = call.child_by_field_name("function")
    found = resolve_binding(text(callee), call) if callee is not None and callee.type == "identifier" else None
    if found is None:
        return None
    fn = found[1] if found[0] == "function" else (unwrap(found[1]) if found[0] in ("const", "let", "var") else None)
    if not is_function(fn):
        return None
    results = {unwrap(v).id: unwrap(v) for _, v in return_expressions(fn) if v is not None and unwrap(v) is not None}
    if len(results) != 1:
        return None  # several registrations, or none: which one a route gets is not static
    (only,) = results.values()
    return only if only.type == "call_expression" and only.id in function_index else None
