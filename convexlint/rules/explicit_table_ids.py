"""explicit-table-ids: ``ctx.db.get/patch/replace/delete(id, ...)`` without the table name.

Sources: the official ESLint plugin's rule of the same id, Convex Best Practices. Newer
Convex APIs take the table first (``ctx.db.get("users", id)``), which makes the table
explicit at the call and lets Convex check it.

Fix (safe): insert the table when it is certain: a value from ``ctx.db.insert("users",
…)``; a parameter typed ``Id<"users">``; or an argument the registration validates with
``v.id("users")`` (``args.userId`` or a destructured ``{ userId }``). A cast (``x as
Id<"users">``) is only a claim: no fix. Otherwise no fix.
"""

from __future__ import annotations

from tree_sitter import Node

import re

from convexlint.rules.base import FileContext, Rule
from convexlint.syntax import FUNCTION_TYPES, call_arguments, object_properties, resolve_binding, static_string_value, text, unwrap

_ID_TYPE = re.compile(r"^Id\s*<\s*[\"'`]([A-Za-z_][A-Za-z0-9_]*)[\"'`]\s*>$")
_V_ID = re.compile(r"^v\.id\(\s*[\"'`]([A-Za-z_][A-Za-z0-9_]*)[\"'`]\s*\)$")

#: method -> argument count of the old form (id first)
_OLD_ARITY = {"get": 1, "delete": 1, "patch": 2, "replace": 2}


class ExplicitTableIds(Rule):
    id = "explicit-table-ids"
    listeners = {"call_expression": "on_call"}
    call_names = frozenset({"get", "delete", "patch", "replace"})

    def on_call(self, node: Node, file: FileContext) -> None:
        path = file.member_path(node.child_by_field_name("function"))
        if not path or len(path) < 2 or path[-2] != "db" or path[-1] not in _OLD_ARITY:
            return
        args = call_arguments(node)
        if len(args) != _OLD_ARITY[path[-1]] or static_string_value(args[0]) is not None:
            return
        if any(a.type == "spread_element" for a in args):
            return
        method = path[-1]
        table = _certain_table(file, args[0])
        fix = [file.edit((args[0].start_byte, args[0].start_byte), f'"{table}", ')] if table is not None else None
        file.report(
            self,
            node.child_by_field_name("function"),
            "missing_table_with_value" if method in ("patch", "replace") else "missing_table",
            fix=fix,
            method=method,
        )


def _certain_table(file: FileContext, arg: Node) -> str | None:
    """The table an id expression certainly belongs to (see the module docstring), or None."""
    node = unwrap(arg)
    if node is None:
        return None
    if arg.type in ("as_expression", "satisfies_expression", "non_null_expression"):
        # A cast (`x as Id<"deals">`) is a claim, not a certainty: polymorphic ids are cast
        # per branch, and a wrong cast would make the two-argument form fail. No fix.
        return None
    if node.type == "identifier":
        bound = resolve_binding(text(node), node)
        if bound is None:
            return None
        kind, value = bound
        if kind == "const" and value is not None:
            return _inserted_table(file, value)
        if kind == "param":
            return _param_table(file, node, text(node), None)
        return None
    if node.type == "member_expression":
        obj, prop = unwrap(node.child_by_field_name("object")), node.child_by_field_name("property")
        if obj is not None and obj.type == "identifier" and prop is not None and prop.type == "property_identifier":
            bound = resolve_binding(text(obj), obj)
            if bound is not None and bound[0] == "param":
                return _param_table(file, node, text(obj), text(prop))
    return None


def _inserted_table(file: FileContext, value: Node) -> str | None:
    """``await ctx.db.insert("t", …)`` -> ``"t"``."""
    value = unwrap(value)
    if value is not None and value.type == "await_expression":
        value = unwrap(value.named_children[0]) if value.named_children else None
    if value is None or value.type != "call_expression":
        return None
    path = file.member_path(value.child_by_field_name("function"))
    args = call_arguments(value)
    if path and len(path) >= 2 and path[-2] == "db" and path[-1] == "insert" and args:
        return static_string_value(args[0])
    return None


def _param_table(file: FileContext, at: Node, name: str, field: str | None) -> str | None:
    """For a parameter ``name`` of the function around ``at`` (``field``: the property read
    from it): its ``Id<"t">`` type, or the ``v.id("t")`` validator of the registration
    whose handler it is (``args.field``, or ``{ field }`` destructured)."""
    fn = file.scan.ancestor(at, "function", lambda n: n.type in FUNCTION_TYPES)
    params = fn.child_by_field_name("parameters") if fn is not None else None
    if params is None:
        return None
    listed = [p for p in params.named_children if p.type != "comment"]
    for i, p in enumerate(listed):
        pattern = p.child_by_field_name("pattern")
        annotation = p.child_by_field_name("type")
        if pattern is None:
            continue
        if field is None and pattern.type == "identifier" and text(pattern) == name and annotation is not None:
            m = _ID_TYPE.match(" ".join(text(annotation).lstrip(":").split()))
            return m.group(1) if m else None
        if i != 1:
            continue  # a handler's validated arguments are its second parameter
        if field is not None and pattern.type == "identifier" and text(pattern) == name:
            return _validated(fn, field)
        if field is None and pattern.type == "object_pattern":
            for child in pattern.named_children:
                if child.type == "shorthand_property_identifier_pattern" and text(child) == name:
                    return _validated(fn, name)
    return None


def _validated(fn: Node, field: str) -> str | None:
    """The table of ``args: { field: v.id("t") }`` in the registration whose ``handler`` is
    ``fn``; None when ``fn`` is no such handler or the validator is anything else."""
    pair = fn.parent
    if fn.type == "method_definition":
        obj = pair if text(fn.child_by_field_name("name")) == "handler" else None
    elif pair is not None and pair.type == "pair" and text(pair.child_by_field_name("key")) == "handler":
        obj = pair.parent
    else:
        return None
    if obj is None or obj.type != "object":
        return None
    props, _unknown = object_properties(obj)
    spec = unwrap(props.get("args"))
    if spec is None or spec.type != "object":
        return None
    fields, _unknown = object_properties(spec)
    validator = fields.get(field)
    m = _V_ID.match("".join(text(validator).split())) if validator is not None else None
    return m.group(1) if m else None
