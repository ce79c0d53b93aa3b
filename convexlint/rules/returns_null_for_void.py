"""returns-null-for-void: ``returns`` that does not match a handler that returns nothing,
or ``returns: v.null()`` on a handler that returns a value.

Source: S000 ALWAYS ("Return v.null() when function has no return value"). A handler
that returns nothing sends ``null`` to its caller; say so with ``v.null()``. A handler
that only throws (a deprecated stub) never returns, so its ``returns`` is left alone.
"""

from __future__ import annotations

from convexlint.diagnostics import Edit
from convexlint.model.project import Project
from convexlint.rules._helpers import imports_v
from convexlint.rules.base import ProjectContext, Rule

_ACCEPTS_NULL = ("v.null()", "v.any()")


class ReturnsNullForVoid(Rule):
    id = "returns-null-for-void"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions_to_check():
            if fn.returns_text is None or fn.returns_span is None or fn.returns_value is None:
                continue
            if fn.always_throws:
                continue  # a stub that only throws never returns: its `returns` describes the intended value
            compact = "".join(fn.returns_text.split())
            if not fn.returns_value and compact not in _ACCEPTS_NULL and "v.null()" not in compact:
                # The handler already returns null, which this validator rejects: declare it.
                fix = [Edit(facts.path, fn.returns_span.start_byte, fn.returns_span.end_byte, "v.null()")] if imports_v(facts) else None
                ctx.report(self, facts.path, fn.returns_span, "missing_null", fix=fix, name=fn.display_name)
            elif compact == "v.null()" and fn.returns_non_null:
                ctx.report(self, facts.path, fn.returns_span, "null_but_returns_value", name=fn.display_name)
