"""index-name-convention: an index whose name does not list its fields.

Sources: S000 (NEVER "Use 'and' in index names"; ALWAYS "Name indexes
by_fieldName_otherField (camelCase, no 'and')"; S002's own ``by_author_and_published`` is a
violation) and Convex's guidelines (GL), which prefer ``by_field1_and_field2``. The
default follows the seeds (option ``style: underscore``); ``style: and`` follows GL. Both
agree the name lists every index field, in order. Search and vector indexes are exempt
from the field rule (their names describe a purpose), but not from the ``and`` rule.
"""

from __future__ import annotations

from convexlint.diagnostics import Edit
from convexlint.model.facts import TableFact
from convexlint.model.project import Project
from convexlint.rules._helpers import ProjectText, replace_literal
from convexlint.rules.base import ProjectContext, Rule
from convexlint.rules.invalid_index_definition import RESERVED


def expected_name(fields: list[str], style: str) -> str:
    sep = "_and_" if style == "and" else "_"
    return "by_" + sep.join(f.replace(".", "_") for f in fields)


class IndexNameConvention(Rule):
    id = "index-name-convention"
    needs_client_code = True  # a renaming fix must see every literal of the old name, client code's too

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        schema = project.schema
        if schema is None:
            return
        required = project.library_indexes()
        text = ProjectText(project, ctx.source)  # reads files only when a fix first asks
        for table in schema.tables:
            style = ctx.options_for(self.id, table.path)["style"]
            for index in table.indexes:
                if index.name is None or index.name_span is None:
                    continue  # computed name: not static, left alone
                if (table.name, index.name) in required:
                    continue  # a library looks it up by this name (Convex Auth's `users.email`)
                if index.kind == "db" and index.fields:
                    want = expected_name(index.fields, style)
                    if want in RESERVED:
                        continue  # `.index("id", ["id"])`: the listing name (`by_id`) is Convex's own
                    if index.name != want:
                        fields = ", ".join(f"`{f}`" for f in index.fields)
                        data = {"name": index.name, "table": table.name, "fields": fields, "expected": want}
                        fix = self._rename(project, ctx, text, table, index.name, want, style)
                        ctx.report(self, table.path, index.name_span, "name_not_fields", fix=fix, **data)
                elif style == "underscore" and "_and_" in index.name:
                    want = index.name.replace("_and_", "_")
                    data = {"name": index.name, "table": table.name, "expected": want}
                    fix = self._rename(project, ctx, text, table, index.name, want, style)
                    ctx.report(self, table.path, index.name_span, "name_uses_and", fix=fix, **data)

    def _rename(self, project: Project, ctx: ProjectContext, text: ProjectText, table: TableFact, old: str, new: str, style: str) -> list[Edit] | None:
        """The edits renaming index ``old`` of ``table`` to ``new`` in the schema and every
        ``withIndex``/``withSearchIndex`` on it; None unless every use is visible: the model
        knows them all (``Project.index_uses``) and no file holds a literal of the old name
        the model cannot place (a helper given the name, a type, a comment)."""
        taken = [i.name for i in table.indexes] + [self._target(i.fields, i.name, i.kind, style) for i in table.indexes if i.name != old]
        if new in taken:
            return None  # another index has or will take the name: a second pass may rename it once that is settled
        found = project.index_uses(table.name, old)
        if found is None:
            return None
        uses, literals = found
        if text.quoted(old) != literals:
            return None  # a use the model cannot see: renaming would break it
        edits = [replace_literal(ctx.source(path), path, span, old, new) for path, span in uses]
        return None if None in edits else edits  # type: ignore[return-value]

    @staticmethod
    def _target(fields: list[str] | None, name: str | None, kind: str, style: str) -> str | None:
        """The name this rule would give an index (None when it would keep its own)."""
        if kind == "db" and fields:
            return expected_name(fields, style)
        return name.replace("_and_", "_") if name is not None and style == "underscore" else name
