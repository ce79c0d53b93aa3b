"""require-internal-reference: scheduling or running a public function via ``api.…``.

Sources: S000 (NEVER "Expose internal functions as public", ALWAYS "Use internalQuery/
Mutation/Action for private functions"), S001 (DO "Use internal. functions for all
ctx.run*, ctx.scheduler, and crons"; DON'T "use api. functions for scheduling"), S002
(whose own example schedules ``api.actions.sendWelcomeEmail``), Convex Best Practices.
A function that only the server calls should be internal, so clients cannot call it.
``components.…`` references are fine.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.model.project import Project
from convexlint.rules.base import FileContext, ProjectContext, Rule
from convexlint.syntax import call_arguments

#: method -> index of the function-reference argument
SCHEDULER_METHODS = {"runAfter": 1, "runAt": 1}
RUN_METHODS = {"runQuery": 0, "runMutation": 0, "runAction": 0}


def _message(call_text: str, ref_dotted: str) -> str:
    internal = "internal." + ref_dotted.split(".", 1)[1] if "." in ref_dotted else "internal.…"
    return (
        f"`{call_text}` is given the public function `{ref_dotted}`; "
        f"make the target internal and pass `{internal}` instead."
    )


class RequireInternalReference(Rule):
    id = "require-internal-reference"
    listeners = {"call_expression": "on_call"}
    call_names = frozenset({"runAfter", "runAt", "runQuery", "runMutation", "runAction"})

    def on_call(self, node: Node, file: FileContext) -> None:
        method, recv = file.callee_method(node)
        if method in SCHEDULER_METHODS:
            path = file.member_path(recv)
            if not path or path[-1] != "scheduler":
                return
            index = SCHEDULER_METHODS[method]
            call_text = ".".join(path + [method])
        elif method in RUN_METHODS:
            path = file.member_path(recv)
            index = RUN_METHODS[method]
            call_text = ".".join((path or ["…"]) + [method])
        else:
            return
        args = call_arguments(node)
        if len(args) <= index:
            return
        ref = file.function_reference(args[index])
        if ref is not None and ref.root == "api":
            file.report(self, ref.span, _message(call_text, ref.dotted))

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts in project.files.values():
            for cron in facts.crons:
                if cron.ref is not None and cron.ref.root == "api":
                    ctx.report(self, facts.path, cron.ref.span, _message(f"crons.{cron.method}", cron.ref.dotted))
