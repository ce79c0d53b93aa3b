"""Following a database query-builder chain back to ``ctx.db.query(...)``.

Shared by the rules about ``.filter``, ``.collect`` and counting: they all need to know
whether an expression is a query on the database, and whether its chain uses an index
(and with a range).
"""

from __future__ import annotations

from typing import NamedTuple

from tree_sitter import Node

from convexlint.syntax import call_arguments, callee_method, resolve_binding, text, unwrap

#: Query-builder methods that return another query builder.
CHAIN_METHODS = frozenset({"withIndex", "withSearchIndex", "order", "filter", "fullTableScan"})
INDEX_METHODS = frozenset({"withIndex", "withSearchIndex"})
_MAX_HOPS = 6


class Chain(NamedTuple):
    """``is_query``: the expression is a database query builder; ``indexed``: the chain
    calls ``withIndex``/``withSearchIndex``; ``ranged``: with an index range (a range
    function, or a search)."""

    is_query: bool
    indexed: bool
    ranged: bool


NOT_A_QUERY = Chain(False, False, False)


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


def query_chain(node: Node | None, hops: int = 0) -> Chain:
    """Follow ``node`` through query-builder methods (and variables bound to such chains)
    back to ``db.query(...)``. Anything that ends the builder (``collect``, ``take``,
    ``first``, ``paginate(...).page``...) or cannot be followed is ``NOT_A_QUERY``."""
    node = unwrap(node)
    if node is None or hops > _MAX_HOPS:
        return NOT_A_QUERY
    if node.type == "call_expression":
        method, recv = callee_method(node)
        if method == "query":
            return Chain(is_database(recv), False, False)
        if method in CHAIN_METHODS:
            inner = query_chain(recv, hops + 1)
            ranged = method == "withSearchIndex" or (method == "withIndex" and len(call_arguments(node)) > 1)
            return Chain(inner.is_query, inner.indexed or method in INDEX_METHODS, inner.ranged or ranged)
        return NOT_A_QUERY
    if node.type == "identifier":
        found = resolve_binding(text(node), node)
        if found is not None and found[0] in ("const", "let", "var") and found[1] is not None:
            return query_chain(found[1], hops + 1)
    return NOT_A_QUERY
