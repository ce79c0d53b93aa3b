"""Registered functions (``registrar({ args, returns, handler })`` or the old
``registrar(handler)`` form), what their handlers do (events), and module-level helper
functions (to follow access checks through them).

Source: Convex's registration API (``args``/``returns``/``handler``; ``ctx.db``,
``ctx.scheduler``, ``ctx.run*``, ``ctx.auth``).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from convexlint.model.extract.cors import handler_responses
from convexlint.model.extract.modules import binding_of
from convexlint.model.extract.scan import FileScan
from convexlint.model.facts import Event, FunctionFact, HelperFact, RegistrarRef, ResponseFact
from convexlint.model.vocabulary import DB_READS, DB_WRITES, RUN_KINDS, SCHEDULER_METHODS
from convexlint.syntax import (
    FUNCTION_TYPES,
    call_arguments,
    function_value,
    is_function,
    iter_descendants,
    member_path,
    object_properties,
    resolve_binding,
    resolve_value,
    return_expressions,
    static_string_value,
    text,
    unwrap,
)

#: Request headers that carry a webhook sender's signature or secret (Stripe, Svix as
#: used by Clerk and Resend, GitHub, Slack, Shopify, Telegram): reading one means the
#: handler authenticates a server, not a browser user.
_SIGNATURE_HEADER = re.compile(r"(?i)signature|hmac|^svix-|^webhook-(id|timestamp)|^x-hub-|^x-slack-|^x-telegram-bot-api-secret")
#: Calls that verify a sender: ``verifyWebhookSignature``, ``validateSignature``,
#: Stripe's ``constructEvent``, Node's ``timingSafeEqual``.
_VERIFIER = re.compile(r"^(verify|validate|check)\w*(Signature|Webhook|Hmac)\w*$|^constructEvent(Async)?$|^timingSafeEqual$", re.I)

#: Expressions that certainly evaluate to something other than null/undefined.
_DEFINITE_VALUES = frozenset({"string", "number", "true", "false", "object", "array", "template_string"})


def add_function(
    scan: FileScan, call: Node, callee: Node, registrar: str, kind: str | None, visibility: str | None, ref: RegistrarRef
) -> int:
    """Record the registration ``call`` as a ``FunctionFact``; returns its index in
    ``facts.functions``. ``kind``/``visibility`` are None until the project resolves a
    custom registrar."""
    src = scan.source
    local, exported = binding_of(scan, call)
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
            args_kind, args_fields, args_field_nodes = validator_shape(props["args"])
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
        fn = handler if handler.type == "method_definition" or is_function(handler) else function_value(handler)
    if fn is not None and (is_function(fn) or fn.type == "method_definition"):
        params = fn.child_by_field_name("parameters")
        if params is not None:
            fact.handler_params = sum(1 for p in params.named_children if p.type != "comment")
        elif fn.child_by_field_name("parameter") is not None:
            fact.handler_params = 1
        values = [unwrap(v) for _, v in return_expressions(fn, scan.returns)]
        fact.returns_value = any(v is not None and not _is_undefined(v) for v in values)
        fact.returns_non_null = any(v is not None and v.type in _DEFINITE_VALUES for v in values)
        body = fn.child_by_field_name("body")
        fact.always_throws = not values and body is not None and _ends_in(body, _THROW)
        fact.obvious_returns = obvious_returns(fn, values)
        fact.events = events_in(scan, fn)
        fact.calls, _ = scan.calls_in(fn.start_byte, fn.end_byte)
        # None: a registrar the project resolves later, maybe httpAction (whose responses
        # are built in this file, so it says `Response`).
        if kind == "httpAction" or (kind is None and scan.mentions("Response")):
            fact.responses = [ResponseFact(src.node_span(e), st) for e, st in handler_responses(fn, scan.returns)]
    scan.facts.functions.append(fact)
    return len(scan.facts.functions) - 1


def events_in(scan: FileScan, fn: Node) -> list[Event]:
    """What the function ``fn`` does, in document order (see ``facts.Event``)."""
    src = scan.source
    events: list[Event] = []
    may_use_promise = scan.mentions("Promise")  # skips a walk up from every call in most files
    for call in scan.calls.within(fn.start_byte, fn.end_byte):
        callee = call.child_by_field_name("function")
        path = scan.member_path(callee) if callee is not None else None
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
            position = SCHEDULER_METHODS.get(detail)
            if position is not None and len(args) > position:
                ref = scan.function_reference(args[position])
        elif len(path) >= 2 and detail in RUN_KINDS:
            kind = RUN_KINDS[detail]
            args = call_arguments(call)
            ref = scan.function_reference(args[0]) if args else None
        elif path[-2:] == ["auth", "getUserIdentity"]:
            kind = "auth"
            if _result_unused(call, fn, src.data):
                detail = "unused"  # an identity read nothing depends on checks nothing
        elif _VERIFIER.match(detail):
            kind = "sender_check"
        elif path[-2:] == ["headers", "get"]:
            args = call_arguments(call)
            name = static_string_value(args[0]) if args else None
            if name is not None and _SIGNATURE_HEADER.search(name):
                kind, detail = "sender_check", name
        elif path == ["Date", "now"]:
            kind = "date_now"
        elif path == ["Math", "random"]:
            kind = "random"
        elif path == ["fetch"]:
            kind = "fetch"
        if kind is None:
            if _is_awaited(scan, call):
                events.append(Event("await", src.node_span(call), detail, awaited=True))
            continue
        events.append(
            Event(
                kind,
                src.node_span(call),
                detail,
                ref,
                awaited=_is_awaited(scan, call),
                in_all=may_use_promise and _in_promise_all(scan, call, fn),
                block=_enclosing_block(scan, call),
            )
        )
    for node in scan.others.within(fn.start_byte, fn.end_byte):
        if node.type == "try_statement" and node.child_by_field_name("handler") is not None:
            detail = "rethrows" if _catch_rethrows(node.child_by_field_name("handler")) else "try"
            events.append(Event("try", src.span(node.start_byte, node.start_byte + 3), detail))
        elif node.type == "throw_statement":
            value = unwrap(next((c for c in node.named_children if c.type != "comment"), None))
            if value is not None and value.type == "new_expression" and text(value.child_by_field_name("constructor")) == "Error":
                events.append(Event("throw_error", src.node_span(value), "Error"))
        elif node.type == "new_expression":
            ctor = node.child_by_field_name("constructor")
            if ctor is not None and text(ctor) == "Date" and not call_arguments(node):
                events.append(Event("new_date", src.node_span(node), "Date"))
    if b"process.env" in src.data[fn.start_byte : fn.end_byte]:
        events += _secret_checks(scan, fn)
    events.sort(key=lambda e: e.span.start_byte)
    return events


def _secret_checks(scan: FileScan, fn: Node) -> list[Event]:
    """``if (<x> !== process.env.SECRET) throw/return ...``: a comparison with a secret
    from the environment that guards an early exit (the caller proves it holds the
    secret). One ``sender_check`` event per such ``if``; ``detail`` names the variable."""
    found = []
    for node in iter_descendants(fn, skip_functions=True):
        if node.type != "if_statement":
            continue
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        if condition is None or consequence is None or not _exits(consequence):
            continue
        name = next(filter(None, map(_compared_secret, [condition, *iter_descendants(condition, skip_functions=True)])), None)
        if name is not None:
            found.append(Event("sender_check", scan.source.node_span(condition), name))
    return found


def _exits(node: Node) -> bool:
    """Whether ``node`` is or contains (outside nested functions) a ``throw`` or ``return``."""
    return any(n.type in ("throw_statement", "return_statement") for n in [node, *iter_descendants(node, skip_functions=True)])


def _compared_secret(node: Node) -> str | None:
    """For an equality comparison with a ``process.env`` secret on either side, the
    variable's name; else None."""
    if node.type != "binary_expression" or text(node.child_by_field_name("operator")) not in _EQUALITY:
        return None
    return _env_secret(node.child_by_field_name("left")) or _env_secret(node.child_by_field_name("right"))


