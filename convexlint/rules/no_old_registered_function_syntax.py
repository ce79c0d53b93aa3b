"""no-old-registered-function-syntax: ``query(async (ctx) => …)`` instead of ``query({ handler })``.

Sources: S000 ALWAYS ("Use new function syntax with args/returns validators") and the
official ESLint plugin's rule of the same id. The function form cannot carry ``args`` or
``returns`` validators. ``httpAction`` always takes a function and is exempt.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import kind_label
from convexlint.diagnostics import Edit
from convexlint.rules.base import ProjectContext, Rule


class NoOldRegisteredFunctionSyntax(Rule):
    id = "no-old-registered-function-syntax"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions_to_check():
            if fn.kind != "httpAction" and fn.syntax == "function":
                fix = None
                if fn.handler_span is not None:  # wrap the function: `{ handler: … }`, nothing else
                    start, end = fn.handler_span.start_byte, fn.handler_span.end_byte
                    fix = [Edit(facts.path, start, start, "{ handler: "), Edit(facts.path, end, end, " }")]
                ctx.report(self, facts.path, fn.callee_span, "old_syntax", fix=fix, name=fn.display_name, kind=kind_label(fn))
