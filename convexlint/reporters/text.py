"""Human output: ``path:line:col``, severity, rule id and message; a code frame with the
span underlined; ``help:`` and docs lines; then a summary. Uses rich; plain when colour is
off (not a TTY, ``NO_COLOR``, or ``--no-color``)."""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console
from rich.text import Text

from convexlint.diagnostics import Diagnostic, LintResult, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}
_CONTEXT = 1  # lines of context above the diagnostic's first line


def _frame(diag: Diagnostic, source: str | None) -> list[Text]:
    if source is None:
        return []
    lines = source.splitlines()
    start, end = diag.span.start_line, diag.span.end_line
    if start < 1 or start > len(lines):
        return []
    first = max(1, start - _CONTEXT)
    width = len(str(start))
    gutter = " " * width
    out: list[Text] = [Text(f"{gutter} |", style="blue")]
    for n in range(first, start + 1):
        line = lines[n - 1].replace("\t", "    ")
        t = Text(f"{n:>{width}} | ", style="blue")
        t.append(line)
        out.append(t)
    raw_line = lines[start - 1]
    col0 = diag.span.start_col - 1
    end_col0 = diag.span.end_col - 1 if end == start else len(raw_line)
    prefix = raw_line[:col0].replace("\t", "    ")
    length = max(1, len(raw_line[col0:end_col0].replace("\t", "    ")))
    marker = Text(f"{gutter} | ", style="blue")
    marker.append(" " * len(prefix) + "^" * length, style=_STYLE[diag.severity])
    out.append(marker)
    return out


def render(result: LintResult, *, color: bool, show_summary: bool = True, width: int | None = None) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        soft_wrap=True,
        width=width or 120,
        emoji=False,
        markup=False,
    )
    for diag in result.diagnostics:
        head = Text()
        head.append(f"{diag.path}:{diag.span.start_line}:{diag.span.start_col}", style="bold")
        head.append(": ")
        head.append(str(diag.severity), style=_STYLE[diag.severity])
        head.append(f"[{diag.rule}]", style="dim" if color else "")
        head.append(f" {diag.message}")
        console.print(head)
        for line in _frame(diag, result.sources.get(diag.path)):
            console.print(line)
        if diag.help:
            console.print(Text.assemble(("  = help: ", "bold cyan"), diag.help))
        if diag.url:
            console.print(Text.assemble(("  = docs: ", "bold cyan"), diag.url))
        console.print()
    if show_summary:
        errors, warnings, infos = (result.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        total = len(result.diagnostics)
        files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
        if total == 0:
            console.print(Text(f"All clear: no problems in {files} ({result.elapsed:.2f}s).", style="bold green"))
        else:
            summary = Text(f"Found {total} problem{'s' if total != 1 else ''} ", style="bold")
            summary.append(f"({errors} error{'s' if errors != 1 else ''}, ", style="bold red" if errors else "")
            summary.append(f"{warnings} warning{'s' if warnings != 1 else ''}, ", style="bold yellow" if warnings else "")
            summary.append(f"{infos} info) ", style="bold blue" if infos else "")
            summary.append(f"in {files} checked ({result.elapsed:.2f}s).")
            console.print(summary)
            by_rule = Counter(d.rule for d in result.diagnostics)
            for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
                console.print(Text(f"  {n:>4}  {rule}"))
    return buffer.getvalue()
