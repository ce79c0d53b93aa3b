"""invalid-use-node-file: ``"use node"`` in ``http.ts``, ``crons.ts``, ``schema.ts`` or
``auth.config.ts``.

Source: BE. These files are evaluated in Convex's default runtime; with ``"use node"``
the deploy fails.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule

SPECIAL = frozenset({"http", "crons", "schema", "auth.config", "convex.config"})


class InvalidUseNodeFile(Rule):
    id = "invalid-use-node-file"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts in project.files_to_check():
            if facts.use_node and facts.module in SPECIAL and facts.use_node_span is not None:
                ctx.report(self, facts.path, facts.use_node_span, "use_node_in_default_runtime", module=facts.module)
