"""Convex's words as data: registrars, database methods, ``ctx.run*`` kinds, cron methods
and reference roots. Plain data and string tests only (no tree-sitter), so the project
model, the extractors and the rules can all share it.

Sources: Convex's ``convex/server`` API (``queryGeneric``… and the ``_generated/server``
re-exports), ``DatabaseReader``/``DatabaseWriter``, ``Scheduler``, ``Crons``.
"""

from __future__ import annotations

import re

#: Built-in registrar names -> (kind, visibility).
REGISTRARS: dict[str, tuple[str, str]] = {
    "query": ("query", "public"),
    "mutation": ("mutation", "public"),
    "action": ("action", "public"),
    "internalQuery": ("query", "internal"),
    "internalMutation": ("mutation", "internal"),
    "internalAction": ("action", "internal"),
    "httpAction": ("httpAction", "public"),
}
#: ``convex/server`` exports the same registrars with a ``Generic`` suffix.
GENERIC_REGISTRARS = {name + "Generic": value for name, value in REGISTRARS.items()}

CRON_METHODS = frozenset({"interval", "cron", "hourly", "daily", "weekly", "monthly"})
REFERENCE_ROOTS = ("api", "internal", "components")
DB_WRITES = frozenset({"insert", "patch", "replace", "delete"})
DB_READS = frozenset({"get", "query", "normalizeId"})
#: ``ctx.scheduler`` methods that take a function reference -> its argument position
#: (``ctx.run*`` take it first).
SCHEDULER_METHODS = {"runAfter": 1, "runAt": 1}
RUN_KINDS = {"runQuery": "run_query", "runMutation": "run_mutation", "runAction": "run_action"}

_GENERATED_SERVER = re.compile(r"(^|/)_generated/server(\.js|\.ts)?$")
_GENERATED_API = re.compile(r"(^|/)_generated/api(\.js|\.ts)?$")


def is_generated_server(source: str) -> bool:
    """Whether an import specifier names the functions directory's ``_generated/server``."""
    return bool(_GENERATED_SERVER.search(source))


def is_generated_api(source: str) -> bool:
    """Whether an import specifier names the functions directory's ``_generated/api``."""
    return bool(_GENERATED_API.search(source))


def builtin_registrar(name: str) -> tuple[str, str] | None:
    """``(kind, visibility)`` of a built-in registrar name, plain or ``…Generic``."""
    return REGISTRARS.get(name) or GENERIC_REGISTRARS.get(name)


def registrar_for_import(source: str, imported: str) -> tuple[str, str] | None:
    """The (kind, visibility) of ``import { imported } from source``, if it is a registrar."""
    if is_generated_server(source):
        return REGISTRARS.get(imported)
    if source == "convex/server":
        return GENERIC_REGISTRARS.get(imported) or REGISTRARS.get(imported)
    return None


#: Indexes a library looks up by name, so their names are not the project's to choose:
#: Convex Auth's ``authTables`` (``@convex-dev/auth/server``, src/server/implementation/
#: types.ts), which apps re-declare when they extend ``users``.
LIBRARY_INDEXES: dict[str, frozenset[tuple[str, str]]] = {
    "@convex-dev/auth": frozenset(
        {
            ("users", "email"),
            ("users", "phone"),
            ("authSessions", "userId"),
            ("authAccounts", "userIdAndProvider"),
            ("authAccounts", "providerAndAccountId"),
            ("authRefreshTokens", "sessionId"),
            ("authRefreshTokens", "sessionIdAndParentRefreshTokenId"),
            ("authVerificationCodes", "accountId"),
            ("authVerificationCodes", "code"),
            ("authVerifiers", "signature"),
            ("authRateLimits", "identifier"),
        }
    ),
}


#: Tables Convex itself keeps in every deployment (``ctx.db.system`` and the backend's
#: system functions). A schema that defines one describes the backend, not an app.
SYSTEM_TABLES = frozenset({"_storage", "_scheduled_functions", "_tables", "_index", "_modules", "_udf_config", "_components"})
