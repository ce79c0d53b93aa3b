"""no-unexported-function: a registered function bound to a name that is never exported.

Source: the official ESLint plugin (PR #472). Convex only registers exported functions: an
unexported registration is dead code or a forgotten ``export``. ``httpAction``s are
routed, not exported, and are exempt.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import kind_label
from convexlint.rules.base import ProjectContext, Rule


class NoUnexportedFunction(Rule):
    id = "no-unexported-function"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions_to_check():
            if fn.kind == "httpAction" or fn.export_names or fn.local_name is None:
                continue
            ctx.report(self, facts.path, fn.callee_span, "not_exported", name=fn.local_name, kind=kind_label(fn))
