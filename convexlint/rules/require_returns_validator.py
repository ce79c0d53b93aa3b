"""require-returns-validator: a Convex function (object syntax) with no ``returns`` key.

Sources: S000 (NEVER "Forget returns validator", ALWAYS "Use new function syntax with
args/returns validators", "Return v.null() when function has no return value") and S003.
A ``returns`` validator checks, at run time, what the function sends to clients.

Fix (safe): a handler that never returns a value (and does not only throw) returns
``null``; ``, returns: v.null()`` goes after its ``args`` (which must be there, and ``v``
imported from ``convex/values``). Nothing the function does or accepts changes.
Fix (unsafe): a handler whose every return is obvious (a literal, ``null``, the id from
``ctx.db.insert("t", …)``: ``FunctionFact.obvious_returns``) gets the matching validator;
unsafe because the validator starts checking what the function returns.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.diagnostics import Edit
from convexlint.rules._helpers import imports_v, kind_label
from convexlint.rules.base import ProjectContext, Rule


class RequireReturnsValidator(Rule):
    id = "require-returns-validator"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in project.functions_to_check():
            if fn.kind == "httpAction" or fn.syntax != "object":
                continue
            if fn.has_returns is not False:  # present, or unknowable because of a spread
                continue
            fix, unsafe = None, False
            if fn.args_span is not None and imports_v(facts) and not fn.always_throws:
                end = fn.args_span.end_byte
                if fn.returns_value is False:
                    fix = [Edit(facts.path, end, end, ", returns: v.null()")]
                elif fn.returns_value and fn.obvious_returns and _tables_known(project, fn.obvious_returns):
                    fix, unsafe = [Edit(facts.path, end, end, f", returns: {validator_for(fn.obvious_returns)}")], True
            ctx.report(self, facts.path, fn.callee_span, "missing_returns", fix=fix, unsafe=unsafe, name=fn.display_name, kind=kind_label(fn))


def validator_for(kinds: list[str]) -> str:
    """The validator accepting exactly the values of ``kinds`` (``FunctionFact.obvious_returns``):
    ``["id:users", "null"]`` -> ``v.union(v.id("users"), v.null())``."""
    parts = [f'v.id("{k[3:]}")' if k.startswith("id:") else f"v.{k}()" for k in kinds]
    return parts[0] if len(parts) == 1 else f"v.union({', '.join(parts)})"


def _tables_known(project: Project, kinds: list[str]) -> bool:
    """Whether every ``id:<table>`` kind names a table of the static schema (or there is
    none to check against): an unknown table is no-unknown-table's finding, and a validator
    naming it would be a second one."""
    schema = project.static_schema()
    names = {t.name for t in schema.tables} if schema is not None else None
    return names is None or all(k[3:] in names for k in kinds if k.startswith("id:"))
