"""http-endpoint-domain: calling an HTTP action on the ``.convex.cloud`` URL.

Source: S002 CRITICAL ("Use .convex.site for HTTP endpoints, NOT .convex.cloud ...
Results in 404 Not Found"). HTTP actions are served from ``https://<name>.convex.site``;
the deployment URL (``NEXT_PUBLIC_CONVEX_URL``, ``VITE_CONVEX_URL``) ends in
``.convex.cloud``. A substitution naming a ``const`` is followed to its value
(``const base = import.meta.env.VITE_CONVEX_URL``).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.syntax import resolve_value, text

_LITERAL = re.compile(r"https?://[a-z0-9-]+\.convex\.cloud/(?!api/|storage|version|metrics|instance_|$)[^\s\"'`]+")
#: The deployment URL as clients name it (NEXT_PUBLIC_CONVEX_URL, VITE_CONVEX_URL...). A bare
#: CONVEX_URL is mostly server scripts talking to a self-hosted backend's own endpoints.
_CLIENT_URL = re.compile(r"[A-Z]+_CONVEX_URL")
#: The backend's own endpoints, which do live on the deployment URL.
_BACKEND_PATHS = ("/api/", "/version", "/metrics", "/instance_", "/storage")


def _deployment_url_text(substitution: Node) -> str:
    """The text of a template substitution, following a ``const`` it names (once)."""
    inner = next((c for c in substitution.named_children if c.type != "comment"), None)
    value = resolve_value(inner)
    return text(value) if value is not None and value.type != "identifier" else text(substitution)


class HttpEndpointDomain(Rule):
    id = "http-endpoint-domain"
    listeners = {"template_string": "on_template", "string": "on_string"}
    file_markers = ("convex.cloud", "_CONVEX_URL")  # _LITERAL's domain, _CLIENT_URL's name

    def on_template(self, node: Node, file: FileContext) -> None:
        if file.is_test:
            return  # tests assert on URLs; they do not call them
        children = [c for c in node.named_children]
        for i, child in enumerate(children):
            if child.type != "template_substitution":
                continue
            inner = _deployment_url_text(child)
            if not _CLIENT_URL.search(inner) or "convex.site" in inner:
                continue
            following = children[i + 1] if i + 1 < len(children) else None
            path = text(following) if following is not None and following.type == "string_fragment" else ""
            if path.startswith("/") and not path.startswith(_BACKEND_PATHS):
                file.report(self, node, "deployment_url_path")
                return
        self.on_string(node, file)

    def on_string(self, node: Node, file: FileContext) -> None:
        if file.is_test:
            return
        if _LITERAL.search(text(node)):
            file.report(self, node, "cloud_url_literal")
