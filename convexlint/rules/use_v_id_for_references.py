"""use-v-id-for-references: a ``…Id`` field validated as ``v.string()``.

Source: S000 ALWAYS ("Use v.id("tableName") for document references"). Only when the
name's stem matches a table the schema defines (``userId`` -> ``users``) *and* the project
uses values of that name as document ids of that table: they reach
``ctx.db.get/patch/replace/delete``, are cast ``as Id<"users">``, are compared with or
stored from a document's ``_id`` (``extract.ids``). For a schema field, such a use anywhere
in the server code counts (``Project.id_uses``), and so does another field or argument of
exactly that name validated with ``v.id`` (``Project.validated_ids``); for an argument, only
a use of the value in its own
handler. A name the code treats as text (``.startsWith``, ``.split``) is not an id, and a
component's schema fields are left alone (they often hold the installing app's ids). A name that merely shares a table's name (a ``chatId``
from an external service, a Clerk ``userId``) has no such use and stays silent; so do names
the matched table stores itself (``sessions.sessionId`` is a client-made key; also in the
plural, ``sessionIds``) and the arguments of a function that calls ``ctx.db.normalizeId``
(a string id checked on purpose).
"""

from __future__ import annotations

import re
from bisect import bisect_left

from convexlint.model.project import Project
from convexlint.diagnostics import Edit
from convexlint.rules.base import ProjectContext, Rule

_NAME = re.compile(r"^([a-z][A-Za-z0-9]*?)(Id|Ids|_id|_ids)$")


def table_for(field: str, tables: set[str]) -> str | None:
    m = _NAME.match(field)
    if m is None:
        return None
    stem = m.group(1)
    for candidate in (stem, stem + "s", stem + "es", stem[:-1] + "ies" if stem.endswith("y") else None):
        if candidate and candidate in tables:
            return candidate
    return None


def _is_string(validator: str, plural: bool) -> bool:
    compact = "".join(validator.split())
    inner = "v.string()"
    if plural:
        return compact in (f"v.array({inner})", f"v.optional(v.array({inner}))")
    return compact in (inner, f"v.optional({inner})")


class UseVIdForReferences(Rule):
    id = "use-v-id-for-references"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        tables_by_name = project.tables()
        if not tables_by_name:
            return
        tables = set(tables_by_name)
        self._tables = tables_by_name
        # A stored field: values of its name anywhere in the server code are evidence. Not
        # in a component: its string fields often hold the installing app's ids, which a
        # component cannot validate with v.id.
        def stored_evidence(field: str) -> dict[str, frozenset[str]]:
            # Another field or argument of exactly this name validated with v.id counts
            # too; for a plural field only the plural's own uses do (a `messageId` used
            # elsewhere says nothing about a stored `messageIds` list, which may hold
            # another component's ids). An argument's handler may iterate it, so there
            # the singular counts (`memberIds.map((memberId) => ctx.db.get(memberId))`).
            if project.is_component:
                return {}
            used = project.id_uses().get(field, frozenset())
            return {field: used if "text" in used else used | project.validated_ids().get(field, frozenset())}

        for table in tables_by_name.values():
            if not project.is_checked(table.path):
                continue
            for field, validator in (table.fields or {}).items():
                self._check(ctx, table.path, field, validator, table.field_spans.get(field), tables, stored_evidence, table.name)
        by_offset: dict[str, tuple[list[int], list[tuple[str, str, int, str]]]] = {}
        for facts, fn in project.functions_to_check():
            if any(e.detail == "normalizeId" for e in fn.events):
                continue  # ctx.db.normalizeId(table, s): a string id, validated on purpose
            if not fn.args_fields or fn.handler_span is None:
                continue
            # An argument: only what its own handler does with it (another function's
            # `chatId` may be a document id while this one is a client-made key).
            if facts.path not in by_offset:  # each file's uses sorted once, sliced per handler
                uses = sorted(facts.id_uses, key=lambda u: u[2])
                by_offset[facts.path] = ([u[2] for u in uses], uses)
            offsets, uses = by_offset[facts.path]
            start, end = fn.handler_span.start_byte, fn.handler_span.end_byte
            own: dict[str, set[str]] = {}
            text_names = set()
            for name, table_name, _offset, kind in uses[bisect_left(offsets, start) : bisect_left(offsets, end)]:
                if kind == "value":
                    own.setdefault(name, set()).add(table_name)
                elif kind == "text":
                    text_names.add(name)  # parsed as text (`custom:slug:id`): not an id
            for name in text_names:
                own.pop(name, None)
            for field, validator in fn.args_fields.items():
                self._check(ctx, facts.path, field, validator, fn.args_field_spans.get(field), tables, lambda _field, own=own: own)

    def _check(self, ctx, path, field, validator, span, tables, evidence_for, owner: str | None = None) -> None:
        """Report ``field`` when it names a table, is validated as a string, and
        ``evidence_for(field)`` (name -> tables its values are used as ids of; asked only
        then, as it may read the whole project) shows it holds that table's ids."""
        if span is None:
            return
        table = table_for(field, tables)
        if table is None or not _is_string(validator, field.endswith(("Ids", "_ids"))):
            return
        target = self._tables.get(table)
        singular = field[:-1] if field.endswith(("Ids", "_ids")) else field  # userIds -> userId
        if table == owner or (target is not None and target.fields and (field in target.fields or singular in target.fields)):
            return  # the table stores this name itself (sessions.sessionId): an external key
        evidence = evidence_for(field)
        if not any(table in found or "" in found for found in (evidence.get(field, ()), evidence.get(singular, ()))):
            return  # nothing uses such a value as a document id: maybe an external service's id
        plural = field.endswith(("Ids", "_ids"))
        # Unsafe fix: the one `v.string()` in the validator becomes `v.id("table")`. The
        # span is the `field: validator` pair, so the validator is its last bytes (a
        # shorthand `{ field }` span is shorter than that: no fix).
        size = len(validator.encode("utf-8"))
        fix = None
        if validator.count("v.string()") == 1 and span.end_byte - span.start_byte >= len(field.encode("utf-8")) + 1 + size:
            fix = [Edit(path, span.end_byte - size, span.end_byte, validator.replace("v.string()", f'v.id("{table}")'))]
        ctx.report(self, path, span, "string_ids" if plural else "string_id", fix=fix, field=field, table=table)
