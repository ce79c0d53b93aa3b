"""JSON output: a list of diagnostics, sorted by path and position. Stable shape::

    [{"rule": "no-filter-in-query", "severity": "error", "message": "...",
      "path": "convex/messages.ts", "line": 12, "column": 8, "end_line": 12,
      "end_column": 14, "help": "...", "url": "https://..."}]

``path`` is relative to the working directory with ``/`` separators; lines are 1-based;
columns are 1-based UTF-16 code units, ``end_column`` exclusive.
"""

from __future__ import annotations

import json

from convexlint.diagnostics import LintResult


def render(result: LintResult) -> str:
    items = [
        {
            "rule": d.rule,
            "severity": str(d.severity),
            "message": d.message,
            "path": d.path,
            "line": d.span.start_line,
            "column": d.span.start_col,
            "end_line": d.span.end_line,
            "end_column": d.span.end_col,
            "help": d.help,
            "url": d.url,
        }
        for d in result.diagnostics
    ]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
