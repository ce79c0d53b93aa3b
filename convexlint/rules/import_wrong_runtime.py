"""import-wrong-runtime: a file without ``"use node"`` importing a ``"use node"`` file.

Sources: the official ESLint plugin's rule of the same id (off by default there), Convex's
docs on runtimes. The imported file's Node-only dependencies get bundled into the default
runtime, which fails unless they happen to be side-effect free. Type-only imports are fine.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


class ImportWrongRuntime(Rule):
    id = "import-wrong-runtime"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, imp in project.default_runtime_imports():
            if not imp.source.startswith("."):
                continue
            target = project.resolve_module(facts, imp.source)
            if target is None or not target.use_node or target.path not in project.files:
                continue
            ctx.report(self, facts.path, imp.span, "imports_node_file", source=imp.source)
