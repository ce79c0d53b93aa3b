"""invalid-args-validator: ``args`` that is neither an object of validators nor
``v.object(...)``/``v.any()``.

Source: BE - Convex rejects such a definition when it analyses the module on deploy
(``args`` must describe named arguments).
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


class InvalidArgsValidator(Rule):
    id = "invalid-args-validator"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions_to_check():
            if fn.args_kind and fn.args_kind.startswith("other:") and fn.args_span is not None:
                validator = fn.args_kind.split(":", 1)[1]
                ctx.report(self, facts.path, fn.args_span, "not_an_object", function=fn.display_name, validator=validator)
