"""no-floating-promises: a Convex call whose promise is neither awaited nor used.

Sources: S001 DO ("Await all promises"), Convex Best Practices. An un-awaited
``ctx.db.insert``/``ctx.scheduler.runAfter``/``ctx.run*``/``ctx.storage.*`` may not run
before the function returns, and its errors are lost.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.syntax import member_path

_DB = frozenset({"insert", "patch", "replace", "delete"})
_RUN = frozenset({"runQuery", "runMutation", "runAction"})


def convex_call_name(call: Node) -> str | None:
    """``"ctx.db.insert"``-style name when ``call`` is a promise-returning Convex call."""
    path = member_path(call.child_by_field_name("function"))
    if not path or len(path) < 2:
        return None
    if path[-2] == "db" and path[-1] in _DB:
        return ".".join(path)
    if path[-2] in ("scheduler", "storage") or (path[-1] in _RUN):
        return ".".join(path)
    return None


class NoFloatingPromises(Rule):
    id = "no-floating-promises"
    listeners = {"call_expression": "on_call"}
    call_names = frozenset(
        {"insert", "patch", "replace", "delete", "runAfter", "runAt", "cancel", "runQuery", "runMutation", "runAction"}
        | {"store", "get", "getUrl", "generateUploadUrl", "getMetadata"}
    )

    def on_call(self, node: Node, file: FileContext) -> None:
        parent = file.scan.parents.of(node)  # O(1) on deep trees, unlike node.parent
        while parent is not None and parent.type == "parenthesized_expression":
            parent = file.scan.parents.of(parent)
        if parent is None or parent.type != "expression_statement":
            return
        name = convex_call_name(node)
        if name is None:
            return
        # Unsafe fix: wait for it (the engine drops it where `await` is not allowed).
        file.report(self, node.child_by_field_name("function"), "not_awaited", fix=[file.edit((node.start_byte, node.start_byte), "await ")], call=name)
