"""JSON output: a list of diagnostics, sorted by path and position. Stable shape::

    [{"rule": "no-filter-in-query", "severity": "error", "message": "...",
      "path": "convex/messages.ts", "line": 12, "column": 8, "end_line": 12,
      "end_column": 14, "help": "...", "url": "https://...", "fix": null}]

``fix`` is null or ``{"applicability": "safe"|"unsafe", "edits": [{"path", "start_byte",
"end_byte", "text"}]}`` (0-based byte offsets into the file as read).

``path`` is relative to the working directory with ``/`` separators; lines are 1-based;
columns are 1-based UTF-16 code units, ``end_column`` exclusive. The output is always
valid UTF-8 (see ``dumps``): a byte of a file name that is not UTF-8 appears as the text
``\\xNN``.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from convexlint.textsafe import escape_controls

if TYPE_CHECKING:
    from convexlint.diagnostics import LintResult

# What ``json.dumps(ensure_ascii=False)`` leaves raw but a terminal or a strict UTF-8
# reader must not see: DEL, C1 controls, U+2028/U+2029, lone surrogates.
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        # Not a character JSON can carry (strict readers reject lone surrogates): an
        # undecodable file-name byte from ``os.fsdecode`` becomes the visible text \xNN.
        return escape_controls(char).replace("\\", "\\\\")
    return f"\\u{ord(char):04x}"  # the same string, spelled with a JSON escape


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """``value`` as JSON text (non-ASCII characters kept readable) that is always valid
    UTF-8 and safe to print: C0 controls are JSON-escaped as usual, DEL, C1 controls and
    U+2028/U+2029 too (``\\u009b``: the decoded value is unchanged), and lone surrogates,
    which ``os.fsdecode`` makes of bytes that are not UTF-8, become the text ``\\xNN``."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def render(result: LintResult) -> str:
    """The diagnostics as a JSON list (shape above), ending with a newline."""
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
            "fix": None
            if d.fix is None
            else {
                "applicability": d.fix.applicability,
                "edits": [{"path": e.path, "start_byte": e.start_byte, "end_byte": e.end_byte, "text": e.text} for e in d.fix.edits],
            },
        }
        for d in result.diagnostics
    ]
    return dumps(items) + "\n"
