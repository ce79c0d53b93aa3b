"""GitHub Actions workflow commands, one per diagnostic::

    ::error file=convex/a.ts,line=3,col=5,endLine=3,endColumn=12,title=no-filter-in-query::message

``info`` diagnostics become ``::notice``. Columns are given only for a span on one line
(GitHub ignores ``col``/``endColumn`` when ``line`` and ``endLine`` differ, and documents
them for single-line annotations only). GitHub shows at most ``ANNOTATIONS_PER_STEP``
annotations of each of error, warning and notice per step (and 50 per job); when a run
has more, one ``::notice`` line comes first saying how many will not be shown as
annotations and where to see them all. Values are escaped as the Actions toolkit does
(``%``, CR and LF everywhere; also ``:`` and ``,`` in properties); every other control
character (ESC, C1, DEL, U+2028/U+2029) and every byte of a file name that is not UTF-8 is
then rendered visibly by ``escape_controls`` (``\\x1b``), so no message or path can end
the command line or send a terminal escape sequence to the log.
"""

from __future__ import annotations

from convexlint.diagnostics import LintResult, Severity
from convexlint.textsafe import escape_controls

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
#: GitHub displays this many annotations of each kind (error, warning, notice) per step.
ANNOTATIONS_PER_STEP = 10


def escape_data(value: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded (the runner decodes
    them), any other control character escaped visibly."""
    return escape_controls(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(value: str) -> str:
    """A workflow command's property value: as ``escape_data``, plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def hidden_annotations(result: LintResult) -> int:
    """How many of ``result``'s diagnostics GitHub will not show as annotations (0 when all
    fit), counting the summary notice that ``render`` then prints first."""
    counts = {sev: result.count(sev) for sev in _COMMAND}
    if all(n <= ANNOTATIONS_PER_STEP for n in counts.values()):
        return 0
    counts[Severity.INFO] += 1  # the summary is a notice too, and comes first
    return sum(max(0, n - ANNOTATIONS_PER_STEP) for n in counts.values())


def _summary(result: LintResult, hidden: int) -> str:
    total = len(result.diagnostics)
    return (
        f"::notice title=convexlint::convexlint found {total} problems; GitHub shows at most "
        f"{ANNOTATIONS_PER_STEP} error, {ANNOTATIONS_PER_STEP} warning and {ANNOTATIONS_PER_STEP} notice "
        f"annotations per step, so {hidden} of them are not shown as annotations. "
        "All are listed in this step's log; run `convexlint check` for the text report, "
        "or upload `--format sarif` to code scanning."
    )


def render(result: LintResult) -> str:
    """One workflow command line per diagnostic (``::error``/``::warning``/``::notice``),
    preceded by one summary ``::notice`` when GitHub would not show them all."""
    lines = []
    hidden = hidden_annotations(result)
    if hidden:
        lines.append(_summary(result, hidden))
    for d in result.diagnostics:
        place: tuple[tuple[str, object], ...] = (("file", d.path), ("line", d.span.start_line))
        if d.span.start_line == d.span.end_line:
            place += (("col", d.span.start_col), ("endLine", d.span.end_line), ("endColumn", d.span.end_col))
        else:
            place += (("endLine", d.span.end_line),)
        props = ",".join(f"{k}={escape_property(str(v))}" for k, v in (*place, ("title", d.rule)))
        lines.append(f"::{_COMMAND[d.severity]} {props}::{escape_data(d.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