_EQUALITY = frozenset({"===", "!==", "==", "!="})
_ENV_READ = re.compile(r"process\.env\.([A-Za-z_][A-Za-z0-9_]*)|process\.env\[\s*[\"']([^\"']+)[\"']\s*\]")


def _env_secret(node: Node | None) -> str | None:
    """The environment variable an operand reads (``process.env.X``, a template or
    ``const`` built from it), or None."""
    value = unwrap(node)
    if value is not None and value.type == "identifier":
        value = resolve_value(value)
    if value is None:
        return None
    m = _ENV_READ.search(text(value))
    return (m.group(1) or m.group(2)) if m else None


def _result_unused(call: Node, fn: Node, data: bytes) -> bool:
    """Whether the value of ``call`` (maybe awaited) is dropped: a bare expression
    statement, or a ``const name = ...`` whose name is never mentioned again in ``fn``."""
    node = call.parent
    while node is not None and node.type in ("await_expression", "parenthesized_expression", "non_null_expression", "as_expression"):
        node = node.parent
    if node is None:
        return False
    if node.type == "expression_statement":
        return True
    if node.type == "variable_declarator":
        name = node.child_by_field_name("name")
        if name is None or name.type != "identifier":
            return False  # destructuring: its parts may be used; not judged
        uses = re.findall(rb"(?<![\w$.])" + re.escape(text(name).encode()) + rb"(?![\w$])", data[node.end_byte : fn.end_byte])
        return not uses
    return False


