"""require-returns-validator: a Convex function (object syntax) with no ``returns`` key.

Sources: S000 (NEVER "Forget returns validator", ALWAYS "Use new function syntax with
args/returns validators", "Return v.null() when function has no return value") and S003.
A ``returns`` validator checks, at run time, what the function sends to clients.

Fix (safe): a handler that never returns a value (and does not only throw) returns
``null``; ``, returns: v.null()`` goes after its ``args`` (which must be there, and ``v``
imported from ``convex/values``). Nothing the function does or accepts changes.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.diagnostics import Edit
from convexlint.rules._helpers import imports_v, kind_label
from convexlint.rules.base import ProjectContext, Rule


class RequireReturnsValidator(Rule):
    id = "require-returns-validator"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions():
            if fn.kind == "httpAction" or fn.syntax != "object":
                continue
            if fn.has_returns is not False:  # present, or unknowable because of a spread
                continue
            fix = None
            if fn.returns_value is False and not fn.always_throws and fn.args_span is not None and imports_v(facts):
                end = fn.args_span.end_byte
                fix = [Edit(facts.path, end, end, ", returns: v.null()")]
            ctx.report(self, facts.path, fn.callee_span, "missing_returns", fix=fix, name=fn.display_name, kind=kind_label(fn))
