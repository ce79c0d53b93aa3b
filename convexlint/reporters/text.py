"""Human output: ``path:line:col``, severity, rule id and message; a code frame with the
span highlighted; ``help:`` and docs lines; then a short summary (``summary``). Uses rich;
plain when colour is off (see ``convexlint.report.use_color``).

On a terminal (``width`` given) messages, help and summary lines wrap at word boundaries to
the terminal's width and code frames are cut to it; otherwise nothing is wrapped. A word
longer than the width (a URL) is never split.

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
from convexlint.reporters.facts import RunFacts

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


def _window(line: str, start: int, end: int, window: int = WINDOW) -> tuple[str, str, str, int]:
    """``(left, span, right, raw start)``: at most about ``window`` columns of ``line``
    around ``line[start:end]`` (the span), with ``…`` where cut; ``raw start`` is the index
    of ``line`` shown first. Reads only ``O(window)`` characters of ``line``, however long
    it is."""
    end = max(end, start)
    mid = _display(line[start : min(end, start + window)])
    mid_max = window * 2 // 3
    if len(mid) > mid_max or end - start > window:
        mid = mid[: mid_max - 1] + _ELLIPSIS
    left = _display(line[max(0, start - window) : start])
    right = _display(line[end : end + window + 1])
    room = window - len(mid)
    left_take = min(len(left), max(room - len(right), room // 2))
    right_take = min(len(right), room - left_take)
    raw_start = 0
    if left_take < len(left):
        raw_start = max(0, start - left_take)
        left = _ELLIPSIS + left[len(left) - left_take + 1 :] if left_take else ""
    if right_take < len(right):
        right = right[: max(0, right_take - 1)] + _ELLIPSIS
    return left, mid, right, raw_start


def _context(line: str, raw_start: int, window: int = WINDOW) -> str:
    """A context line, cut to the window that starts at about ``raw_start``."""
    shown = _display(line[raw_start : raw_start + window + 1])
    if raw_start > 0 and line:
        shown = _ELLIPSIS + shown[1:]
    if len(shown) > window:
        shown = shown[: window - 1] + _ELLIPSIS
    return shown


def _frame(diag: Diagnostic, lines: list[str] | None, astral: dict[tuple[str, int], list[int]], width: int | None) -> list[Text]:
    """The code frame of ``diag``: a line of context, the first line of its span (each
    windowed to ``WINDOW`` columns, or to ``width`` cells with the gutter) and a caret
    underline. Only the gutter and the span are styled, never the source line as a whole.
    ``astral`` caches ``_astral_ends`` per ``(path, line)``."""
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
    gutter_width = len(str(start))
    window = WINDOW if width is None else max(20, min(WINDOW, width - gutter_width - 3))
    left, mid, right, raw_start = _window(raw_line, col0, end_col0, window)
    style = _STYLE[diag.severity]
    gutter = " " * gutter_width
    out: list[Text] = [Text(f"{gutter} |", style="blue")]
    for n in range(max(1, start - _CONTEXT), start):
        out.append(Text.assemble((f"{n:>{gutter_width}} | ", "blue"), _context(lines[n - 1], raw_start, window)))
    out.append(Text.assemble((f"{start:>{gutter_width}} | ", "blue"), left, (mid, style), right))
    out.append(Text.assemble((f"{gutter} | ", "blue"), " " * cell_len(left), ("^" * max(1, cell_len(mid)), style)))
    if width is not None:  # wide (CJK) characters can still take more cells than columns
        for line in out:
            line.truncate(width, overflow="ellipsis")
    return out


def _lines(sources, path: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    """The lines of ``path``'s source (split at LF only, as tree-sitter counts rows; a
    CR before it dropped), split once per file; None when the source is unavailable."""
    if path not in cache:
        source = sources.get(path)
        cache[path] = None if source is None else [line.removesuffix("\r") for line in source.split("\n")]
    return cache[path]


# A word (with a parenthesised count after it: ``convex/a.ts (12)`` stays on one line).
_WORD = re.compile(r"(?:\S+ \(\d+\)\S*|\S+)\s*")


def wrap(text: Text, width: int | None, indent: int) -> list[Text]:
    """``text`` as lines of at most ``width`` terminal cells, broken only between words
    (styles kept), each line after the first indented by ``indent`` spaces. A word longer
    than a line (a URL) stays whole where it is. ``width`` None: ``[text]`` unchanged."""
    plain = text.plain
    if width is None or cell_len(plain) <= width:
        return [text]
    breaks: list[int] = []
    col = 0  # cells used on the current line, trailing spaces included
    placed = False  # a word is already on the current line
    for m in _WORD.finditer(plain):
        if not placed:
            col += cell_len(plain[: m.start()])  # leading spaces of the text
        word = cell_len(m.group().rstrip())
        if placed and col + word > width and indent + word <= width:  # a word too long for any line stays put
            breaks.append(m.start())
            col = indent
        col += cell_len(m.group())
        placed = True
    pieces = text.divide(breaks)
    out = []
    for i, piece in enumerate(pieces):
        piece.rstrip()
        out.append(piece if i == 0 else Text(" " * indent) + piece)
    return out


def head(diag: Diagnostic, *, color: bool) -> Text:
    """``path:line:col: severity[rule] [*] message`` (``[*]``: ``--fix`` fixes it, as
    ruff marks it); line 1-based, column 1-based in UTF-16 code units."""
    out = Text()
    out.append(f"{escape_controls(diag.path)}:{diag.span.start_line}:{diag.span.start_col}", style="bold")
    out.append(": ")
    out.append(str(diag.severity), style=_STYLE[diag.severity])
    out.append(f"[{escape_controls(diag.rule)}]", style="dim" if color else "")
    if diag.fix is not None and diag.fix.applicability == "safe":
        out.append(" [*]", style="bold")
    out.append(f" {escape_controls(diag.message)}")
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 and word != 'info' else ''}"


#: Rules named per severity line of the summary; the rest are counted.
SUMMARY_RULES = 6
#: Files named in the summary's ``Most problems:`` line.
SUMMARY_FILES = 5


def short_summary(result: LintResult, facts: RunFacts | None = None) -> list[Text]:
    """The lines every human format ends with: what ``--fix`` fixed or could fix (when
    anything), then ``Found N problems (…) in N files checked (0.42s).`` or ``All clear``."""
    facts = facts or RunFacts()
    out: list[Text] = []
    if facts.fixed is not None:
        out.append(Text(facts.fixed))
    else:
        safe = sum(1 for d in result.diagnostics if d.fix is not None and d.fix.applicability == "safe")
        unsafe = sum(1 for d in result.diagnostics if d.fix is not None and d.fix.applicability == "unsafe")
        if safe:
            more = f" ({unsafe} more with `--unsafe-fixes`)" if unsafe else ""
            out.append(Text(f"[*] {safe} fixable with `convexlint check --fix`{more}."))
        elif unsafe:
            out.append(Text(f"[*] {unsafe} fixable with `convexlint check --fix --unsafe-fixes`."))
    errors, warnings, infos = (result.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    total = len(result.diagnostics)
    files = _plural(result.files_checked, "file")
    seconds = f"({facts.seconds(result):.2f}s)"
    hidden = [_plural(n, str(s)) for s, n in sorted(facts.hidden.items(), reverse=True) if n]
    quiet = f"; {' and '.join(hidden)} not shown (--quiet)" if hidden else ""
    if total == 0:
        what = "errors" if facts.hidden else "problems"
        out.append(Text(f"All clear: no {what} in {files} {seconds}{quiet}.", style="bold green"))
        return out
    if facts.hidden:  # --quiet: errors only
        line = Text(f"Found {_plural(errors, 'error')} ", style="bold red")
    else:
        line = Text(f"Found {_plural(total, 'problem')} ", style="bold")
        line.append(f"({_plural(errors, 'error')}, ", style="bold red" if errors else "")
        line.append(f"{_plural(warnings, 'warning')}, ", style="bold yellow" if warnings else "")
        line.append(f"{infos} info) ", style="bold blue" if infos else "")
    line.append(f"in {files} checked {seconds}{quiet}.")
    out.append(line)
    return out


def summary(result: LintResult, facts: RunFacts | None = None) -> list[Text]:
    """The text format's closing lines (a handful, however many findings): the rules with
    errors (they fail the run), with warnings and with info, each with its count; the
    files with the most findings; how to turn a rule off; then ``short_summary``."""
    facts = facts or RunFacts()
    out: list[Text] = []
    if result.diagnostics:
        by_rule = Counter((d.severity, d.rule) for d in result.diagnostics)
        warnings = result.count(Severity.WARNING)
        if facts.max_warnings is None:
            warn_label = "do not fail the run"
        elif warnings > facts.max_warnings:
            warn_label = f"fail the run: more than --max-warnings {facts.max_warnings}"
        else:
            warn_label = f"fail beyond --max-warnings {facts.max_warnings}"
        labels = {Severity.ERROR: "Errors (fail the run)", Severity.WARNING: f"Warnings ({warn_label})", Severity.INFO: "Info"}
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            rules = sorted(((n, r) for (s, r), n in by_rule.items() if s == severity), key=lambda nr: (-nr[0], nr[1]))
            if not rules:
                continue
            line = Text.assemble((f"{labels[severity]}:", _STYLE[severity]), " ")
            line.append(", ".join(f"{escape_controls(r)} ({n})" for n, r in rules[:SUMMARY_RULES]))
            if len(rules) > SUMMARY_RULES:
                line.append(f", and {len(rules) - SUMMARY_RULES} more rules")
            out.append(line)
        by_file = Counter(d.path for d in result.diagnostics)
        top = sorted(by_file.items(), key=lambda pn: (-pn[1], pn[0]))[:SUMMARY_FILES]
        out.append(Text.assemble(("Most problems:", "bold"), " ").append(", ".join(f"{escape_controls(p)} ({n})" for p, n in top)))
        out.append(Text("Turn a rule off with `--ignore RULE` or `rules: {RULE: off}` in convexlint.yaml; `--statistics` counts per rule."))
    return out + short_summary(result, facts)


def render(
    result: LintResult,
    *,
    color: bool,
    show_summary: bool = True,
    width: int | None = None,
    facts: RunFacts | None = None,
) -> str:
    """``result`` as human-readable text (ANSI-coloured when ``color``). ``width``: the
    terminal's width in cells, to which messages, help and summary lines are wrapped at word
    boundaries and code frames are cut; None (not a terminal): nothing is wrapped.
    ``facts`` feeds the summary (see ``RunFacts``)."""
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
        out += wrap(head(diag, color=color), width, 4)
        out += _frame(diag, _lines(result.sources, diag.path, lines), astral, width)
        if diag.help:
            out += wrap(Text.assemble(("  = help: ", "bold cyan"), escape_controls(diag.help)), width, 10)
        if diag.url:
            out += wrap(Text.assemble(("  = docs: ", "bold cyan"), escape_controls(diag.url)), width, 10)
        out.append(Text())
        if shown[key] == MAX_PER_LINE and per_line[key] > MAX_PER_LINE:
            more = per_line[key] - MAX_PER_LINE
            note = Text(
                f"{escape_controls(diag.path)}:{diag.span.start_line}: {more} more problem{'s' if more != 1 else ''} "
                "on this line not shown (`--format json` lists every one)",
                style="bold",
            )
            out += wrap(note, width, 4)
            out.append(Text())
    if show_summary:
        for line in summary(result, facts):
            out += wrap(line, width, 4)
    return to_string(out, color=color, width=width)


def to_string(lines: list[Text], *, color: bool, width: int | None = None) -> str:
    """``lines`` joined with newlines (and one at the end): ANSI-coloured through rich when
    ``color``, else their plain text. Lines are printed as they are, never wrapped."""
    if not color:  # plain text: rich would only copy it
        return "".join(f"{t.plain}\n" for t in lines)
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
    if lines:
        console.print(Text("\n").join(lines))
    return buffer.getvalue()
