"""http-action-cors: a response of a browser-facing httpAction route without CORS headers.

Source: S002's CRITICAL pattern "CORS Headers for HTTP Endpoints" - every response
(success, error, OPTIONS) of an endpoint accessed from browsers must carry
``Access-Control-Allow-Origin`` or browsers block it. A route is browser-facing on evidence:
client code requesting its path from the site URL (``${VITE_CONVEX_SITE_URL}/api/x``), an
``OPTIONS`` route for its path or a prefix of it (for ``GET``, its own path only), or a
CORS header on another response of the same handler (the classic bug: the error path
without it); the last two do not count
for a webhook-shaped handler (it verifies a signature or a ``process.env`` secret, or its
path says ``webhook``). Option ``assume_browser`` makes every route browser-facing. Without
evidence (webhooks, server-to-server relays) the rule is silent; see
``Project.browser_evidence``.
Routes registered on a convex-helpers ``corsRouter`` are covered by the router; ``OPTIONS``
routes are not checked (a preflight handler's reply to a request that is not a CORS
preflight needs no header, and a shared error wrapper's ``catch`` is reported on the route
that can fail). Only
responses the model can prove lack the header are reported (``cors == "no"``); headers
from parameters or other modules are left alone rather than guessed.
"""

from __future__ import annotations

import pathspec

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


def route_label(method: str | None, path: str | None, prefix: str | None) -> str:
    where = path if path is not None else (f"{prefix}*" if prefix is not None else "?")
    return f"{method or '?'} {where}"


class HttpActionCors(Rule):
    id = "http-action-cors"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, route in project.routes():
            if route.cors_router:
                continue
            ignore = ctx.options_for(self.id, facts.path)["ignore_paths"]
            route_path = route.path if route.path is not None else route.path_prefix
            if ignore and route_path is not None:
                spec = pathspec.GitIgnoreSpec.from_lines(ignore)
                if spec.match_file(route_path.lstrip("/")):
                    continue
            target = project.route_handler(facts, route)
            if target is None:
                continue
            target_facts, fn = target
            if not ctx.options_for(self.id, facts.path)["assume_browser"] and project.browser_evidence(route, fn) is None:
                continue  # no evidence a browser calls it: webhooks and server-to-server relays need no CORS
            if route.method == "OPTIONS":
                continue  # its replies to CORS preflights are http-options-preflight's; others need no header
            label = route_label(route.method, route.path, route.path_prefix)
            for response in fn.responses:
                if response.cors == "no":
                    ctx.report(self, target_facts.path, response.span, "missing_header", route=label)
