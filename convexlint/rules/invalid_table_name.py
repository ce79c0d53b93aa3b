"""invalid-table-name: a table name Convex rejects.

Source: BE. Table names must be identifiers (letters, digits, ``_``) that do not start
with ``_`` (reserved for system tables such as ``_storage``).
"""

from __future__ import annotations

import re

from convexlint.model.project import Project
from convexlint.model.vocabulary import SYSTEM_TABLES
from convexlint.rules.base import ProjectContext, Rule

_VALID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class InvalidTableName(Rule):
    id = "invalid-table-name"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        schema = project.schema
        if schema is None:
            return
        if any(t.name in SYSTEM_TABLES for t in schema.tables):
            return  # a mirror of Convex's own system tables (its system functions), not an app schema
        for table in schema.tables:
            if not _VALID.match(table.name):
                message_id = "reserved_prefix" if table.name.startswith("_") else "invalid_characters"
                ctx.report(self, table.path, table.name_span, message_id, name=table.name)
