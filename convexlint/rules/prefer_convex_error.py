"""prefer-convex-error (preview): ``throw new Error(...)`` in a public function.

Source: S001 DO ("Use ConvexError for user-facing errors"). Plain ``Error`` messages are
redacted in production; ``ConvexError`` carries structured data to the client.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import events
from convexlint.rules.base import ProjectContext, Rule


class PreferConvexError(Rule):
    id = "prefer-convex-error"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions_to_check():
            if fn.visibility != "public" or fn.kind == "httpAction":
                continue
            for e in events(fn, "throw_error"):
                ctx.report(self, facts.path, e.span, "plain_error", name=fn.display_name)
