"""no-side-effects-in-query: writes, scheduling or running mutations/actions in a query.

Sources: S001 (function types: queries are read-only and deterministic), Convex's
guidelines. Queries cannot write; the call fails at run time.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import events, functions_of_kind
from convexlint.rules.base import ProjectContext, Rule


class NoSideEffectsInQuery(Rule):
    id = "no-side-effects-in-query"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in functions_of_kind(project, "query"):
            for e in events(fn, "db_write", "scheduler", "run_mutation", "run_action"):
                # The event kinds are the record's message keys.
                ctx.report(self, facts.path, e.span, e.kind, name=fn.display_name, method=e.detail)
