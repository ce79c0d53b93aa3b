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
        for facts in project.files.values():
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
                    what = "search index" if ref.search else "index"
                    ctx.report(self, facts.path, ref.span, f"Table `{ref.table}` has no {what} `{ref.index}`.")
                    continue
                if kind != "db" or fields is None or ref.fields is None:
                    continue
                problem = range_problem(ref.fields, ref.ops, [*fields, "_creationTime"])
                if problem is not None:
                    position, detail = problem
                    span = ref.bound_spans[position] if position < len(ref.bound_spans) else ref.span
                    shown = ", ".join(f'"{f}"' for f in fields)
                    ctx.report(self, facts.path, span, f"The range on `{ref.index}` ([{shown}]) {detail}")


def range_problem(fields: list[str], ops: list[str], allowed: list[str]) -> tuple[int, str] | None:
    """The first bound of an index range that Convex's ``IndexRangeBuilder`` does not
    accept, as ``(position, what is wrong)``, or None. A valid range is equalities on a
    prefix of the index's fields, then at most one lower bound (``gt``/``gte``) and one
    upper bound (``lt``/``lte``), both on the next field: ``eq("room").gte("at").lt("at")``."""
    position = 0  # index into `allowed` of the next field a bound may name
    state = "eq"  # "eq": equalities so far; "lower": after gt/gte; "done": after lt/lte
    for i, (field, op) in enumerate(zip(fields, ops)):
        if state == "done":
            return i, f"has a bound after its upper bound (`.{op}(\"{field}\")`); a range has at most one lower and one upper bound."
        if op == "eq" and state != "eq":
            return i, f"has `.eq(\"{field}\")` after a range bound; equalities come first."
        if op in ("gt", "gte") and state != "eq":
            return i, f"has a second lower bound (`.{op}(\"{field}\")`)."
        if op in ("lt", "lte") and state == "lower":
            if field != allowed[position]:
                return i, f"bounds `{allowed[position]}` from below but `{field}` from above; both bounds must be on the same field."
            state = "done"
            continue
        if position >= len(allowed):
            return i, f"names `{field}` at position {position + 1}, past the index's last field."
        if allowed[position] != field:
            return i, f"names `{field}` at position {position + 1}; expected `{allowed[position]}` there (fields are queried in index order)."
        if op == "eq":
            position += 1
        elif op in ("gt", "gte"):
            state = "lower"
        else:
            state = "done"
    return None
