"""HTTP routers and their routes: ``router.route({ path | pathPrefix, method, handler })``
on an ``httpRouter()`` (or convex-helpers ``corsRouter(...)``) value, and which function a
route's handler names.

Source: Convex's ``httpRouter``/``HttpRouter.route``; convex-helpers' ``corsRouter``.
"""

from __future__ import annotations

import re

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


# -- requests from client code -----------------------------------------------------------

#: An expression naming the deployment's HTTP actions URL: ``VITE_CONVEX_SITE_URL``,
#: ``convexSiteUrl``, ``CONVEX_SITE_URL``, a literal ``https://x.convex.site``.
_SITE_URL = re.compile(r"(?i)site_?url|\.convex\.site")
_PATH_START = re.compile(r"^/[A-Za-z0-9_\-./~%]*")
_SITE_MARKER = re.compile(_SITE_URL.pattern.encode())  # the same, to skip files by their bytes


#: Calls that send a request from the browser, by callee name (``fetch``,
#: ``window.fetch``, ``axios.post``, ``ky.get``…): navigation and displayed URLs (an OAuth
#: ``redirect_uri``, a webhook URL shown for copying) need no CORS and do not count.
_REQUEST_CALLS = ("fetch", "get", "post", "put", "patch", "delete", "request", "axios", "ky")
_REQUEST_RECEIVERS = frozenset({"window", "globalThis", "axios", "ky", "self"})


def read_site_requests(scan: FileScan) -> None:
    """Paths that client code requests from the deployment's site URL, into
    ``facts.site_requests``: ``fetch(`${VITE_CONVEX_SITE_URL}/api/chat`)`` gives
    ``/api/chat``; a path that continues with a dynamic part (``${siteUrl}/files/${id}``)
    gives the prefix ``/files/*``. The URL is a request's first argument (``fetch``,
    ``axios.post``…), directly, through a ``const`` or a ``new URL(...)``. Only files that mention a site URL
    are read."""
    if _SITE_MARKER.search(scan.source.data) is None:
        return
    found: set[str] = set()
    for name in _REQUEST_CALLS:
        for call in scan.calls_by_name.get(name, ()):
            callee = call.child_by_field_name("function")
            if callee is None:
                continue
            if callee.type == "member_expression":
                obj = unwrap(callee.child_by_field_name("object"))
                if obj is None or text(obj) not in _REQUEST_RECEIVERS:
                    continue
            elif name not in ("fetch", "axios", "ky"):
                continue
            args = call_arguments(call)
            url = _url_value(args[0]) if args else None
            if url is None:
                continue
            if url.type == "new_expression" and text(url.child_by_field_name("constructor")) == "URL":
                # new URL(`${site}/x`), or new URL("/x", site): the demos' shape
                parts = call_arguments(url)
                base = parts[1] if len(parts) > 1 else None
                path = static_string_value(parts[0]) if parts and base is not None else None
                if path is not None and _names_site(base):
                    found.update(p.group(0) for p in [_PATH_START.match(path)] if p is not None)
                    continue
                url = _url_value(parts[0]) if parts else None
            if url is not None:
                _site_paths(url, found)
    scan.facts.site_requests = sorted(found)


def _url_value(node: Node | None) -> Node | None:
    """A request's URL argument, through the ``const`` it names."""
    url = unwrap(node)
    return resolve_value(url) if url is not None and url.type == "identifier" else url


def _site_paths(url: Node, found: set[str]) -> None:
    """The site-URL path(s) a request's URL expression names, added to ``found``. A
    template literal and a ``+`` concatenation are both a sequence of pieces: a piece that
    names the site URL followed by a static one starting with ``/`` gives that path, with
    ``*`` when more pieces follow; a first static piece may be a literal ``.convex.site`` URL."""
    pieces = _url_pieces(url)
    for i, piece in enumerate(pieces[:-1]):
        following = pieces[i + 1]
        if not isinstance(piece, str) and isinstance(following, str) and _names_site(piece):
            path = _PATH_START.match(following)
            if path is not None:
                found.add(path.group(0) + ("*" if i + 2 < len(pieces) else ""))
    if pieces and isinstance(pieces[0], str):
        _literal_site_path(pieces[0], len(pieces) > 1, found)


def _url_pieces(url: Node) -> list[str | Node]:
    """A URL expression as pieces: static text as ``str``, anything else as its node.
    ``a + "/x" + b`` and `` `${a}/x${b}` `` both give ``[a, "/x", b]``."""
    if url.type == "template_string":
        return [
            text(c) if c.type == "string_fragment" else next((n for n in c.named_children), c)
            for c in url.named_children
            if c.type in ("template_substitution", "string_fragment")
        ]
    if url.type == "binary_expression" and text(url.child_by_field_name("operator")) == "+":
        pieces: list[str | Node] = []
        for side in (url.child_by_field_name("left"), url.child_by_field_name("right")):
            side = unwrap(side)
            if side is not None:
                pieces += _url_pieces(side)
        return pieces
    value = static_string_value(url)
    return [value if value is not None else url]


def _names_site(node: Node | None) -> bool:
    """Whether an expression (or the ``const`` it names) denotes the site URL."""
    inner = unwrap(node)
    if inner is None:
        return False
    if _SITE_URL.search(text(inner)):
        return True
    if inner.type == "identifier":
        value = resolve_value(inner)
        return value is not None and value is not inner and bool(_SITE_URL.search(text(value)) or ".site" in text(value))
    return False


def _literal_site_path(value: str, continues: bool, found: set[str]) -> None:
    at = value.find(".convex.site")
    if at < 0:
        return
    path = _PATH_START.match(value[at + len(".convex.site") :])
    if path is not None and path.group(0) != "/":
        found.add(path.group(0) + ("*" if continues else ""))
