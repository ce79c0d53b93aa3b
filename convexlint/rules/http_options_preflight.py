"""http-options-preflight: a CORS-enabled non-GET route with no ``OPTIONS`` route.

Source: S002 ("Add OPTIONS Handler (Required for CORS)"; the validation checklist's "HTTP
endpoints have OPTIONS handler for preflight"). Browsers send a preflight ``OPTIONS``
request before a cross-origin ``POST``/``PUT``/``PATCH``/``DELETE`` with custom headers;
without an ``OPTIONS`` route for the same path it fails and the real request never goes.
A route counts as CORS-enabled when at least one of its responses carries
``Access-Control-Allow-Origin`` and a browser calls it (``Project.browser_evidence``: not a
webhook-shaped handler unless client code requests it); routes on a ``corsRouter`` get their
preflight from it.
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule
from convexlint.rules.http_action_cors import route_label

SIMPLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class HttpOptionsPreflight(Rule):
    id = "http-options-preflight"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, route in project.routes():
            if route.cors_router or route.method is None or route.method in SIMPLE_METHODS:
                continue
            if route.path is None and route.path_prefix is None:
                continue  # not static: left alone
            if project.preflight_covers(route.path, route.path_prefix):
                continue
            target = project.route_handler(facts, route)
            if target is None or not any(r.cors == "yes" for r in target[1].responses):
                continue
            if project.browser_evidence(route, target[1]) is None:
                continue  # a webhook that happens to send CORS headers: no browser preflights it
            label = route_label(route.method, route.path, route.path_prefix)
            where = route.path if route.path is not None else route.path_prefix
            ctx.report(self, facts.path, route.span, "no_preflight_route", route=label, route_path=where)
