"""require-args-validator: a Convex function with no ``args`` validator.

Sources: S000 NEVER ("Skip argument validators"), S001 DO ("Always validate args for
public functions"), the official ESLint plugin's rule of the same id (option
``ignoreUnusedArguments`` here ``ignore_unused_arguments``), Convex's guidelines.
Without ``args``, anything a client sends reaches the handler unchecked.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import kind_label
from convexlint.rules.base import ProjectContext, Rule


class RequireArgsValidator(Rule):
    id = "require-args-validator"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions_to_check():
            if fn.kind == "httpAction":
                continue
            if fn.has_args is not False:  # present, unknowable, or old syntax (its own rule)
                continue
            if ctx.options_for(self.id, facts.path)["ignore_unused_arguments"] and (fn.handler_params or 0) <= 1:
                continue
            ctx.report(self, facts.path, fn.callee_span, "missing_args", name=fn.display_name, kind=kind_label(fn))
