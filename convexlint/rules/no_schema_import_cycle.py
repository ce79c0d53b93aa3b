"""no-schema-import-cycle: using the schema's value at module load in a file the schema
imports.

Source: the official ESLint plugin's rule of the same id. When ``schema.ts`` imports a
file (directly or through others) and that file imports the schema back and uses it at
the top level, the schema is still ``undefined`` while that file evaluates: the deploy
fails with "Cannot read properties of undefined". Uses inside functions run later and
are fine; type-only imports are erased.
"""

from __future__ import annotations

from convexlint.model.facts import FileFacts
from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


def imported_closure(project: Project, start: FileFacts, limit: int = 500) -> dict[str, list[str]]:
    """Files reachable from ``start`` through value (non-type) relative imports, each with
    the chain of paths that reaches it."""
    chains = {start.path: [start.path]}
    queue = [start]
    while queue and len(chains) < limit:
        current = queue.pop(0)
        for imp in current.imports:
            if imp.type_only or not imp.source.startswith("."):
                continue
            target = project.resolve_module(current, imp.source)
            if target is not None and target.path not in chains:
                chains[target.path] = chains[current.path] + [target.path]
                queue.append(target)
    return chains


class NoSchemaImportCycle(Rule):
    id = "no-schema-import-cycle"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        schema_file = project.schema_file
        if schema_file is None:
            return
        users = [f for f in project.files_to_check() if f.schema_uses and f.path != schema_file.path]
        if not users:
            return
        chains = imported_closure(project, schema_file)
        root = (project.functions_dir + "/") if project.functions_dir else ""
        for facts in users:
            chain = chains.get(facts.path)
            if chain is None:
                continue
            route = " -> ".join(p[len(root):] if p.startswith(root) else p for p in chain)
            for source, span in facts.schema_uses:
                target = project.resolve_module(facts, source)
                if target is None or target.path != schema_file.path:
                    continue  # another file called schema.ts, not the schema
                ctx.report(self, facts.path, span, "schema_undefined", route=route)
