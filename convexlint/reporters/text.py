"""Human output: ``path:line:col``, severity, rule id and message; a code frame with the
span underlined; ``help:`` and docs lines; then a summary. Uses rich; plain when colour is
off (not a TTY, ``NO_COLOR``, or ``--no-color``).

Every piece of text from outside convexlint (paths, messages, source lines) is printed
through ``escape_controls``, so a file name or a line of code cannot inject a line into a
CI log or an escape sequence into a terminal. Output is bounded by the findings, not by
line length: a code frame shows at most ``WINDOW`` columns around the span, and after
``MAX_PER_LINE`` findings on one source line the rest are counted in one line."""

from __future__ import annotations

import bisect
import io
import re
from collections import Counter

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from convexlint.diagnostics import Diagnostic, LintResult, Severity
from convexlint.textsafe import escape_controls

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}
_CONTEXT = 1  # lines of context above the diagnostic's first line
#: Columns of a source line a code frame shows at most: a window around the span, with
#: ``…`` where the line is cut (a minified file's one line can be megabytes long).
WINDOW = 120
#: Diagnostics shown in full per source line; the rest of that line's are counted in one
#: line (``--format json`` lists them all).
MAX_PER_LINE = 200
_ELLIPSIS = "…"


def _display(raw: str) -> str:
    """Source text as shown: tabs as four spaces, control characters escaped."""
    return escape_controls(raw.replace("\t", "    "))


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _astral_ends(line: str) -> list[int]:
    """For each astral character of ``line`` (two UTF-16 code units), the UTF-16 column
    just past it: what ``_index`` needs to convert columns on this line."""
    return [m.start() + k + 2 for k, m in enumerate(_ASTRAL.finditer(line))]


def _index(utf16_col0: int, astral_ends: list[int]) -> int:
    """The ``str`` index of the 0-based UTF-16 column ``utf16_col0`` on a line whose
    astral characters end at ``astral_ends`` (see ``_astral_ends``)."""
    return utf16_col0 - bisect.bisect_right(astral_ends, utf16_col0) if astral_ends else utf16_col0


