"""The schema: ``defineSchema({ table: defineTable(fields).index(…) … })``: tables, their
fields and their indexes.

Source: Convex's ``defineSchema``/``defineTable`` and ``TableDefinition.index``/
``searchIndex``/``vectorIndex``.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.model.extract.modules import module_declarators
from convexlint.model.extract.scan import FileScan
from convexlint.model.facts import IndexFact, SchemaFact, TableFact
from convexlint.syntax import (
    call_arguments,
    callee_method,
    member_path,
    object_properties,
    property_key,
    resolve_binding,
    resolve_value,
    static_string_value,
    text,
    unwrap,
)


#: Calls that define a schema, and calls that define one table.
SCHEMA_CALLS = frozenset({"defineSchema", "defineEntSchema"})
_TABLE_CALLS = frozenset({"defineTable", "defineEnt"})
_INDEX_METHODS = ("index", "searchIndex", "vectorIndex")
_MAX_SPREADS = 4  # nested in-file spreads followed: `...base` where base spreads `...more`


def read_schema(scan: FileScan, call: Node) -> SchemaFact:
    """The ``defineSchema(...)``/``defineEntSchema(...)`` call ``call``."""
    args = call_arguments(call)
    obj = resolve_value(args[0]) if args else None
    if obj is None or obj.type != "object":
        return SchemaFact(tables=[], dynamic=True, span=scan.source.node_span(call))
    return _tables_of(scan, obj, call)


def read_table_groups(scan: FileScan) -> None:
    """Module-level objects of tables, ``export const billingTables = { invoices:
    defineTable(…) }``, which a schema in another file may spread (``...billingTables``)."""
    text_ = scan.source.text
    if "defineTable" not in text_ and "defineEnt" not in text_ and "Table(" not in text_:
        return  # no table can be defined here
    for name_node, name, value in module_declarators(scan):
        if value is None or value.type != "object" or name not in scan.facts.exports:
            continue
        if any(_is_table_expression(v) for v in object_properties(value)[0].values()):
            scan.facts.table_groups[name] = _tables_of(scan, value, name_node)


def _is_table_expression(node: Node | None) -> bool:
    """``defineTable(…)…``, ``defineEnt(…)…`` or convex-helpers' ``X.table…``."""
    node = resolve_value(node)
    while node is not None and node.type == "call_expression":
        method, recv = callee_method(node)
        if method is None:
            fn = node.child_by_field_name("function")
            return fn is not None and text(fn) in _TABLE_CALLS
        node = resolve_value(recv)
    return node is not None and node.type == "member_expression" and _helper_table(node) is not None


def _tables_of(scan: FileScan, obj: Node, at: Node, depth: int = 0) -> SchemaFact:
    """Tables of an object literal of tables (a schema's argument or a table group)."""
    tables: list[TableFact] = []
    spreads: list[tuple[str, str]] = []
    dynamic = False
    for child in obj.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            name = property_key(child)
            if name is None or key is None:
                dynamic = True
                continue
            table = _table(scan, name, key, child.child_by_field_name("value"))
        elif child.type == "shorthand_property_identifier":
            # `const users = defineTable(…); defineSchema({ users })`
            found = resolve_binding(text(child), child)
            value = found[1] if found is not None and found[0] in ("const", "let", "var") else None
            table = _table(scan, text(child), child, value)
        elif child.type == "spread_element":
            inner = unwrap(next((c for c in child.named_children if c.type != "comment"), None))
            group = _spread(scan, inner, depth)
            if group is None:
                dynamic = True  # not a table object we can see: `...someFunction()`
            elif isinstance(group, tuple):
                spreads.append(group)
            else:
                tables += group.tables
                spreads += group.spreads
                dynamic = dynamic or group.dynamic
            continue
        else:
            continue
        if not table.indexes_complete:
            dynamic = True
        tables.append(table)
    return SchemaFact(tables=tables, dynamic=dynamic, span=scan.source.node_span(at), spreads=spreads)


def _spread(scan: FileScan, node: Node | None, depth: int) -> SchemaFact | tuple[str, str] | None:
    """What ``...node`` in a table object brings: an in-file object of tables (its tables),
    an imported binding (``(source, name)`` for the project to resolve), or None."""
    if node is None or node.type != "identifier" or depth >= _MAX_SPREADS:
        return None
    found = resolve_binding(text(node), node)
    if found is None:
        return None
    if found[0] == "import":
        spec = found[1]
        stmt = spec
        while stmt is not None and stmt.type != "import_statement":
            stmt = stmt.parent
        source = static_string_value(stmt.child_by_field_name("source")) if stmt is not None else None
        if source is None or spec is None or spec.type != "import_specifier":
            return None  # a default or namespace import: not followed
        return source, text(spec.child_by_field_name("name"))
    value = unwrap(found[1]) if found[0] in ("const", "let", "var") else None
    if value is None or value.type != "object":
        return None
    return _tables_of(scan, value, node, depth + 1)


def _helper_table(node: Node) -> tuple[Node, Node | None] | None:
    """convex-helpers' ``Users.table`` where ``const Users = Table("users", fields)``:
    ``(call, fields node)``, else None."""
    prop = node.child_by_field_name("property")
    if prop is None or text(prop) != "table":
        return None
    call = resolve_value(node.child_by_field_name("object"))
    if call is None or call.type != "call_expression":
        return None
    fn = call.child_by_field_name("function")
    if fn is None or text(fn) != "Table":
        return None
    args = call_arguments(call)
    return call, (resolve_value(args[1]) if len(args) > 1 else None)


def _table(scan: FileScan, name: str, name_node: Node, value: Node | None) -> TableFact:
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
        if method in _INDEX_METHODS:
            indexes.append(_index(scan, method, node, args))
        else:
            complete = False  # convex-ents' .edge()/.field()/.deletion(): adds fields and indexes we do not model
        node = resolve_value(recv)
    doc: Node | None = None
    if node is not None and node.type == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is not None and text(fn) in _TABLE_CALLS:
            args = call_arguments(node)
            doc = resolve_value(args[0]) if args else None
        else:
            complete = False
    elif node is not None and node.type == "member_expression" and (helper := _helper_table(node)) is not None:
        doc = helper[1]
    else:
        complete = False
    fields: dict[str, str] | None = None
    field_spans: dict = {}
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
    indexes.reverse()
    return TableFact(
        name=name,
        span=src.node_span(value if value is not None else name_node),
        name_span=src.node_span(name_node),
        fields=fields,
        indexes=indexes,
        indexes_complete=complete,
        field_spans=field_spans,
        path=src.path,
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
