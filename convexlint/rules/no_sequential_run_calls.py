"""no-sequential-run-calls: several awaited ``ctx.runQuery``/``ctx.runMutation`` in one
action.

Sources: S001 DON'T ("Don't make sequential ctx.runQuery/runMutation calls in actions
(batch them)"), Convex Best Practices. Each call is its own transaction: data can change
between them, and each round trip adds latency. Combine them into one internal query or
mutation. The first call is fine; the second and later ones are reported.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import functions_of_kind
from convexlint.rules.base import ProjectContext, Rule


class NoSequentialRunCalls(Rule):
    id = "no-sequential-run-calls"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in functions_of_kind(project, "action"):
            runs = [e for e in fn.events if e.kind in ("run_query", "run_mutation") and e.awaited and not e.in_all]
            for e in runs[1:]:
                ctx.report(
                    self,
                    facts.path,
                    e.span,
                    f"`{fn.display_name}` awaits {len(runs)} separate `ctx.runQuery`/`ctx.runMutation` calls, each its own "
                    "transaction; combine them into one internal query or mutation.",
                )
