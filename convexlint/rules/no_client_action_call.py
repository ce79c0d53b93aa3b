"""no-client-action-call (preview): ``useAction(...)`` in client code.

Source: S001 DON'T ("Don't call actions directly from client (trigger via mutation +
scheduler)"). A mutation that records the intent and schedules the action keeps the
request durable and observable.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.syntax import text


class NoClientActionCall(Rule):
    id = "no-client-action-call"
    listeners = {"call_expression": "on_call"}
    call_names = frozenset({"useAction"})
    file_markers = ("useAction",)  # the callee every finding is

    def on_call(self, node: Node, file: FileContext) -> None:
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "identifier" or text(fn) != "useAction":
            return
        file.report(self, fn, "direct_action_call")
