"""no-hardcoded-secrets: secret-looking literals in Convex code.

Source: S002 ("Use environment variables - Never hardcode API keys or secrets"). Convex
code is committed and deployed; keys belong in the deployment's environment variables
(``npx convex env set``). Recognised: Stripe (``sk_live_``/``sk_test_``/``rk_``/
``whsec_``), OpenAI (``sk-…``), Anthropic (``sk-ant-``), GitHub (``ghp_``…), Slack
(``xox…``), AWS access key ids, private-key blocks, and literal ``Bearer`` tokens. Test
files (``*.test.ts``, ``__tests__/``) are skipped: their keys are fixtures. A private-key
marker alone (``.replace("-----BEGIN PRIVATE KEY-----", "")``) is not a key.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.syntax import text

#: What each pattern finds, with its article (the message's ``{{what}}``), and the pattern.
PATTERNS = [
    ("a Stripe secret key", re.compile(r"\b(sk|rk)_(live|test)_[0-9A-Za-z]{16,}")),
    ("a Stripe webhook secret", re.compile(r"\bwhsec_[0-9A-Za-z]{16,}")),
    ("an Anthropic API key", re.compile(r"\bsk-ant-[0-9A-Za-z_-]{20,}")),
    ("an OpenAI API key", re.compile(r"\bsk-(proj-)?[0-9A-Za-z_-]{32,}")),
    ("a GitHub token", re.compile(r"\b(ghp|gho|ghu|ghs|github_pat)_[0-9A-Za-z_]{30,}")),
    ("a Slack token", re.compile(r"\bxox[baprs]-[0-9A-Za-z-]{10,}")),
    ("an AWS access key id", re.compile(r"\bAKIA[0-9A-Z]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN ([A-Z]+ )?PRIVATE KEY-----[\s\\n]*[A-Za-z0-9+/=]{40,}")),
    ("a bearer token", re.compile(r"\bBearer [0-9A-Za-z._~+/-]{24,}=*")),
]

#: Literals one of which every pattern above needs (a cheap whole-file test).
_MARKERS = ("sk_", "rk_", "sk-", "whsec_", "ghp_", "gho_", "ghu_", "ghs_", "github_pat_", "xox", "AKIA", "PRIVATE KEY", "Bearer ")


class NoHardcodedSecrets(Rule):
    id = "no-hardcoded-secrets"
    listeners = {"template_string": "on_string", "string": "on_string"}
    file_markers = _MARKERS

    def on_string(self, node: Node, file: FileContext) -> None:
        if file.is_test:
            return  # test fixtures hold fake keys by design
        if node.parent is not None and node.parent.type in ("template_string", "import_statement", "export_statement"):
            return
        value = text(node)
        if len(value) < 20:
            return
        for what, pattern in PATTERNS:
            if pattern.search(value):
                file.report(self, node, "hardcoded_secret", what=what)
                return