def read_helpers(scan: FileScan) -> None:
    """Module-level functions, for following auth checks through helpers."""
    for child in scan.source.root.named_children:
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
            calls, auth = scan.calls_in(fn.start_byte, fn.end_byte)
            scan.facts.helpers[name] = HelperFact(name=name, checks_auth=auth, calls=calls)


def validator_shape(node: Node) -> tuple[str, dict[str, str], dict[str, Node]]:
    """What an ``args`` value is: ``("object", fields, nodes)`` for ``{ a: v.string() }``,
    ``("v.object", ...)``, ``("v.any", {}, {})``, ``("other:v.string", {}, {})`` for
    another validator, or ``("unknown", {}, {})`` when it is not static. ``fields`` maps
    names to validator source text; ``nodes`` to the pair (or shorthand) nodes."""
    value = unwrap(node)
    if value is None:
        return "unknown", {}, {}
    if value.type == "shorthand_property_identifier":
        found = resolve_binding(text(value), value)
        if found is None or found[0] not in ("const", "let", "var") or found[1] is None:
            return "unknown", {}, {}
        value = unwrap(found[1])
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


def _catch_rethrows(clause: Node) -> bool:
    """Whether a ``catch`` ends by throwing on every path: its block's last statement is a
    ``throw`` (or an ``if``/``else`` whose branches all end so), and nothing in it returns.
    Such a catch only decorates the error; the transaction still rolls back."""
    body = clause.child_by_field_name("body")
    if body is None:
        return False
    if any(n.type == "return_statement" for n in iter_descendants(body, skip_functions=True)):
        return False
    return _ends_in(body, _THROW)


_THROW = frozenset({"throw_statement"})
_EXITS = frozenset({"return_statement", "throw_statement"})


def _ends_in(node: Node | None, exits: frozenset[str]) -> bool:
    """Whether every path through ``node`` (a statement) ends in one of the ``exits``
    statements: the last statement of a block, both branches of an ``if``/``else``; False
    when unsure."""
    if node is None:
        return False
    if node.type in exits:
        return True
    if node.type == "statement_block":
        statements = [c for c in node.named_children if c.type != "comment"]
        return bool(statements) and _ends_in(statements[-1], exits)
    if node.type == "if_statement":
        alternative = node.child_by_field_name("alternative")
        if alternative is None:
            return False
        if alternative.type == "else_clause":
            alternative = next((c for c in alternative.named_children if c.type != "comment"), None)
        return _ends_in(node.child_by_field_name("consequence"), exits) and _ends_in(alternative, exits)
    return False


