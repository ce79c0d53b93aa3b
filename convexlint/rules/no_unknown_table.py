"""no-unknown-table: a table name the schema does not define.

Sources: BE (Convex rejects writes to undeclared tables when a schema is enforced) and
TypeScript's own error on ``db.query("typo")``. Checked in ``db.query/insert``,
``v.id(...)`` and explicit-table ``get/patch/replace/delete``; only when ``schema.ts``
exists and is fully static (no spreads such as ``...authTables``).
"""

from __future__ import annotations

import difflib

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


class NoUnknownTable(Rule):
    id = "no-unknown-table"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts in project.files_to_check():
            schema = project.static_schema_for(facts)
            if schema is None or not facts.table_refs:
                continue  # no schema, or one that is not fully static: every table is not known
            tables = {t.name for t in schema.tables}
            for ref in facts.table_refs:
                if ref.table in tables:
                    continue
                hint = difflib.get_close_matches(ref.table, sorted(tables), n=1)
                if hint:
                    ctx.report(self, facts.path, ref.span, "unknown_table_suggestion", table=ref.table, suggestion=hint[0])
                else:
                    ctx.report(self, facts.path, ref.span, "unknown_table", table=ref.table)
