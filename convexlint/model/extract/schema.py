"""The schema: ``defineSchema({ table: defineTable(fields).index(…) … })``: tables, their
fields and their indexes.

Source: Convex's ``defineSchema``/``defineTable`` and ``TableDefinition.index``/
``searchIndex``/``vectorIndex``.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.model.extract.scan import FileScan
from convexlint.model.facts import IndexFact, SchemaFact, TableFact
from convexlint.syntax import (
    call_arguments,
    callee_method,
    member_path,
    object_properties,
    property_key,
    resolve_value,
    static_string_value,
    text,
)


def read_schema(scan: FileScan, call: Node) -> SchemaFact:
    """The ``defineSchema(...)`` call ``call``. A part that is not static (a spread, a
    computed key, a table whose definition cannot be followed) makes it ``dynamic``."""
    src = scan.source
    args = call_arguments(call)
    tables: list[TableFact] = []
    dynamic = False
    obj = resolve_value(args[0]) if args else None
    if obj is None or obj.type != "object":
        return SchemaFact(tables=[], dynamic=True, span=src.node_span(call))
    for child in obj.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            name = property_key(child)
            if name is None or key is None:
                dynamic = True
                continue
            table = _table(scan, name, key, child.child_by_field_name("value"))
        elif child.type == "shorthand_property_identifier":
            table = _table(scan, text(child), child, child)
        elif child.type == "spread_element":
            dynamic = True
            continue
        else:
            continue
        if table is None or not table.indexes_complete:
            dynamic = True
        if table is not None:
            tables.append(table)
    return SchemaFact(tables=tables, dynamic=dynamic, span=src.node_span(call))


def _table(scan: FileScan, name: str, name_node: Node, value: Node | None) -> TableFact | None:
    src = scan.source
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
            indexes.append(_index(scan, method, node, args))
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
            if doc is not None and doc.type == "object":
                props, unknown = object_properties(doc)
                if not unknown:
                    fields = {k: text(v) for k, v in props.items()}
                    field_spans = {
                        k: src.node_span(v.parent if v.parent is not None and v.parent.type == "pair" else v)
                        for k, v in props.items()
                    }
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


def _index(scan: FileScan, method: str, call: Node, args: list[Node]) -> IndexFact:
    src = scan.source
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
