"""no-collect-length: counting documents with ``.collect()`` and ``.length``.

Source: Convex's guidelines (GL). Collecting documents only to count them reads all of
them; keep a counter (e.g. the aggregate component) or bound the read.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.rules._dbchain import query_chain
from convexlint.syntax import FUNCTION_TYPES, callee_method, iter_descendants, text


def _lifted(node: Node) -> Node:
    """Climb through ``await``, parentheses and ``!`` around an expression."""
    while node.parent is not None and node.parent.type in ("await_expression", "parenthesized_expression", "non_null_expression"):
        node = node.parent
    return node


def _is_length_of(node: Node) -> bool:
    parent = node.parent
    if parent is None or parent.type != "member_expression" or parent.child_by_field_name("object") != node:
        return False
    prop = parent.child_by_field_name("property")
    return prop is not None and text(prop) == "length"


class NoCollectLength(Rule):
    id = "no-collect-length"
    listeners = {"call_expression": "on_call"}
    call_names = frozenset({"collect"})

    def on_call(self, node: Node, file: FileContext) -> None:
        method, recv = callee_method(node)
        if method != "collect" or not query_chain(recv).is_query:
            return
        top = _lifted(node)
        if _is_length_of(top):
            file.report(self, top.parent, "collect_length")
            return
        declarator = top.parent
        if declarator is None or declarator.type != "variable_declarator":
            return
        name_node = declarator.child_by_field_name("name")
        if name_node is None or name_node.type != "identifier":
            return
        name = text(name_node)
        scope = declarator
        while scope.parent is not None and scope.type not in FUNCTION_TYPES and scope.type != "program":
            scope = scope.parent
        uses = [n for n in iter_descendants(scope) if n.type == "identifier" and text(n) == name and n.id != name_node.id]
        if uses and all(_is_length_of(u) for u in uses):
            file.report(self, uses[0].parent, "length_only", name=name)
