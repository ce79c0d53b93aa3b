"""GitHub Actions workflow commands, one per diagnostic::

    ::error file=convex/a.ts,line=3,col=5,endLine=3,endColumn=12,title=no-filter-in-query::message

``info`` diagnostics become ``::notice``. Values are escaped as the Actions toolkit does
(``%``, CR and LF everywhere; also ``:`` and ``,`` in properties); every other control
character (ESC, C1, DEL, U+2028/U+2029) and every byte of a file name that is not UTF-8 is
then rendered visibly by ``escape_controls`` (``\\x1b``), so no message or path can end
the command line or send a terminal escape sequence to the log.
"""

from __future__ import annotations

from convexlint.diagnostics import LintResult, Severity
from convexlint.textsafe import escape_controls

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded (the runner decodes
    them), any other control character escaped visibly."""
    return escape_controls(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(value: str) -> str:
    """A workflow command's property value: as ``escape_data``, plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(result: LintResult) -> str:
    """One workflow command line per diagnostic (``::error``/``::warning``/``::notice``)."""
    lines = []
    for d in result.diagnostics:
        props = ",".join(
            f"{k}={escape_property(str(v))}"
            for k, v in (
                ("file", d.path),
                ("line", d.span.start_line),
                ("col", d.span.start_col),
                ("endLine", d.span.end_line),
                ("endColumn", d.span.end_col),
                ("title", d.rule),
            )
        )
        lines.append(f"::{_COMMAND[d.severity]} {props}::{escape_data(d.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
