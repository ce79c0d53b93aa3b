"""no-nondeterminism-in-query: ``Date.now()``, ``new Date()``, ``Math.random()`` or
``fetch`` in a query.

Sources: S001 DON'T ("Don't use Date.now() in queries (breaks caching)"), S004 ("Keep
queries deterministic"), Convex Best Practices. Queries are cached and re-run
reactively; a time or random value makes results stale or inconsistent, and ``fetch`` is
not available in queries at all.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import events, functions_of_kind
from convexlint.rules.base import ProjectContext, Rule

_LABEL = {"date_now": "Date.now()", "new_date": "new Date()", "random": "Math.random()", "fetch": "fetch()"}


class NoNondeterminismInQuery(Rule):
    id = "no-nondeterminism-in-query"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in functions_of_kind(project, "query"):
            for e in events(fn, *_LABEL):
                ctx.report(
                    self,
                    facts.path,
                    e.span,
                    "fetch" if e.kind == "fetch" else "time_or_random",
                    call=_LABEL[e.kind],
                    name=fn.display_name,
                )
