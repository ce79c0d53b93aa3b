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
                problem: tuple[str, dict] | None = None
                if name is not None:
                    if name in RESERVED:
                        problem = ("reserved_name", {})
                    elif name.startswith("_"):
                        problem = ("underscore_name", {})
                    elif name in seen:
                        problem = ("duplicate_name", {})
                    seen.add(name)
                fields = index.fields
                if problem is None and fields is not None:
                    system = [f for f in fields if f.startswith("_")]
                    if index.kind == "db" and not fields:
                        problem = ("no_fields", {})
                    elif system:
                        problem = ("system_field", {"field": system[0]})
                    elif len(fields) > MAX_FIELDS:
                        problem = ("too_many_fields", {"max": MAX_FIELDS, "count": len(fields)})
                    elif len(set(fields)) != len(fields):
                        problem = ("repeated_field", {})
                    elif table.fields is not None and table.indexes_complete:
                        # (not complete: convex-ents' .edge()/.field() add fields the model does not see)
                        missing = [f for f in [*fields, *index.filter_fields] if f.split(".")[0] not in table.fields]
                        if missing:
                            problem = ("unknown_field", {"field": missing[0]})
                if problem is not None:
                    message_id, data = problem
                    # An index name that is not a string literal is shown as `…`.
                    ctx.report(self, path, span, message_id, name=name if name is not None else "…", table=table.name, **data)
