"""no-unknown-index: ``withIndex`` with an index the table does not define, or a range
whose fields are out of the index's order.

Sources: Convex's guidelines (GL: "fields must be queried in the same order they are
defined in the index") and BE (an unknown index fails at run time). Only when the table
is defined in a static schema; built-in ``by_id`` and ``by_creation_time`` always exist.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule

_BUILTIN = {"by_id": ["_id"], "by_creation_time": ["_creationTime"]}


class NoUnknownIndex(Rule):
    id = "no-unknown-index"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        schema = project.static_schema()
        if schema is None:
            return
        tables = {t.name: t for t in schema.tables}
        for facts in project.files.values():
            for ref in facts.index_refs:
                table = tables.get(ref.table)
                if table is None or not table.indexes_complete:
                    continue
                kind = "search" if ref.search else "db"
                index = next((i for i in table.indexes if i.name == ref.index and i.kind == kind), None)
                fields = index.fields if index is not None else (_BUILTIN.get(ref.index) if kind == "db" else None)
                if index is None and fields is None:
                    what = "search index" if ref.search else "index"
                    ctx.report(self, facts.path, ref.span, f"Table `{ref.table}` has no {what} `{ref.index}`.")
                    continue
                if kind != "db" or fields is None or ref.fields is None:
                    continue
                allowed = [*fields, "_creationTime"]
                for position, field in enumerate(ref.fields):
                    if position >= len(allowed) or allowed[position] != field:
                        expected = allowed[position] if position < len(allowed) else None
                        ctx.report(
                            self,
                            facts.path,
                            ref.span,
                            f"The range on `{ref.index}` names `{field}` at position {position + 1}, but the index's fields are "
                            f"{fields}; " + (f"expected `{expected}` there." if expected else "the range names too many fields."),
                        )
                        break
