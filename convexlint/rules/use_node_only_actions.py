"""use-node-only-actions: a ``"use node"`` file that defines queries or mutations.

Sources: Convex's guidelines and BE: files with ``"use node"`` run in Node.js, where only
actions can run; the deploy fails.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import kind_label
from convexlint.rules.base import ProjectContext, Rule


class UseNodeOnlyActions(Rule):
    id = "use-node-only-actions"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions_to_check():
            if facts.use_node and fn.kind in ("query", "mutation"):
                ctx.report(self, facts.path, fn.callee_span, "not_action", name=fn.display_name, kind=kind_label(fn))
