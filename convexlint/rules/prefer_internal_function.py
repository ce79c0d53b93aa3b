"""prefer-internal-function (preview): a public function only the server calls.

Source: S000 NEVER ("Expose internal functions as public"). When no client file references
``api.<module>.<name>`` but server code (not tests) does, the function should be internal.
Needs the client code: silent for projects whose client code convexlint did not read. In a
monorepo, client code anywhere in the workspace that imports the project's API counts
(``discovery.workspace_client_files``), including ``.vue``/``.svelte``/``.astro`` scripts
and aliased imports (``workspace.api_specifiers``).
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules._helpers import kind_label
from convexlint.rules.base import ProjectContext, Rule


class PreferInternalFunction(Rule):
    id = "prefer-internal-function"
    needs_client_code = True

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        if not project.client_files:
            return
        public = ("api", "anyApi")  # anyApi.x.y may name a public function: it counts as a call of it
        client = {".".join(r.path) for f in project.client_files.values() for r in f.api_refs if r.root in public}
        # A test calling a function is not a server caller: tests are not deployed.
        server = {".".join(r.path) for f in project.files.values() if not f.is_test for r in f.api_refs if r.root in public}
        for facts, fn in project.functions_to_check():
            if fn.visibility != "public" or fn.kind == "httpAction" or facts.module is None:
                continue
            dotted = {".".join([*facts.module.split("/"), name]) for name in fn.export_names}
            if dotted & server and not dotted & client:
                ctx.report(self, facts.path, fn.callee_span, "server_only", name=fn.display_name, kind=kind_label(fn))
