"""References from code to the rest of the project: function references
(``api.a.b``/``internal.a.b``), tables (``db.query("t")``, ``v.id("t")``…), indexes
(``withIndex("name", range)``) and ``process.env``.

Source: Convex's ``DatabaseReader``/``DatabaseWriter`` (``get``/``query``/``insert``/
``patch``/``replace``/``delete``, with the table name first since convex 1.25) and
``QueryInitializer.withIndex``/``withSearchIndex``.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.model.extract.scan import FileScan
from convexlint.model.facts import IndexRef, TableRef
from convexlint.model.vocabulary import RUN_KINDS, SCHEDULER_METHODS
from convexlint.syntax import (
    call_arguments,
    callee_method,
    is_function,
    member_path,
    resolve_binding,
    resolve_value,
    static_string_value,
    unwrap,
)

_DB_METHODS = ("query", "insert", "get", "patch", "replace", "delete")
_RANGE_METHODS = ("eq", "gt", "gte", "lt", "lte", "search")


def read_all_references(scan: FileScan) -> None:
    """Table, index and function references (only the calls that can hold them)."""
    facts = scan.facts
    for name in (*_DB_METHODS, "id", "withIndex", "withSearchIndex"):
        for call in scan.calls_by_name.get(name, ()):
            fn = call.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression":
                _read_references(scan, call, fn)
    for name in ("withIndex", "withSearchIndex"):
        for call in scan.calls_by_name.get(name, ()):
            args = call_arguments(call)
            if args and _built_at_run_time(args[0]):
                facts.built_index_names += 1
    facts.table_refs.sort(key=lambda r: r.span.start_byte)
    facts.index_refs.sort(key=lambda r: r.span.start_byte)
    read_api_refs(scan)


def read_api_refs(scan: FileScan) -> None:
    """Every ``api.x.y``/``internal.x.y``/``anyApi.x.y`` passed as an argument, with the
    run or scheduler call it is the function argument of (``FunctionRefFact.passed_to``)."""
    for arg in scan.arg_members:
        ref = scan.function_reference(arg)
        if ref is not None and ref.root in ("api", "internal", "anyApi"):
            ref.passed_to = _runner(scan, arg)
            scan.facts.api_refs.append(ref)


def _runner(scan: FileScan, arg: Node) -> str | None:
    """``"ctx.scheduler.runAfter"`` when ``arg`` is the function argument of a scheduler or
    ``run*`` call (``ctx.runQuery(ref)``, ``ctx.scheduler.runAfter(0, ref)``), else None."""
    arguments = arg.parent
    call = arguments.parent if arguments is not None else None
    if call is None or call.type != "call_expression":
        return None
    method, recv = scan.callee_method(call)
    position = SCHEDULER_METHODS.get(method, 0 if method in RUN_KINDS else None)
    if position is None:
        return None
    path = scan.member_path(recv)
    if method in SCHEDULER_METHODS and (not path or path[-1] != "scheduler"):
        return None
    args = call_arguments(call)
    if len(args) <= position or args[position].id != arg.id:
        return None
    return ".".join((path or ["…"]) + [method])


def _read_references(scan: FileScan, call: Node, fn: Node) -> None:
    """Table and index references one call makes."""
    src = scan.source
    path = scan.member_path(fn)
    if path and len(path) >= 2:
        method = path[-1]
        is_db = path[-2] == "db" or (path[-2] == "system" and len(path) >= 3 and path[-3] == "db")
        if is_db and method in _DB_METHODS:
            args = call_arguments(call)
            table = static_string_value(args[0]) if args else None
            explicit = method in ("query", "insert") or (len(args) >= (2 if method in ("get", "delete") else 3))
            if table is not None and explicit and not table.startswith("_"):
                scan.facts.table_refs.append(TableRef(table, method, src.node_span(args[0])))
        elif path == ["v", "id"]:
            args = call_arguments(call)
            table = static_string_value(args[0]) if args else None
            if table is not None and not table.startswith("_"):
                scan.facts.table_refs.append(TableRef(table, "id", src.node_span(args[0])))
    else:
        method, _recv = scan.callee_method(call)
        if method in ("withIndex", "withSearchIndex"):
            _read_index_ref(scan, call, method == "withSearchIndex")


def _built_at_run_time(name: Node) -> bool:
    """Whether an index-name argument is computed (a template with substitutions, a
    concatenation, a call...), not a literal or a name whose literal value is written
    elsewhere (a ``const``, a parameter whose callers pass literals, ``INDEX.byUser``)."""
    value = resolve_value(name)
    if value is None or static_string_value(value) is not None:
        return False
    return value.type not in ("identifier", "member_expression")


def _read_index_ref(scan: FileScan, call: Node, search: bool) -> None:
    _method, recv = scan.callee_method(call)
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
    bounds: list[tuple[str, str, Node]] | None = []
    if len(args) > 1:
        bounds = range_bounds(unwrap(args[1]))
    ref = IndexRef(table, index, None, search, scan.source.node_span(args[0]))
    if bounds is not None:
        ref.fields = [f for f, _op, _n in bounds]
        ref.ops = [op for _f, op, _n in bounds]
        ref.bound_spans = [scan.source.node_span(n) for _f, _op, n in bounds]
    scan.facts.index_refs.append(ref)


def range_bounds(fn: Node | None) -> list[tuple[str, str, Node]] | None:
    """``(field, bound, field argument node)`` of an index range in order:
    ``q => q.eq("a", x).gte("b", y).lt("b", z)`` -> ``[("a", "eq", …), ("b", "gte", …),
    ("b", "lt", …)]``; None when the range is not a static chain."""
    if fn is None or not is_function(fn):
        return None
    body = fn.child_by_field_name("body")
    body = unwrap(body)
    if body is None or body.type == "statement_block":
        return None
    bounds: list[tuple[str, str, Node]] = []
    node = body
    while node is not None and node.type == "call_expression":
        method, recv = callee_method(node)
        if method is None:
            return None
        if method not in _RANGE_METHODS:
            return None
        args = call_arguments(node)
        field = static_string_value(args[0]) if args else None
        if field is None:
            return None  # a computed field name: not static
        bounds.append((field, method, args[0]))
        node = unwrap(recv)
    if node is None or node.type != "identifier":
        return None
    bounds.reverse()
    return bounds


def read_process_env(scan: FileScan) -> None:
    """Every ``process.env`` where ``process`` is the global."""
    data = scan.source.data
    root = scan.source.root
    pos = data.find(b"process.env")
    while pos != -1:
        node = root.descendant_for_byte_range(pos, pos + len(b"process.env"))
        while node is not None and node.type != "member_expression" and node.end_byte <= pos + len(b"process.env"):
            node = node.parent
        if node is not None and node.type == "member_expression" and member_path(node) == ["process", "env"]:
            if resolve_binding("process", node) is None:
                scan.facts.process_env.append(scan.source.node_span(node))
        pos = data.find(b"process.env", pos + 1)
