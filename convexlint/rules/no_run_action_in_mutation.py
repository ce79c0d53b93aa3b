"""no-run-action-in-mutation: ``ctx.runAction`` in a mutation.

Source: S002 ("Schedule actions from mutations, never call actions directly from
mutations"). Mutations are transactions; they schedule actions with
``ctx.scheduler.runAfter(0, internal.…)``, which runs once the mutation commits.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import events, functions_of_kind
from convexlint.rules.base import ProjectContext, Rule


class NoRunActionInMutation(Rule):
    id = "no-run-action-in-mutation"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, fn in functions_of_kind(project, "mutation"):
            for e in events(fn, "run_action"):
                # A target that is not a static reference is shown as "the action".
                target = e.ref.dotted if e.ref is not None else "the action"
                ctx.report(self, facts.path, e.span, "run_action", name=fn.display_name, target=target)
