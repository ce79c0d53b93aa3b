"""no-unknown-index: ``withIndex`` with an index the table does not define, or a range
whose fields are out of the index's order (reported at the first bound that is wrong).

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
        for facts in project.files_to_check():
            schema = project.static_schema_for(facts)
            if schema is None or not facts.index_refs:
                continue  # no schema, or one that is not fully static
            tables = {t.name: t for t in schema.tables}
            for ref in facts.index_refs:
                table = tables.get(ref.table)
                if table is None or not table.indexes_complete:
                    continue
                kind = "search" if ref.search else "db"
                index = next((i for i in table.indexes if i.name == ref.index and i.kind == kind), None)
                fields = index.fields if index is not None else (_BUILTIN.get(ref.index) if kind == "db" else None)
                if index is None and fields is None:
                    ctx.report(
                        self,
                        facts.path,
                        ref.span,
                        "unknown_search_index" if ref.search else "unknown_index",
                        table=ref.table,
                        index=ref.index,
                    )
                    continue
                if kind != "db" or fields is None or ref.fields is None:
                    continue
                problem = range_problem(ref.fields, ref.ops, [*fields, "_creationTime"])
                if problem is not None:
                    position, message_id, data = problem
                    span = ref.bound_spans[position] if position < len(ref.bound_spans) else ref.span
                    ctx.report(self, facts.path, span, message_id, index=ref.index, fields=", ".join(fields), **data)


def range_problem(fields: list[str], ops: list[str], allowed: list[str]) -> tuple[int, str, dict] | None:
    """The first bound of an index range that Convex's ``IndexRangeBuilder`` does not
    accept, as ``(position, message key, its data)``, or None. A valid range is equalities on a
    prefix of the index's fields, then at most one lower bound (``gt``/``gte``) and one
    upper bound (``lt``/``lte``), both on the next field: ``eq("room").gte("at").lt("at")``."""
    position = 0  # index into `allowed` of the next field a bound may name
    state = "eq"  # "eq": equalities so far; "lower": after gt/gte; "done": after lt/lte
    for i, (field, op) in enumerate(zip(fields, ops)):
        if state == "done":
            return i, "bound_after_upper", {"op": op, "field": field}
        if op == "eq" and state != "eq":
            return i, "eq_after_range", {"field": field}
        if op in ("gt", "gte") and state != "eq":
            return i, "second_lower", {"op": op, "field": field}
        if op in ("lt", "lte") and state == "lower":
            if field != allowed[position]:
                return i, "bounds_differ", {"lower": allowed[position], "upper": field}
            state = "done"
            continue
        if position >= len(allowed):
            return i, "past_last_field", {"field": field, "position": position + 1}
        if allowed[position] != field:
            return i, "wrong_field", {"field": field, "position": position + 1, "expected": allowed[position]}
        if op == "eq":
            position += 1
        elif op in ("gt", "gte"):
            state = "lower"
        else:
            state = "done"
    return None
