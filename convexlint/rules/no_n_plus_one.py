"""no-n-plus-one: ``await ctx.db.get/query(...)`` inside a loop body.

Source: S003 ("Can we avoid N+1 patterns?", "Batch fetch assignees to avoid N+1"). Each
iteration waits for the previous read; start them together with ``Promise.all``.
Not N+1: a read whose result is returned (``return await ctx.db.get(id)``: it runs at most
once); a loop over a list written out in the code (``for (const t of ["a", "b"])``, or a
``const`` bound to such an array literal, e.g. seed data: a fixed, small number of reads);
and ``while``/``do`` loops, which iterate a condition, not a collection (a probe for a free
slug, a cursor walk: each read depends on the previous one, so they cannot be batched).
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.syntax import FUNCTION_TYPES, call_arguments, resolve_binding, text, unwrap

_LOOPS = frozenset({"for_statement", "for_in_statement"})
_CONDITION_LOOPS = frozenset({"while_statement", "do_statement"})


class NoNPlusOne(Rule):
    id = "no-n-plus-one"
    listeners = {"call_expression": "on_call"}
    call_names = frozenset({"get", "query"})

    def on_call(self, node: Node, file: FileContext) -> None:
        path = file.member_path(node.child_by_field_name("function"))
        if not path or len(path) < 2 or path[-2] != "db" or path[-1] not in ("get", "query"):
            return
        # The nearest loop, function or `return` above the call, and whether an `await`
        # lies between (memoized per file: chains of 16k calls stay linear).
        first = file.scan.ancestor(node, "n+1:await", _await_or_stop)
        awaited = first is not None and first.type == "await_expression"
        n = file.scan.ancestor(node, "n+1:stop", _is_stop) if awaited else first
        if n is None or n.type in FUNCTION_TYPES or n.type == "return_statement":
            return  # not in a loop, or the loop ends with this read: it runs once
        if n.type in _CONDITION_LOOPS:
            return  # each read decides whether the next one happens: nothing to batch
        if _over_constants(n):
            return
        body = n.child_by_field_name("body")
        if awaited and body is not None and body.start_byte <= node.start_byte < body.end_byte:
            file.report(self, node.child_by_field_name("function"), "sequential_read", call=".".join(path))


_STOPS = FUNCTION_TYPES | _LOOPS | _CONDITION_LOOPS | {"return_statement"}


def _is_stop(node: Node) -> bool:
    return node.type in _STOPS


def _await_or_stop(node: Node) -> bool:
    return node.type == "await_expression" or node.type in _STOPS


_CONSTANTS = frozenset({"string", "number", "true", "false", "null"})


def _over_constants(loop: Node) -> bool:
    """A loop over a list written out in the code: ``for (const x of ["a", "b"])``,
    ``of new Set([1, 2])``, or ``of SEED`` where ``const SEED = [{…}, {…}]`` (a non-empty
    array literal without spreads; an empty one is an accumulator filled at run time)."""
    if loop.type != "for_in_statement":
        return False
    right = unwrap(loop.child_by_field_name("right"))
    if right is not None and right.type == "new_expression":
        args = call_arguments(right)
        right = unwrap(args[0]) if len(args) == 1 else None
    if right is not None and right.type == "identifier":
        bound = resolve_binding(text(right), right)
        right = unwrap(bound[1]) if bound is not None and bound[0] == "const" else None
        if right is not None and right.type == "array":
            items = [c for c in right.named_children if c.type != "comment"]
            return bool(items) and not any(c.type == "spread_element" for c in items)
        return False
    if right is None or right.type != "array":
        return False
    items = [c for c in right.named_children if c.type != "comment"]
    return all(c.type in _CONSTANTS for c in items)
