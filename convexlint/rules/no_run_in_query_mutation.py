"""no-run-in-query-mutation: ``ctx.runQuery``/``ctx.runMutation`` inside a query or mutation.

Source: Convex Best Practices ("Use ctx.runQuery and ctx.runMutation sparingly in queries
and mutations"). Call a plain TypeScript helper instead: it runs in the same transaction
without the overhead of another function call. Calls into components (``components.…``)
are the only way to reach them and are fine, and so are calls of function handles
(``ctx.runMutation(args.onComplete as FunctionHandle<"mutation">, …)``): code handed over at
run time cannot be called as a helper. Only static ``api.``/``internal.`` references are
reported.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import events, functions_of_kind
from convexlint.rules.base import ProjectContext, Rule


class NoRunInQueryMutation(Rule):
    id = "no-run-in-query-mutation"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in functions_of_kind(project, "query", "mutation"):
            for e in events(fn, "run_query", "run_mutation"):
                if e.ref is None or e.ref.root not in ("api", "internal", "anyApi"):
                    # components are only reachable through ctx.run*; a function handle (or a
                    # reference we cannot see) is code handed over at run time, not a helper.
                    continue
                ctx.report(self, facts.path, e.span, "run_in_function", method=e.detail, kind=fn.kind, name=fn.display_name)
