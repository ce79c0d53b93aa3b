"""index-name-convention: an index whose name does not list its fields.

Sources: S000 (NEVER "Use 'and' in index names"; ALWAYS "Name indexes
by_fieldName_otherField (camelCase, no 'and')"; S002's own ``by_author_and_published`` is a
violation) and Convex's guidelines (GL), which prefer ``by_field1_and_field2``. The
default follows the seeds (option ``style: underscore``); ``style: and`` follows GL. Both
agree the name lists every index field, in order. Search and vector indexes are exempt
from the field rule (their names describe a purpose), but not from the ``and`` rule.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule
from convexlint.rules.invalid_index_definition import RESERVED


def expected_name(fields: list[str], style: str) -> str:
    sep = "_and_" if style == "and" else "_"
    return "by_" + sep.join(f.replace(".", "_") for f in fields)


class IndexNameConvention(Rule):
    id = "index-name-convention"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        schema = project.schema
        if schema is None:
            return
        required = project.library_indexes()
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
                        ctx.report(self, table.path, index.name_span, "name_not_fields", **data)
                elif style == "underscore" and "_and_" in index.name:
                    data = {"name": index.name, "table": table.name, "expected": index.name.replace("_and_", "_")}
                    ctx.report(self, table.path, index.name_span, "name_uses_and", **data)
