"""import-from-generated: registrars or ``api``/``internal`` imported from the wrong place.

Sources: S000 ALWAYS ("Import api/internal from "./_generated/api""), Convex's guidelines.
Registrars come from ``./_generated/server`` (typed with your schema), not
``convex/server``; ``api``/``internal`` from ``./_generated/api``.
"""

from __future__ import annotations

from convexlint.model.vocabulary import builtin_registrar, is_generated_api
from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


class ImportFromGenerated(Rule):
    id = "import-from-generated"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts in project.files.values():
            if facts.module is None:
                continue  # server code beside the functions dir: a factory given the schema needs convex/server's generic registrars
            for imp in facts.imports:
                if imp.imported is None or imp.type_only:
                    continue
                if imp.source == "convex/server" and builtin_registrar(imp.imported) is not None:
                    ctx.report(self, facts.path, imp.span, "registrar_from_convex_server", name=imp.imported)
                elif imp.imported in ("api", "internal") and not is_generated_api(imp.source) and imp.source.startswith(("convex", ".", "@")):
                    ctx.report(self, facts.path, imp.span, "api_not_from_generated", name=imp.imported, source=imp.source)
