"""invalid-http-route: HTTP routes Convex rejects or that can never match.

Sources: BE (``httpRouter`` validates routes when ``http.ts`` loads) and Convex's
guidelines. ``path`` must start with ``/``; ``pathPrefix`` must end with ``/``; exactly
one of them; no duplicate method + path; the handler must be an ``httpAction``; Express
style ``:param`` segments are matched literally (use ``pathPrefix``).
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


class InvalidHttpRoute(Rule):
    id = "invalid-http-route"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        seen: dict[tuple, str] = {}
        for facts, route in project.routes():
            problem = None
            if route.has_path_key and route.has_prefix_key:
                problem = "give either `path` or `pathPrefix`, not both"
            elif route.path is not None and not route.path.startswith("/"):
                problem = f"`path` must start with `/` (`{route.path}`)"
            elif route.path_prefix is not None and not route.path_prefix.endswith("/"):
                problem = f"`pathPrefix` must end with `/` (`{route.path_prefix}`)"
            elif route.path_prefix is not None and not route.path_prefix.startswith("/"):
                problem = f"`pathPrefix` must start with `/` (`{route.path_prefix}`)"
            elif route.path is not None and any(seg.startswith(":") for seg in route.path.split("/")):
                problem = f"`{route.path}` has an Express-style `:param`, which Convex matches literally; use `pathPrefix` and parse the URL"
            elif route.handler_is_function:
                problem = "`handler` is a plain function; wrap it in `httpAction(...)`"
            else:
                target = project.route_handler(facts, route)
                if target is not None and target[1].kind not in (None, "httpAction"):
                    problem = f"`handler` is a {target[1].kind}, not an `httpAction`"
            if problem is None and route.method is not None and (route.path is not None or route.path_prefix is not None):
                # A path that is not static (a template with a substitution) is not compared.
                key = (facts.path, route.router, route.router_at, route.method, route.path, route.path_prefix)
                if key in seen:
                    where = route.path if route.path is not None else route.path_prefix
                    problem = f"`{route.method} {where}` is already routed"
                seen[key] = route.method
            if problem is not None:
                ctx.report(self, facts.path, route.span, f"Invalid HTTP route: {problem}.")
