"""no-db-in-action: ``ctx.db`` in an action or httpAction.

Sources: S000 NEVER ("Call ctx.db in actions (only queries/mutations have DB access)"),
Convex's guidelines. Actions have no ``ctx.db``; read and write through
``ctx.runQuery``/``ctx.runMutation`` with internal functions.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import events, functions_of_kind
from convexlint.rules.base import ProjectContext, Rule

#: An action's kind with its article (the message's ``{{kind}}``), by visibility.
_ACTION = {"public": "a public action", "internal": "an internal action"}


class NoDbInAction(Rule):
    id = "no-db-in-action"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in functions_of_kind(project, "action", "httpAction"):
            # One finding per function, at its first use: the message is about the function
            # (two branches of one ternary used to give two findings for one mistake).
            e = next(events(fn, "db_read", "db_write", "db_access"), None)
            if e is None:
                continue
            kind = "an HTTP action" if fn.kind == "httpAction" else _ACTION[fn.visibility]
            ctx.report(self, facts.path, e.span, "db_in_action", name=fn.display_name, kind=kind, method=e.detail)
