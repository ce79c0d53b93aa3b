"""invalid-index-definition: index definitions Convex rejects on deploy.

Source: BE. Reserved names (``by_id``, ``by_creation_time``) and names starting with
``_``; ``_id``/``_creationTime``/``_``-prefixed fields (``_creationTime`` is appended to
every index automatically); more than 16 fields; no fields or repeated fields; two
indexes with one name in a table; and fields the table's validator does not define (when
the validator is static).
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule

MAX_FIELDS = 16
RESERVED = frozenset({"by_id", "by_creation_time"})


class InvalidIndexDefinition(Rule):
    id = "invalid-index-definition"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        schema = project.schema
        if schema is None:
            return
        for table in schema.tables:
            path = table.path
            seen: set[str] = set()
            for index in table.indexes:
                span = index.name_span or index.span
                name = index.name
                problem = None
                if name is not None:
                    if name in RESERVED:
                        problem = f"`{name}` is a reserved index name"
                    elif name.startswith("_"):
                        problem = f"index names cannot start with `_` (`{name}`)"
                    elif name in seen:
                        problem = f"`{table.name}` already has an index named `{name}`"
                    seen.add(name)
                fields = index.fields
                if problem is None and fields is not None:
                    system = [f for f in fields if f.startswith("_")]
                    if index.kind == "db" and not fields:
                        problem = "an index needs at least one field"
                    elif system:
                        problem = f"`{system[0]}` cannot be indexed explicitly (system fields are added by Convex)"
                    elif len(fields) > MAX_FIELDS:
                        problem = f"an index can have at most {MAX_FIELDS} fields, this one has {len(fields)}"
                    elif len(set(fields)) != len(fields):
                        problem = "a field appears twice"
                    elif table.fields is not None and table.indexes_complete:
                        # (not complete: convex-ents' .edge()/.field() add fields the model does not see)
                        missing = [f for f in [*fields, *index.filter_fields] if f.split(".")[0] not in table.fields]
                        if missing:
                            problem = f"`{missing[0]}` is not a field of `{table.name}`"
                if problem is not None:
                    ctx.report(self, path, span, f"Invalid index `{name}` on `{table.name}`: {problem}.")
