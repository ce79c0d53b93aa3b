"""no-try-catch-in-function: ``try/catch`` in a query or mutation handler.

Source: S000 NEVER ("Use try/catch inside Convex functions (let errors propagate)");
S004 recommends try/catch for graceful degradation. The default follows the seeds for
queries and mutations, where catching an error commits a half-done transaction instead
of rolling it back; option ``kinds`` adds actions. A ``catch`` that throws on every path
(rethrows, or throws a new error) keeps the rollback and is not reported.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import events
from convexlint.rules.base import ProjectContext, Rule


class NoTryCatchInFunction(Rule):
    id = "no-try-catch-in-function"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions_to_check():
            if fn.kind not in ctx.options_for(self.id, facts.path)["kinds"]:
                continue
            for e in events(fn, "try"):
                if e.detail == "rethrows":
                    continue  # the catch throws on every path: the transaction still rolls back
                ctx.report(self, facts.path, e.span, "try_catch", kind=fn.kind, name=fn.display_name)