def _window(line: str, start: int, end: int) -> tuple[str, int, int, int]:
    """``(shown, caret offset, caret length, raw start)``: at most about ``WINDOW``
    columns of ``line`` around ``line[start:end]``, with ``…`` where cut; the caret offset
    and length are in terminal cells; ``raw start`` is the index of ``line`` shown first.
    Reads only ``O(WINDOW)`` characters of ``line``, however long it is."""
    end = max(end, start)
    mid = _display(line[start : min(end, start + WINDOW)])
    mid_max = WINDOW * 2 // 3
    if len(mid) > mid_max or end - start > WINDOW:
        mid = mid[: mid_max - 1] + _ELLIPSIS
    left = _display(line[max(0, start - WINDOW) : start])
    right = _display(line[end : end + WINDOW + 1])
    room = WINDOW - len(mid)
    left_take = min(len(left), max(room - len(right), room // 2))
    right_take = min(len(right), room - left_take)
    raw_start = 0
    if left_take < len(left):
        raw_start = max(0, start - left_take)
        left = _ELLIPSIS + left[len(left) - left_take + 1 :] if left_take else ""
    if right_take < len(right):
        right = right[: max(0, right_take - 1)] + _ELLIPSIS
    return left + mid + right, cell_len(left), max(1, cell_len(mid)), raw_start


def _context(line: str, raw_start: int) -> str:
    """A context line, cut to the window that starts at about ``raw_start``."""
    shown = _display(line[raw_start : raw_start + WINDOW + 1])
    if raw_start > 0 and line:
        shown = _ELLIPSIS + shown[1:]
    if len(shown) > WINDOW:
        shown = shown[: WINDOW - 1] + _ELLIPSIS
    return shown


def _frame(diag: Diagnostic, lines: list[str] | None, astral: dict[tuple[str, int], list[int]]) -> list[Text]:
    """The code frame of ``diag``: a line of context, the first line of its span (each
    windowed to ``WINDOW`` columns) and a caret underline. ``astral`` caches
    ``_astral_ends`` per ``(path, line)``."""
    if lines is None:
        return []
    start, end = diag.span.start_line, diag.span.end_line
    if start < 1 or start > len(lines):
        return []
    raw_line = lines[start - 1]
    key = (diag.path, start)
    if key not in astral:
        astral[key] = [] if raw_line.isascii() else _astral_ends(raw_line)
    ends = astral[key]
    col0 = _index(diag.span.start_col - 1, ends)
    end_col0 = _index(diag.span.end_col - 1, ends) if end == start else len(raw_line)
    shown, offset, length, raw_start = _window(raw_line, col0, end_col0)
    first = max(1, start - _CONTEXT)
    width = len(str(start))
    gutter = " " * width
    out: list[Text] = [Text(f"{gutter} |", style="blue")]
    for n in range(first, start):
        t = Text(f"{n:>{width}} | ", style="blue")
        t.append(_context(lines[n - 1], raw_start))
        out.append(t)
    t = Text(f"{start:>{width}} | ", style="blue")
    t.append(shown)
    out.append(t)
    marker = Text(f"{gutter} | ", style="blue")
    marker.append(" " * offset + "^" * length, style=_STYLE[diag.severity])
    out.append(marker)
    return out


def _lines(sources, path: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    """The lines of ``path``'s source (split at LF only, as tree-sitter counts rows; a
    CR before it dropped), split once per file; None when the source is unavailable."""
    if path not in cache:
        source = sources.get(path)
        cache[path] = None if source is None else [line.removesuffix("\r") for line in source.split("\n")]
    return cache[path]


def render(result: LintResult, *, color: bool, show_summary: bool = True, width: int | None = None) -> str:
    """``result`` as human-readable text (ANSI-coloured when ``color``); ``width`` is the
    console width rich assumes (default 120; lines are never wrapped)."""
    out: list[Text] = []  # printed at once: rich costs ~50 µs per print (20k findings: 7 s)
    per_line = Counter((d.path, d.span.start_line) for d in result.diagnostics)
    shown: Counter[tuple[str, int]] = Counter()
    lines: dict[str, list[str] | None] = {}
    astral: dict[tuple[str, int], list[int]] = {}
    for diag in result.diagnostics:
        key = (diag.path, diag.span.start_line)
        shown[key] += 1
        if shown[key] > MAX_PER_LINE:
            continue
        path = escape_controls(diag.path)
        head = Text()
        head.append(f"{path}:{diag.span.start_line}:{diag.span.start_col}", style="bold")
        head.append(": ")
        head.append(str(diag.severity), style=_STYLE[diag.severity])
        head.append(f"[{escape_controls(diag.rule)}]", style="dim" if color else "")
        if diag.fix is not None and diag.fix.applicability == "safe":
            head.append(" [*]", style="bold")  # `--fix` fixes it (ruff's mark)
        head.append(f" {escape_controls(diag.message)}")
        out.append(head)
        for line in _frame(diag, _lines(result.sources, diag.path, lines), astral):
            out.append(line)
        if diag.help:
            out.append(Text.assemble(("  = help: ", "bold cyan"), escape_controls(diag.help)))
        if diag.url:
            out.append(Text.assemble(("  = docs: ", "bold cyan"), escape_controls(diag.url)))
        out.append(Text())
        if shown[key] == MAX_PER_LINE and per_line[key] > MAX_PER_LINE:
            more = per_line[key] - MAX_PER_LINE
            out.append(
                Text(
                    f"{path}:{diag.span.start_line}: {more} more problem{'s' if more != 1 else ''} on this line "
                    "not shown (`--format json` lists every one)",
                    style="bold",
                )
            )
            out.append(Text())
    if show_summary:
        errors, warnings, infos = (result.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        total = len(result.diagnostics)
        files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
        if total == 0:
            out.append(Text(f"All clear: no problems in {files} ({result.elapsed:.2f}s).", style="bold green"))
        else:
            summary = Text(f"Found {total} problem{'s' if total != 1 else ''} ", style="bold")
            summary.append(f"({errors} error{'s' if errors != 1 else ''}, ", style="bold red" if errors else "")
            summary.append(f"{warnings} warning{'s' if warnings != 1 else ''}, ", style="bold yellow" if warnings else "")
            summary.append(f"{infos} info) ", style="bold blue" if infos else "")
            summary.append(f"in {files} checked ({result.elapsed:.2f}s).")
            out.append(summary)
            by_rule = Counter(d.rule for d in result.diagnostics)
            for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
                out.append(Text(f"  {n:>4}  {escape_controls(rule)}"))
    if not color:  # plain text: rich would only copy it
        return "".join(f"{t.plain}\n" for t in out)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        highlight=False,
        soft_wrap=True,
        width=width or 120,
        emoji=False,
        markup=False,
    )
    if out:
        console.print(Text("\n").join(out))
    return buffer.getvalue()
