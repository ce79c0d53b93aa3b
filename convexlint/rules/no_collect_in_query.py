"""no-collect-in-query: ``.collect()`` on a database query with no index range.

Sources: S001 DON'T ("use .collect() on unbounded queries"), S003, the official ESLint
plugin's rule of the same id (which flags every ``.collect()``), Convex's guidelines and
Best Practices. An unbounded collect reads the whole table and fails past Convex's read
limits. By default (``mode: unindexed``) only collects with no index range are flagged;
``mode: all`` flags every ``.collect()`` like the ESLint plugin.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.rules.no_filter_in_query import CHAIN_METHODS, is_database
from convexlint.syntax import call_arguments, callee_method, resolve_binding, text, unwrap

_MAX_HOPS = 6


def chain_of(node: Node | None, hops: int = 0) -> tuple[bool, bool]:
    """``(is_database_query, has_index_range)`` for a query-builder expression."""
    node = unwrap(node)
    if node is None or hops > _MAX_HOPS:
        return False, False
    if node.type == "call_expression":
        method, recv = callee_method(node)
        if method == "query":
            return is_database(recv), False
        if method in CHAIN_METHODS:
            is_query, ranged = chain_of(recv, hops + 1)
            if method == "withSearchIndex" or (method == "withIndex" and len(call_arguments(node)) > 1):
                ranged = True
            return is_query, ranged
        return False, False
    if node.type == "identifier":
        found = resolve_binding(text(node), node)
        if found is not None and found[0] in ("const", "let", "var") and found[1] is not None:
            return chain_of(found[1], hops + 1)
    return False, False


class NoCollectInQuery(Rule):
    id = "no-collect-in-query"
    listeners = {"call_expression": "on_call"}

    def on_call(self, node: Node, file: FileContext) -> None:
        method, recv = callee_method(node)
        if method != "collect":
            return
        is_query, ranged = chain_of(recv)
        if not is_query:
            return
        if ranged and file.options(self.id)["mode"] == "unindexed":
            return
        prop = node.child_by_field_name("function").child_by_field_name("property")
        if ranged:
            message = "`.collect()` loads every document in the index range; bound it with `.take(n)` or `.paginate(…)`."
        else:
            message = "`.collect()` on a query with no index range loads the whole table; use an index range, `.take(n)` or `.paginate(…)`."
        file.report(self, prop, message)
