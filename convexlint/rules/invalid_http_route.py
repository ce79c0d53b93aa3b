"""invalid-http-route: HTTP routes Convex rejects or that can never match.

Sources: BE (``httpRouter`` validates routes when ``http.ts`` loads) and Convex's
guidelines. ``path`` must start with ``/``; ``pathPrefix`` must end with ``/``; exactly
one of them; no duplicate method + path; the handler must be an ``httpAction``; Express
style ``:param`` segments are matched literally (use ``pathPrefix``).
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


#: A function kind with its article, as the handler-kind message names it.
_KIND_PHRASE = {"query": "a query", "mutation": "a mutation", "action": "an action"}


class InvalidHttpRoute(Rule):
    id = "invalid-http-route"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        seen: dict[tuple, str] = {}
        for facts, route in project.routes():
            problem: tuple[str, dict] | None = None
            if route.has_path_key and route.has_prefix_key:
                problem = ("path_and_prefix", {})
            elif route.path is not None and not route.path.startswith("/"):
                problem = ("path_without_leading_slash", {"route_path": route.path})
            elif route.path_prefix is not None and not route.path_prefix.endswith("/"):
                problem = ("prefix_without_trailing_slash", {"prefix": route.path_prefix})
            elif route.path_prefix is not None and not route.path_prefix.startswith("/"):
                problem = ("prefix_without_leading_slash", {"prefix": route.path_prefix})
            elif route.path is not None and any(seg.startswith(":") for seg in route.path.split("/")):
                problem = ("express_param", {"route_path": route.path})
            elif route.handler_is_function:
                problem = ("handler_plain_function", {})
            else:
                target = project.route_handler(facts, route)
                if target is not None and target[1].kind not in (None, "httpAction"):
                    problem = ("handler_not_http_action", {"kind": _KIND_PHRASE[target[1].kind]})
            if problem is None and route.method is not None and (route.path is not None or route.path_prefix is not None):
                # A path that is not static (a template with a substitution) is not compared.
                key = (facts.path, route.router, route.router_at, route.method, route.path, route.path_prefix)
                if key in seen:
                    where = route.path if route.path is not None else route.path_prefix
                    problem = ("already_routed", {"method": route.method, "route_path": where})
                seen[key] = route.method
            if problem is not None:
                message_id, data = problem
                ctx.report(self, facts.path, route.span, message_id, **data)
