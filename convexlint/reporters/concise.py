"""One line per diagnostic, ruff's ``--output-format concise``::

    convex/messages.ts:12:8: error[no-filter-in-query] `.filter` in a query reads …

(``[*]`` before the message when ``--fix`` fixes it), then the short summary the text
format ends with (``reporters.text.short_summary``). Lines are never wrapped; line numbers
are 1-based, columns 1-based UTF-16 code units; paths and messages are escaped as in the
text format.
"""

from __future__ import annotations

from convexlint.diagnostics import LintResult
from convexlint.reporters.facts import RunFacts
from convexlint.reporters.text import head, short_summary, to_string


def render(result: LintResult, *, color: bool, facts: RunFacts | None = None) -> str:
    """``result`` as one line per diagnostic plus the short summary (ANSI when ``color``)."""
    lines = [head(d, color=color) for d in result.diagnostics]
    return to_string(lines + short_summary(result, facts), color=color)