def obvious_returns(fn: Node, values: list[Node | None]) -> list[str] | None:
    """The kinds of value every return path of handler ``fn`` obviously gives (see
    ``FunctionFact.obvious_returns``): literals, ``null``/``undefined``/``return;``, falling
    off the end of a block body, and the id ``ctx.db.insert("t", …)`` resolves to (awaited
    or not, directly or through a ``const``). None when one path returns anything else."""
    kinds: set[str] = set()
    body = fn.child_by_field_name("body")
    if body is not None and body.type == "statement_block" and not _ends_in(body, _EXITS):  # falling off the end returns undefined
        kinds.add("null")
    for value in values:
        kind = _obvious_kind(value)
        if kind is None:
            return None
        kinds.add(kind)
    return sorted(kinds)


def _obvious_kind(value: Node | None) -> str | None:
    if value is None or _is_undefined(value) or value.type == "null":
        return "null"
    if value.type in ("true", "false"):
        return "boolean"
    if value.type == "number":
        return "number"
    if value.type == "string" or (value.type == "template_string" and static_string_value(value) is not None):
        return "string"
    if value.type == "identifier":
        found = resolve_binding(text(value), value)
        if found is None or found[0] != "const" or found[1] is None:
            return None  # a `let` may be reassigned; a parameter could be anything
        value = unwrap(found[1])
    if value is not None and value.type == "await_expression":
        value = unwrap(next((c for c in value.named_children if c.type != "comment"), None))
    if value is None or value.type != "call_expression":
        return None
    callee = value.child_by_field_name("function")
    path = member_path(callee) if callee is not None else None
    if not path or path[-2:] != ["db", "insert"] or len(path) < 3:
        return None
    args = call_arguments(value)
    table = static_string_value(args[0]) if len(args) >= 2 else None
    return f"id:{table}" if table else None


def _is_undefined(node: Node) -> bool:
    return node.type == "undefined" or (node.type == "identifier" and text(node) == "undefined") or (
        node.type == "unary_expression" and text(node).startswith("void")
    )


def _is_awaited(scan: FileScan, call: Node) -> bool:
    parent = scan.parents.of(call)
    while parent is not None and parent.type in ("parenthesized_expression", "non_null_expression", "as_expression"):
        parent = scan.parents.of(parent)
    return parent is not None and parent.type == "await_expression"


def _is_block(node: Node) -> bool:
    return node.type in ("statement_block", "program") or node.type in FUNCTION_TYPES


def _enclosing_block(scan: FileScan, node: Node) -> int:
    """Start byte of the innermost statement block (or function, or the program) around
    ``node``; -1 when none. The walk stops at the first block, so it is short; the file's
    ``Parents`` keeps each step O(1) on deep trees."""
    n = scan.parents.of(node)
    while n is not None and not _is_block(n):
        n = scan.parents.of(n)
    return n.start_byte if n is not None else -1


def _is_promise_combinator(node: Node) -> bool:
    if node.type != "call_expression":
        return False
    path = member_path(node.child_by_field_name("function"))
    return bool(path) and path[0] == "Promise" and len(path) == 2


def _in_promise_all(scan: FileScan, call: Node, boundary: Node) -> bool:
    """Whether ``call`` sits inside a ``Promise.all/allSettled/…(…)`` call within
    ``boundary`` (also across callbacks: ``Promise.all(ids.map(async (id) => …))``)."""
    found = scan.ancestor(call, "promise", _is_promise_combinator)
    return found is not None and boundary.start_byte <= found.start_byte and found.end_byte <= boundary.end_byte and found.id != boundary.id
