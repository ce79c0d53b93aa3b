"""no-filter-in-query: ``.filter(...)`` on a database query.

Sources: S000 (NEVER "Use filter() in queries"), S001 (DON'T), S004, the official ESLint
plugin's rule of the same id, and Convex's Best Practices page. ``.filter`` on a query
reads every document the query range covers and discards the rest in the database; an
index range (``withIndex``) reads only what matches.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules._dbchain import query_chain
from convexlint.rules.base import FileContext, Rule


class NoFilterInQuery(Rule):
    id = "no-filter-in-query"
    listeners = {"call_expression": "on_call"}
    call_names = frozenset({"filter"})

    def on_call(self, node: Node, file: FileContext) -> None:
        method, recv = file.callee_method(node)
        if method != "filter":
            return
        is_query, indexed, _ranged = query_chain(recv)
        if not is_query:
            return
        if indexed and file.options(self.id)["allow_after_index"]:
            return
        prop = node.child_by_field_name("function").child_by_field_name("property")
        file.report(self, prop, "after_index" if indexed else "unindexed")
