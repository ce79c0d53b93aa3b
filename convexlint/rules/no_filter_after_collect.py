"""no-filter-after-collect: array ``.filter`` on the result of a database ``.collect()``.

Source: S004 ("Use indexes instead of .filter() after .collect()"). Collecting and then
filtering in TypeScript still reads every document; an index range reads only matches.
Only when the collected array serves nothing but the filter: when the code also uses the
whole array (counts it, returns it, passes it on), the collect was needed anyway.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.rules._dbchain import query_chain
from convexlint.syntax import callee_method, iter_descendants, resolve_binding, text, unwrap


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


def _used_elsewhere(name: Node | None) -> bool:
    """For ``docs.filter(...)`` where ``const docs = await ….collect()``: whether ``docs`` is
    used anywhere else in its scope (other than its declaration and this filter)."""
    if name is None or name.type != "identifier":
        return False  # `(await q.collect()).filter(…)`: the array exists only for the filter
    found = resolve_binding(text(name), name)
    if found is None or found[1] is None:
        return False
    declarator = found[1].parent
    while declarator is not None and declarator.type != "variable_declarator":
        declarator = declarator.parent
    if declarator is None:
        return False
    scope = declarator.parent
    while scope is not None and scope.type not in ("statement_block", "program"):
        scope = scope.parent
    if scope is None:
        return False
    own = declarator.child_by_field_name("name")
    word = text(name)
    for n in iter_descendants(scope):
        if n.type in ("identifier", "shorthand_property_identifier") and text(n) == word and n.id != name.id:
            if own is None or n.id != own.id:
                return True
    return False


class NoFilterAfterCollect(Rule):
    id = "no-filter-after-collect"
    listeners = {"call_expression": "on_call"}
    call_names = frozenset({"filter"})

    def on_call(self, node: Node, file: FileContext) -> None:
        method, recv = callee_method(node)
        if method != "filter" or not collected_query(recv):
            return
        if _used_elsewhere(unwrap(recv)):
            return  # the whole array is needed anyway
        prop = node.child_by_field_name("function").child_by_field_name("property")
        file.report(self, prop, "filter_after_collect")
