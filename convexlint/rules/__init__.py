"""Rule implementations, one module per rule; each ``id`` matches ``rules/<id>.yaml``.

``IMPLEMENTATIONS`` maps rule id -> class. The meta rules (``syntax-error``,
``unreadable-file``, ``invalid-suppression``, ``unused-suppression``) are produced by the
engine and the suppression parser and have records but no class.
"""

from __future__ import annotations

from convexlint.rules.base import FileContext, ProjectContext, Rule
from convexlint.rules.http_action_cors import HttpActionCors
from convexlint.rules.http_options_preflight import HttpOptionsPreflight
from convexlint.rules.index_name_convention import IndexNameConvention
from convexlint.rules.no_filter_in_query import NoFilterInQuery
from convexlint.rules.require_internal_reference import RequireInternalReference
from convexlint.rules.require_returns_validator import RequireReturnsValidator

IMPLEMENTATIONS: dict[str, type[Rule]] = {
    cls.id: cls
    for cls in (
        NoFilterInQuery,
        RequireReturnsValidator,
        RequireInternalReference,
        IndexNameConvention,
        HttpActionCors,
        HttpOptionsPreflight,
    )
}

#: Diagnostics the engine itself emits; always on unless ignored explicitly.
META_RULES = ("syntax-error", "unreadable-file", "invalid-suppression", "unused-suppression")

__all__ = ["IMPLEMENTATIONS", "META_RULES", "FileContext", "ProjectContext", "Rule"]
