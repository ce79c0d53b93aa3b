"""no-filter-after-collect: array ``.filter`` on the result of a database ``.collect()``.

Source: S004 ("Use indexes instead of .filter() after .collect()"). Collecting and then
filtering in TypeScript still reads every document; an index range reads only matches.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.rules._dbchain import query_chain
from convexlint.syntax import callee_method, resolve_binding, text, unwrap


def collected_query(node: Node | None, hops: int = 0) -> bool:
    """Whether ``node`` evaluates to the array a database ``.collect()`` returned."""
    node = unwrap(node)
    if node is None or hops > 4:
        return False
    if node.type == "call_expression":
        method, recv = callee_method(node)
        return method == "collect" and query_chain(recv).is_query
    if node.type == "identifier":
        found = resolve_binding(text(node), node)
        if found is not None and found[0] == "const" and found[1] is not None:
            return collected_query(found[1], hops + 1)
    return False


class NoFilterAfterCollect(Rule):
    id = "no-filter-after-collect"
    listeners = {"call_expression": "on_call"}
    call_names = frozenset({"filter"})

    def on_call(self, node: Node, file: FileContext) -> None:
        method, recv = callee_method(node)
        if method != "filter" or not collected_query(recv):
            return
        prop = node.child_by_field_name("function").child_by_field_name("property")
        file.report(
            self,
            prop,
            "Filtering the result of `.collect()` still reads every document; "
            "express the condition as an index range with `.withIndex(…)`.",
        )
