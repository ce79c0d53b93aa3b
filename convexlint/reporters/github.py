"""GitHub Actions workflow commands, one per diagnostic::

    ::error file=convex/a.ts,line=3,col=5,endLine=3,endColumn=12,title=no-filter-in-query::message

``info`` diagnostics become ``::notice``. Values are escaped as the Actions toolkit does
(``%``, CR and LF everywhere; also ``:`` and ``,`` in properties).
"""

from __future__ import annotations

from convexlint.diagnostics import LintResult, Severity

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(result: LintResult) -> str:
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
