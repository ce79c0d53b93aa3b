"""http-options-preflight: a CORS-enabled non-GET route with no ``OPTIONS`` route.

Source: S002 ("Add OPTIONS Handler (Required for CORS)"; the validation checklist's "HTTP
endpoints have OPTIONS handler for preflight"). Browsers send a preflight ``OPTIONS``
request before a cross-origin ``POST``/``PUT``/``PATCH``/``DELETE`` with custom headers;
without an ``OPTIONS`` route for the same path it fails and the real request never goes.
A route counts as CORS-enabled when at least one of its responses carries
``Access-Control-Allow-Origin``; routes on a ``corsRouter`` get their preflight from it.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule
from convexlint.rules.http_action_cors import route_label

SIMPLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class HttpOptionsPreflight(Rule):
    id = "http-options-preflight"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        routes = list(project.routes())
        options_paths = {r.path for _, r in routes if r.method == "OPTIONS" and r.path is not None}
        options_prefixes = {r.path_prefix for _, r in routes if r.method == "OPTIONS" and r.path_prefix is not None}

        def covered(path: str | None, prefix: str | None) -> bool:
            if path is not None:
                return path in options_paths or any(path.startswith(p) for p in options_prefixes)
            if prefix is not None:
                return prefix in options_prefixes or any(prefix.startswith(p) for p in options_prefixes)
            return True  # neither: not static, left alone

        for facts, route in routes:
            if route.cors_router or route.method is None or route.method in SIMPLE_METHODS:
                continue
            if covered(route.path, route.path_prefix):
                continue
            target = project.route_handler(facts, route)
            if target is None or not any(r.cors == "yes" for r in target[1].responses):
                continue
            label = route_label(route.method, route.path, route.path_prefix)
            where = route.path if route.path is not None else route.path_prefix
            ctx.report(
                self,
                facts.path,
                route.span,
                f"`{label}` sends CORS headers but no `OPTIONS` route handles `{where}`; "
                "the browser's preflight request will fail.",
            )
