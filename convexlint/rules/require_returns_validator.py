"""require-returns-validator: a Convex function (object syntax) with no ``returns`` key.

Sources: S000 (NEVER "Forget returns validator", ALWAYS "Use new function syntax with
args/returns validators", "Return v.null() when function has no return value") and S003.
A ``returns`` validator checks, at run time, what the function sends to clients.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import kind_label
from convexlint.rules.base import ProjectContext, Rule


class RequireReturnsValidator(Rule):
    id = "require-returns-validator"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions():
            if fn.kind == "httpAction" or fn.syntax != "object":
                continue
            if fn.has_returns is not False:  # present, or unknowable because of a spread
                continue
            ctx.report(self, facts.path, fn.callee_span, "missing_returns", name=fn.display_name, kind=kind_label(fn))
