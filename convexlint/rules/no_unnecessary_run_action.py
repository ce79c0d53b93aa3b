"""no-unnecessary-run-action: ``ctx.runAction`` to an action in the same runtime.

Sources: S001 DON'T ("Don't use ctx.runAction unless switching runtimes"), Convex Best
Practices and guidelines. ``runAction`` has the overhead of a separate function call;
within one runtime, call a helper function directly.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import events, functions_of_kind
from convexlint.rules.base import ProjectContext, Rule


class NoUnnecessaryRunAction(Rule):
    id = "no-unnecessary-run-action"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in functions_of_kind(project, "action"):
            for e in events(fn, "run_action"):
                if e.ref is None:
                    continue
                target = project.function_for_ref(e.ref)
                if target is None or target[0].use_node != facts.use_node:
                    continue
                ctx.report(
                    self,
                    facts.path,
                    e.span,
                    "same_node_runtime" if facts.use_node else "same_default_runtime",
                    target=e.ref.dotted,
                )
