"""require-internal-reference: scheduling or running a public function via ``api.…``.

Sources: S000 (NEVER "Expose internal functions as public", ALWAYS "Use internalQuery/
Mutation/Action for private functions"), S001 (DO "Use internal. functions for all
ctx.run*, ctx.scheduler, and crons"; DON'T "use api. functions for scheduling"), S002
(whose own example schedules ``api.actions.sendWelcomeEmail``), Convex Best Practices.
A function that only the server calls should be internal, so clients cannot call it.
``components.…`` references are fine, and so is a target that client code (outside tests)
also references through ``api.``: it is public on purpose, and the server calling it exposes
nothing more (the rule reads the project's client code for this).
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


def _internal(ref_dotted: str) -> str:
    """The ``internal.`` reference to pass instead of ``api.<module>.<name>``."""
    return "internal." + ref_dotted.split(".", 1)[1] if "." in ref_dotted else "internal.…"


class RequireInternalReference(Rule):
    id = "require-internal-reference"
    needs_client_code = True  # a target the client also calls must stay public

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        # `api.x.y` that client code (not tests) references: public on purpose.
        client = {r.dotted for f in project.client_files.values() if not f.is_test for r in f.api_refs if r.root == "api"}
        for facts in project.files.values():
            for ref in facts.api_refs:
                if ref.passed_to is not None and ref.root == "api" and ref.dotted not in client:
                    ctx.report(
                        self,
                        facts.path,
                        ref.span,
                        "public_target",
                        call=ref.passed_to,
                        target=ref.dotted,
                        internal=_internal(ref.dotted),
                    )
            for cron in facts.crons:
                if cron.ref is not None and cron.ref.root == "api" and cron.ref.dotted not in client:
                    ctx.report(
                        self,
                        facts.path,
                        cron.ref.span,
                        "public_target",
                        call=f"crons.{cron.method}",
                        target=cron.ref.dotted,
                        internal=_internal(cron.ref.dotted),
                    )
