"""Does a ``Response`` returned by an ``httpAction`` carry CORS headers?

A small abstract interpreter over one file's syntax with three answers: ``"yes"``
(``Access-Control-Allow-Origin`` is certainly among the headers), ``"no"`` (certainly
not), ``"unknown"`` (the headers come from somewhere we cannot see: a parameter, another
module, a computed key). Rules report only ``"no"``.

Understood shapes (S002's CRITICAL pattern and what real projects write): an inline
headers object, a ``const`` of headers, a spread of one, ``new Headers(...)`` with
``.set``/``.append``, ``Response.json(body, init)``, a response variable whose
``.headers.set(...)`` adds the header, and same-file helper functions that build the
headers or the whole response.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.syntax import (
    NodesByPosition,
    call_arguments,
    callee_method,
    is_function,
    iter_descendants,
    object_properties,
    resolve_binding,
    return_expressions,
    static_string_value,
    text,
    unwrap,
)

CORS_HEADER = "access-control-allow-origin"
_MAX_DEPTH = 4


def _combine(statuses: list[str]) -> str:
    """All paths: "no" if any is "no", else "unknown" if any is unknown, else "yes"."""
    if not statuses:
        return "unknown"
    if "no" in statuses:
        return "no"
    if "unknown" in statuses:
        return "unknown"
    return "yes"


def _any_yes(statuses: list[str]) -> str:
    if "yes" in statuses:
        return "yes"
    if "unknown" in statuses:
        return "unknown"
    return "no"


def _resolve_function(node: Node) -> Node | None:
    """An identifier callee -> the same-file function it names, if any."""
    node = unwrap(node)
    if node is None:
        return None
    if is_function(node):
        return node
    if node.type != "identifier":
        return None
    found = resolve_binding(text(node), node)
    if found is None:
        return None
    kind, value = found
    if kind == "function":
        return value
    value = unwrap(value)
    if kind in ("const", "let", "var") and is_function(value):
        return value
    return None


def _mentions_cors_mutation(name: str, scope: Node) -> str | None:
    """``name.set("Access-Control-Allow-Origin", ...)`` / ``name.headers.set(...)`` /
    ``append``, ``name["Access-Control-Allow-Origin"] = …``, or ``Object.assign(name, …)``
    copying in headers from elsewhere, anywhere in ``scope``: ``"yes"`` for the header set
    by name (also conditionally: a header that may be present is not reported),
    ``"unknown"`` for ``Object.assign`` (it may copy the header in); else None."""
    for n in iter_descendants(scope):
        if n.type == "assignment_expression":
            left = n.child_by_field_name("left")
            if left is not None and left.type == "subscript_expression":
                obj = unwrap(left.child_by_field_name("object"))
                index = left.child_by_field_name("index")
                if obj is not None and obj.type == "identifier" and text(obj) == name and (static_string_value(index) or "").lower() == CORS_HEADER:
                    return "yes"
            continue
        if n.type != "call_expression":
            continue
        method, recv = callee_method(n)
        if method == "assign" and recv is not None and text(unwrap(recv)) == "Object":
            # Object.assign(name, cors(request)): whatever it copies in may be the header.
            args = call_arguments(n)
            target = unwrap(args[0]) if args else None
            if target is not None and target.type == "identifier" and text(target) == name and len(args) > 1:
                return "unknown"
            continue
        if method not in ("set", "append"):
            continue
        recv = unwrap(recv)
        if recv is None:
            continue
        target = recv
        if recv.type == "member_expression":
            prop = recv.child_by_field_name("property")
            if prop is None or text(prop) != "headers":
                continue
            target = unwrap(recv.child_by_field_name("object"))
        if target is None or target.type != "identifier" or text(target) != name:
            continue
        args = call_arguments(n)
        if args and (static_string_value(args[0]) or "").lower() == CORS_HEADER:
            return "yes"
    return None


def _scope_of(node: Node) -> Node:
    """The innermost function around ``node``, or the program."""
    n = node
    while n.parent is not None and not is_function(n):
        n = n.parent
    return n


def headers_status(node: Node | None, depth: int = 0) -> str:
    """CORS status of a ``headers`` value (object, identifier, ``new Headers``, call...)."""
    node = unwrap(node)
    if node is None or depth > _MAX_DEPTH:
        return "unknown"
    t = node.type
    if t == "object":
        spreads: list[str] = []
        for child in node.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                key_text = static_string_value(key) if key is not None and key.type == "string" else text(key)
                if key_text.lower() == CORS_HEADER:
                    return "yes"
                if key is not None and key.type == "computed_property_name":
                    spreads.append("unknown")
            elif child.type == "spread_element":
                inner = next((c for c in child.named_children if c.type != "comment"), None)
                spreads.append(headers_status(inner, depth + 1))
        return _any_yes(spreads) if spreads else "no"
    if t == "identifier":
        found = resolve_binding(text(node), node)
        if found is None or found[0] in ("param", "import", "class"):
            return "unknown"
        kind, value = found
        if kind == "function":
            return "unknown"
        status = headers_status(value, depth + 1) if value is not None else "unknown"
        if status != "yes":
            return _mentions_cors_mutation(text(node), _scope_of(node)) or status
        return status
    if t == "new_expression":
        ctor = node.child_by_field_name("constructor")
        if ctor is not None and text(ctor) == "Headers":
            args = call_arguments(node)
            return headers_status(args[0], depth + 1) if args else "no"
        return "unknown"
    if t == "array":
        for n in iter_descendants(node):
            if n.type == "string" and (static_string_value(n) or "").lower() == CORS_HEADER:
                return "yes"
        return "unknown"
    if t == "call_expression":
        fn = _resolve_function(node.child_by_field_name("function"))
        if fn is None:
            return "unknown"
        return _combine([headers_status(v, depth + 1) for _, v in return_expressions(fn)])
    if t == "ternary_expression":
        return _combine(
            [headers_status(node.child_by_field_name(k), depth + 1) for k in ("consequence", "alternative")]
        )
    return "unknown"


def _init_status(init: Node | None, depth: int) -> str:
    """Status of a ``ResponseInit`` argument (``{ status, headers }``)."""
    init = unwrap(init)
    if init is None:
        return "no"
    if init.type == "identifier":
        found = resolve_binding(text(init), init)
        if found is None or found[0] not in ("const", "let", "var") or found[1] is None:
            return "unknown"
        init = unwrap(found[1])
        if init is None:
            return "unknown"
    if init.type != "object":
        return "unknown"
    props, has_unknown = object_properties(init)
    if "headers" in props:
        value = props["headers"]
        if value.type == "shorthand_property_identifier":
            found = resolve_binding(text(value), value)
            if found is None or found[0] not in ("const", "let", "var") or found[1] is None:
                return "unknown"
            status = headers_status(found[1], depth + 1)
            if status != "yes":
                return _mentions_cors_mutation(text(value), _scope_of(value)) or status
            return status
        return headers_status(value, depth + 1)
    return "unknown" if has_unknown else "no"


def response_status(node: Node | None, depth: int = 0) -> str:
    """CORS status of an expression that evaluates to a ``Response``."""
    node = unwrap(node)
    if node is None or depth > _MAX_DEPTH:
        return "unknown"
    t = node.type
    if t == "new_expression":
        ctor = node.child_by_field_name("constructor")
        if ctor is None or text(ctor) not in ("Response", "NextResponse"):
            return "unknown"
        args = call_arguments(node)
        return _init_status(args[1] if len(args) > 1 else None, depth)
    if t == "call_expression":
        method, recv = callee_method(node)
        recv = unwrap(recv)
        if method == "json" and recv is not None and text(recv) in ("Response", "NextResponse"):
            args = call_arguments(node)
            return _init_status(args[1] if len(args) > 1 else None, depth)
        if method is not None:
            return "unknown"  # Response.redirect / error, or a method we cannot follow
        fn = _resolve_function(node.child_by_field_name("function"))
        if fn is None:
            return "unknown"
        return _combine([response_status(v, depth + 1) for _, v in return_expressions(fn)])
    if t == "identifier":
        found = resolve_binding(text(node), node)
        if found is None or found[0] not in ("const", "let", "var") or found[1] is None:
            return "unknown"
        mutated = _mentions_cors_mutation(text(node), _scope_of(node))
        return mutated if mutated is not None else response_status(found[1], depth + 1)
    if t == "ternary_expression":
        return _combine(
            [response_status(node.child_by_field_name(k), depth + 1) for k in ("consequence", "alternative")]
        )
    return "unknown"


def handler_responses(fn: Node, returns: NodesByPosition | None = None) -> list[tuple[Node, str]]:
    """``(returned_expression, status)`` for each return path of an httpAction handler.

    Bare ``return;`` paths are skipped (Convex rejects them at run time; not a CORS matter).
    ``returns``: the file's return statements (see ``syntax.return_expressions``).
    """
    out = []
    for _stmt, value in return_expressions(fn, returns):
        if value is None:
            continue
        out.append((value, response_status(value)))
    return out
