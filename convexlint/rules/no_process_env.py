"""no-process-env: ``process.env`` in Convex functions when ``_generated/server`` exports a
typed ``env``.

Source: the official ESLint plugin's rule of the same id. Newer Convex declares
environment variables in ``convex.config.ts`` and exposes them as a typed ``env``; unlike
the plugin, convexlint stays silent in projects whose generated code has no ``env`` yet,
where ``process.env`` is the only way.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


class NoProcessEnv(Rule):
    id = "no-process-env"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        if not project.generated_env:
            return
        for facts in project.files_to_check():
            for span in facts.process_env:
                ctx.report(self, facts.path, span, "process_env")
