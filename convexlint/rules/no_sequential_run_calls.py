"""no-sequential-run-calls: several awaited ``ctx.runQuery``/``ctx.runMutation`` in one
action.

Sources: S001 DON'T ("Don't make sequential ctx.runQuery/runMutation calls in actions
(batch them)"), Convex Best Practices. Each call is its own transaction: data can change
between them, and each round trip adds latency. Combine them into one internal query or
mutation. Only calls that could have been one call are reported: consecutive awaited
run calls with no other awaited work between them (read -> external API -> write, the
canonical action, is fine), in the same block (a call in ``catch`` or another branch is
an alternative, not a sequence). Calls inside ``Promise.all`` and calls into components
are not counted.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import functions_of_kind
from convexlint.rules.base import ProjectContext, Rule


class NoSequentialRunCalls(Rule):
    id = "no-sequential-run-calls"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in functions_of_kind(project, "action"):
            previous_run_block = None  # block of the previous awaited event, when it was a run call
            for e in fn.events:
                if not e.awaited or e.in_all:
                    continue
                is_run = e.kind in ("run_query", "run_mutation") and not (e.ref is not None and e.ref.root == "components")
                if is_run and previous_run_block == e.block:
                    ctx.report(self, facts.path, e.span, "sequential_run", name=fn.display_name, method=e.detail)
                previous_run_block = e.block if is_run else None
