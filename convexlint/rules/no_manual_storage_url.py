"""no-manual-storage-url: building a file storage URL by hand.

Source: S002 ("Always use ctx.storage.getUrl() for storage URLs, never construct URLs
manually ... Manual URLs don't work and return null").
"""

from __future__ import annotations

import re

from tree_sitter import Node

from convexlint.rules.base import FileContext, Rule
from convexlint.syntax import text

_PATTERN = re.compile(r"\.convex\.(cloud|site)/(api/)?storage/|/api/storage/\$\{|/storage/\$\{")


class NoManualStorageUrl(Rule):
    id = "no-manual-storage-url"
    listeners = {"template_string": "on_string", "string": "on_string"}
    file_markers = ("storage/",)  # in every alternative of _PATTERN

    def on_string(self, node: Node, file: FileContext) -> None:
        if not _PATTERN.search(text(node)):
            return
        file.report(self, node, "manual_url")
