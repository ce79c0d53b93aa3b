"""no-filter-in-query: ``.filter(...)`` on a database query.

Sources: S000 (NEVER "Use filter() in queries"), S001 (DON'T), S004, the official ESLint
plugin's rule of the same id, and Convex's Best Practices page. ``.filter`` on a query
reads every document the query range covers and discards the rest in the database; an
index range (``withIndex``) reads only what matches.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.syntax import callee_method, resolve_binding, text, unwrap

#: Query-builder methods that return another query builder.
CHAIN_METHODS = frozenset({"withIndex", "withSearchIndex", "order", "filter", "fullTableScan"})
INDEX_METHODS = frozenset({"withIndex", "withSearchIndex"})
_MAX_HOPS = 6


def is_database(node: Node | None, hops: int = 0) -> bool:
    """``ctx.db``, ``db`` (e.g. a helper's parameter), ``ctx.db.system``, or a variable
    bound to one of those."""
    node = unwrap(node)
    if node is None or hops > _MAX_HOPS:
        return False
    if node.type == "identifier":
        if text(node) == "db":
            return True
        found = resolve_binding(text(node), node)
        if found is not None and found[0] in ("const", "let", "var") and found[1] is not None:
            return is_database(found[1], hops + 1)
        return False
    if node.type == "member_expression":
        prop = text(node.child_by_field_name("property"))
        if prop == "db":
            return True
        if prop == "system":
            return is_database(node.child_by_field_name("object"), hops + 1)
    return False


def query_chain(node: Node | None, hops: int = 0) -> tuple[bool, bool]:
    """``(is_database_query, uses_an_index)`` for the receiver of a ``.filter`` call.

    Follows ``db.query(...)`` through the query-builder methods and through variables bound
    to such chains; anything that ends the builder (``collect``, ``take``, ``first``,
    ``paginate(...).page``...) or that we cannot follow answers ``(False, False)``.
    """
    node = unwrap(node)
    if node is None or hops > _MAX_HOPS:
        return False, False
    if node.type == "call_expression":
        method, recv = callee_method(node)
        if method == "query":
            return is_database(recv), False
        if method in CHAIN_METHODS:
            is_query, indexed = query_chain(recv, hops + 1)
            return is_query, indexed or method in INDEX_METHODS
        return False, False
    if node.type == "identifier":
        found = resolve_binding(text(node), node)
        if found is not None and found[0] in ("const", "let", "var") and found[1] is not None:
            return query_chain(found[1], hops + 1)
    return False, False


class NoFilterInQuery(Rule):
    id = "no-filter-in-query"
    listeners = {"call_expression": "on_call"}

    def on_call(self, node: Node, file: FileContext) -> None:
        method, recv = callee_method(node)
        if method != "filter":
            return
        is_query, indexed = query_chain(recv)
        if not is_query:
            return
        if indexed and file.options(self.id)["allow_after_index"]:
            return
        prop = node.child_by_field_name("function").child_by_field_name("property")
        if indexed:
            message = (
                "`.filter()` after `.withIndex()` still reads every document in the index range; "
                "move the condition into the index range or filter the results in TypeScript."
            )
        else:
            message = (
                "`.filter()` on a database query reads every document in the table; "
                "use an index with `.withIndex()` instead."
            )
        file.report(self, prop, message)
