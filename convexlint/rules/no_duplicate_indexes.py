"""no-duplicate-indexes: an index whose fields equal, or are a prefix of, another index's.

Sources: S000 NEVER ("Create redundant indexes (by_userId is redundant if by_userId_status
exists)"), the official ESLint plugin's rule of the same id, Convex Best Practices, and BE
(two indexes on the same fields fail the deploy). Every index slows writes and costs
storage. A prefix index sorts differently (by ``_creationTime`` after its fields), so
``allow_prefix: true`` keeps prefixes that exist for that order.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


class NoDuplicateIndexes(Rule):
    id = "no-duplicate-indexes"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        schema = project.schema
        if schema is None:
            return
        for table in schema.tables:
            allow_prefix = ctx.options_for(self.id, table.path)["allow_prefix"]
            db = [i for i in table.indexes if i.kind == "db" and i.fields and i.name and not i.staged]
            for i, index in enumerate(db):
                span = index.name_span or index.span
                for j, other in enumerate(db):
                    if i == j:
                        continue
                    if index.fields == other.fields and j < i:
                        ctx.report(self, table.path, span, "same_fields", index=index.name, table=table.name, other=other.name)
                        break
                    if (
                        not allow_prefix
                        and len(index.fields) < len(other.fields)
                        and other.fields[: len(index.fields)] == index.fields
                    ):
                        ctx.report(self, table.path, span, "prefix", index=index.name, table=table.name, other=other.name)
                        break
