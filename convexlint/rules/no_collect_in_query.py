"""no-collect-in-query: ``.collect()`` on a database query with no index range.

Sources: S001 DON'T ("use .collect() on unbounded queries"), S003, the official ESLint
plugin's rule of the same id (which flags every ``.collect()``), Convex's guidelines and
Best Practices. An unbounded collect reads the whole table and fails past Convex's read
limits. By default (``mode: unindexed``) only collects with no index range are flagged;
``mode: all`` flags every ``.collect()`` like the ESLint plugin.

The finding spans the whole ``….collect()`` call, the node the ESLint plugin reports, so
it starts on the plugin's line (where ``// eslint-disable-next-line
@convex-dev/no-collect-in-query`` comments already sit): the chain's first line.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules._dbchain import query_chain
from convexlint.rules.base import FileContext, Rule


class NoCollectInQuery(Rule):
    id = "no-collect-in-query"
    listeners = {"call_expression": "on_call"}
    call_names = frozenset({"collect"})

    def on_call(self, node: Node, file: FileContext) -> None:
        method, recv = file.callee_method(node)
        if method != "collect":
            return
        is_query, _indexed, ranged = query_chain(recv)
        if not is_query:
            return
        if ranged and file.options(self.id)["mode"] == "unindexed":
            return
        # the plugin's node: the whole `….collect()` call
        file.report(self, node, "index_range" if ranged else "no_index_range")
