"""explicit-table-ids: ``ctx.db.get/patch/replace/delete(id, ...)`` without the table name.

Sources: the official ESLint plugin's rule of the same id, Convex Best Practices. Newer
Convex APIs take the table first (``ctx.db.get("users", id)``), which makes the table
explicit at the call and lets Convex check it.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.syntax import call_arguments, static_string_value

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
        file.report(
            self,
            node.child_by_field_name("function"),
            "missing_table_with_value" if method in ("patch", "replace") else "missing_table",
            method=method,
        )
