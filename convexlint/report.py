"""The reports of one ``convexlint check`` run: where each format goes, colour and width,
``--quiet``, ``--statistics`` and why ``--max-warnings`` failed the run.

``check`` calls ``plan`` before linting (a bad ``-o`` fails before any file is read) and
``write_reports`` once with the result: every report is rendered from the same lint run.
Usage problems and unwritable files raise ``ReportError`` (the CLI exits with 2).
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from convexlint.diagnostics import LintResult, Severity
from convexlint.records import RuleRecord
from convexlint.reporters import FORMATS
from convexlint.reporters.facts import RunFacts
from convexlint.textsafe import escape_controls

#: Formats ``--statistics`` can print in (``concise`` prints the text table).
STATISTICS_FORMATS = ("text", "concise", "json")

# ``FORMAT:PATH``: a prefix of two or more letters, so a Windows drive (``C:\\out``) is a path.
_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9_-]+):(.*)", re.S)


class ReportError(Exception):
    """A report that cannot be made: a bad ``-o`` value or a file that cannot be written."""


@dataclass(frozen=True)
class Destination:
    """One report: ``fmt`` (one of ``FORMATS``) written to ``path``, or to stdout (None)."""

    fmt: str
    path: Path | None


def parse_output(value: str) -> tuple[str | None, Path]:
    """An ``-o`` value: ``"sarif:out.sarif"`` -> ``("sarif", Path("out.sarif"))``; a value
    without a ``FORMAT:`` prefix -> ``(None, Path(value))``, the main report's file. Raises
    ``ReportError`` for an unknown prefix (``sarf:x``) or an empty path."""
    match = _PREFIX.fullmatch(value)
    if match is None:
        if not value:
            raise ReportError("-o: empty path (expected FORMAT:PATH or PATH)")
        return None, Path(value)
    fmt, path = match.group(1), match.group(2)
    if fmt not in FORMATS:
        raise ReportError(
            f"-o {value}: unknown report format `{fmt}` (valid: {', '.join(FORMATS)}); "
            "to write the main report to a file whose name has a `:`, use --output-file"
        )
    if not path:
        raise ReportError(f"-o {value}: no path after `{fmt}:`")
    return fmt, Path(path)


def plan(fmt: str, output_file: Path | None, outputs: tuple[str, ...] | list[str]) -> list[Destination]:
    """The reports to make: first the ``--format`` report (to ``--output-file``, a bare
    ``-o PATH``, else stdout), then each ``-o FORMAT:PATH`` in order. Raises ``ReportError``
    when the main report is given two files or two reports share one file."""
    main = output_file
    extra: list[Destination] = []
    for value in outputs:
        out_fmt, path = parse_output(value)
        if out_fmt is None:
            if main is not None:
                raise ReportError(f"the main report is given two files ({main} and {path}); use -o FORMAT:PATH for more reports")
            main = path
        else:
            extra.append(Destination(out_fmt, path))
    destinations = [Destination(fmt, main), *extra]
    seen: dict[str, Path] = {}
    for d in destinations:
        if d.path is None:
            continue
        key = os.path.normcase(os.path.abspath(d.path))
        if key in seen:
            raise ReportError(f"two reports would be written to {d.path}")
        seen[key] = d.path
    return destinations


def use_color(flag: bool | None, *, tty: bool, environ: Mapping[str, str]) -> bool:
    """Whether a report on stdout is coloured: ``--color``/``--no-color`` (``flag``) decide;
    else ``FORCE_COLOR`` set to anything but the empty string turns colour on, else
    ``NO_COLOR`` set to anything but the empty string turns it off (FORCE_COLOR wins, as in
    force-color.org's reference implementation, which checks it after NO_COLOR); else colour
    when stdout is a terminal (``tty``)."""
    if flag is not None:
        return flag
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("NO_COLOR"):
        return False
    return tty


def terminal_width() -> int:
    """The terminal's width in cells (``COLUMNS`` if set, else the terminal's own)."""
    return shutil.get_terminal_size().columns


def quiet(result: LintResult) -> tuple[LintResult, dict[Severity, int]]:
    """``--quiet``: ``result`` with its errors only, and how many of each other severity
    were left out (ESLint's ``--quiet``)."""
    hidden = Counter(d.severity for d in result.diagnostics if d.severity != Severity.ERROR)
    kept = [d for d in result.diagnostics if d.severity == Severity.ERROR]
    return replace(result, diagnostics=kept), dict(hidden)


def statistics(result: LintResult, records: Mapping[str, RuleRecord]) -> list[dict]:
    """Per rule with findings: ``{"rule", "severity", "count", "fixable", "title"}`` —
    ``severity`` the highest among its findings (overrides can mix them), ``fixable`` how
    many ``--fix`` fixes (safe fixes) — sorted by count, most first, then by rule id."""
    count = Counter(d.rule for d in result.diagnostics)
    fixable = Counter(d.rule for d in result.diagnostics if d.fix is not None and d.fix.applicability == "safe")
    severity: dict[str, Severity] = {}
    for d in result.diagnostics:
        severity[d.rule] = max(severity.get(d.rule, d.severity), d.severity)
    return [
        {
            "rule": rule,
            "severity": str(severity[rule]),
            "count": n,
            "fixable": fixable[rule],
            "title": records[rule].title.replace("`", "") if rule in records else "",
        }
        for rule, n in sorted(count.items(), key=lambda rn: (-rn[1], rn[0]))
    ]


def render_statistics(stats: list[dict], fmt: str) -> str:
    """``stats`` (see ``statistics``) as JSON (``fmt == "json"``) or one aligned line per
    rule: count, rule id, severity, ``[*] N fixable`` (blank when none), title."""
    if fmt == "json":
        from convexlint.reporters.json import dumps

        return dumps(stats) + "\n"
    if not stats:
        return ""
    fix_cells = [f"[*] {s['fixable']} fixable" if s["fixable"] else "" for s in stats]
    widths = (
        max(len(str(s["count"])) for s in stats),
        max(len(s["rule"]) for s in stats),
        max(len(s["severity"]) for s in stats),
        max(len(c) for c in fix_cells),
    )
    lines = []
    for s, fix in zip(stats, fix_cells):
        cells = [str(s["count"]).rjust(widths[0]), s["rule"].ljust(widths[1]), s["severity"].ljust(widths[2])]
        if widths[3]:
            cells.append(fix.ljust(widths[3]))
        lines.append(escape_controls("  ".join([*cells, s["title"]]).rstrip()))
    return "\n".join(lines) + "\n"


@dataclass
class ReportContext:
    """What reporters need besides the result: the rule ``records``, the ``rule_ids``
    SARIF describes, the working directory ``cwd`` and the summary's ``facts``."""

    records: Mapping[str, RuleRecord]
    rule_ids: list[str]
    cwd: Path
    facts: RunFacts


def render(fmt: str, result: LintResult, ctx: ReportContext, *, color: bool = False, width: int | None = None) -> str:
    """``result`` in format ``fmt`` (one of ``FORMATS``); ``color`` and ``width`` (the
    terminal's, None: no wrapping) only matter to ``text`` and ``concise``."""
    if fmt == "text":
        from convexlint.reporters import text

        return text.render(result, color=color, width=width, facts=ctx.facts)
    if fmt == "concise":
        from convexlint.reporters import concise

        return concise.render(result, color=color, facts=ctx.facts)
    if fmt == "json":
        from convexlint.reporters import json as json_reporter

        return json_reporter.render(result)
    if fmt == "sarif":
        from convexlint.reporters import sarif

        return sarif.render(result, dict(ctx.records), cwd=ctx.cwd, rule_ids=ctx.rule_ids)
    if fmt == "github":
        from convexlint.reporters import github

        return github.render(result)
    raise ValueError(f"unknown format {fmt!r}")


def write_reports(
    destinations: list[Destination],
    result: LintResult,
    ctx: ReportContext,
    *,
    color: bool | None,
    show_statistics: bool = False,
    environ: Mapping[str, str] | None = None,
    stdout_tty: bool = False,
) -> str | None:
    """Render every destination from ``result`` and write the files (parents created).
    Returns the text for stdout, or None when every report went to a file.

    The main report (``destinations[0]``) is the statistics table instead when
    ``show_statistics``. A report on stdout is coloured per ``use_color`` and wrapped to
    the terminal's width when stdout is a terminal; a report in a file is plain and
    unwrapped unless ``color`` (``--color``) is True. Raises ``ReportError`` naming a file
    that cannot be written."""
    environ = os.environ if environ is None else environ
    stdout: str | None = None
    for i, dest in enumerate(destinations):
        if dest.path is None:
            colored = use_color(color, tty=stdout_tty, environ=environ)
            width = terminal_width() if stdout_tty else None
        else:
            colored, width = color is True, None
        if i == 0 and show_statistics:
            output = render_statistics(statistics(result, ctx.records), dest.fmt)
        else:
            output = render(dest.fmt, result, ctx, color=colored, width=width)
        if dest.path is None:
            stdout = output
            continue
        try:
            dest.path.parent.mkdir(parents=True, exist_ok=True)
            dest.path.write_text(output, encoding="utf-8")
        except OSError as exc:
            raise ReportError(f"{escape_controls(str(dest.path))}: cannot write: {exc.strerror or exc}") from None
    return stdout


def max_warnings_exceeded(result: LintResult, max_warnings: int | None) -> str | None:
    """``14 warnings exceed --max-warnings 10`` when the warnings (all of them, also those
    ``--quiet`` hides) are more than ``max_warnings``; else None."""
    warnings = result.count(Severity.WARNING)
    if max_warnings is None or warnings <= max_warnings:
        return None
    return f"{warnings} warning{'s' if warnings != 1 else ''} exceed{'s' if warnings == 1 else ''} --max-warnings {max_warnings}"
