"""require-access-control: a public function whose handler checks no identity.

Sources: S001 DO ("Always check auth in public functions"), S003, the official ESLint
plugin's rule of the same id (off by default there), Convex Best Practices. Public
functions can be called by anyone with the deployment URL; a component's are not (only
the app that installs the component calls them), so components are not checked.

An access check is ``ctx.auth.getUserIdentity()``, a call whose name matches the
``pattern`` option (the ESLint plugin's default, plus Convex Auth's ``getAuthUserId`` /
``auth.getUserId`` and Better Auth's ``authComponent.getAuthUser`` / ``safeGetAuthUser``),
a call to a project function that does one of those (followed across files), or a custom
registrar whose customization does (by name or transitively). A comparison of a value
with a secret from ``process.env`` that guards a ``throw`` or ``return`` is a check too (a
server-to-server function proves the caller holds the secret), as is reading a webhook
signature header or calling a signature verifier. An identity read whose result is dropped
(``await ctx.auth.getUserIdentity();``, or a ``const`` never used) checks nothing.
"""

from __future__ import annotations

import re

from convexlint.model.project import Project
from convexlint.rules._helpers import kind_label
from convexlint.rules.base import ProjectContext, Rule


def _checks_access(event) -> bool:
    """An identity read the handler uses, or a check of the caller's secret or signature."""
    return (event.kind == "auth" and event.detail != "unused") or event.kind == "sender_check"


class RequireAccessControl(Rule):
    id = "require-access-control"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        if project.is_component:
            return  # a component's public functions are called by the installing app, not by clients
        compiled: dict[str, re.Pattern] = {}
        for facts, index, fn in project.indexed_functions_to_check():
            if fn.visibility != "public" or fn.kind == "httpAction" or not fn.export_names:
                continue
            if fn.custom_checks_auth or any(_checks_access(e) for e in fn.events):
                continue
            source = ctx.options_for(self.id, facts.path)["pattern"]
            pattern = compiled.get(source)
            if pattern is None:
                try:
                    pattern = compiled[source] = re.compile(source)
                except re.error:
                    pattern = compiled[source] = re.compile(re.escape(source))
            if project.calls_check_auth(facts, fn.calls, pattern):
                continue
            if any(project.calls_check_auth(owner, d.calls, pattern) for owner, d in project.customizations(facts, index)):
                continue  # the custom registrar's customization calls an access check
            ctx.report(self, facts.path, fn.callee_span, "no_access_check", name=fn.display_name, kind=kind_label(fn))
