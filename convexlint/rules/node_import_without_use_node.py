"""node-import-without-use-node: a Node.js built-in imported by a file without
``"use node"``.

Sources: BE (the default runtime's bundler cannot resolve Node built-ins, so the deploy
fails) and Convex's guidelines. Type-only imports are erased and fine, and so are files
Convex never bundles for the default runtime (test files, helpers only ``"use node"``
files import).
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule

NODE_BUILTINS = frozenset(
    """assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel dns domain
    events fs fs/promises http http2 https inspector module net os path path/posix path/win32 perf_hooks process
    punycode querystring readline repl stream stream/promises string_decoder timers timers/promises tls trace_events
    tty url util v8 vm wasi worker_threads zlib""".split()
)


def is_node_builtin(source: str) -> bool:
    return source.startswith("node:") or source in NODE_BUILTINS


class NodeImportWithoutUseNode(Rule):
    id = "node-import-without-use-node"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts, imp in project.default_runtime_imports():
            if not is_node_builtin(imp.source):
                continue
            ctx.report(self, facts.path, imp.span, "node_builtin", module=imp.source)
