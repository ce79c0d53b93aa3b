"""The ``convexlint`` command line (click).

Exit codes: 0 = no errors and warnings within ``--max-warnings``; 1 = findings that fail;
2 = usage, configuration or internal error. No input produces a Python traceback: every
unexpected exception is reported as an internal error with exit code 2.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

import click

from convexlint import __version__
from convexlint.reporters import FORMATS

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

#: ``time.perf_counter()`` when the command started: the summary reports the wall time since.
_started = time.perf_counter()


class _Group(click.Group):
    """Turns any unexpected exception into exit code 2 with a one-line message."""

    def main(self, *args, **kwargs):  # type: ignore[override]
        global _started
        _started = time.perf_counter()
        kwargs.setdefault("standalone_mode", True)
        try:
            return super().main(*args, **kwargs)
        except SystemExit:
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("CONVEXLINT_DEBUG"):
                traceback.print_exc()
            from convexlint.textsafe import escape_controls

            click.echo(
                f"convexlint: internal error: {exc.__class__.__name__}: {escape_controls(str(exc))} "
                "(set CONVEXLINT_DEBUG=1 for details; please report it)",
                err=True,
            )
            sys.exit(EXIT_ERROR)


def _warn(message: str) -> None:
    """One ``convexlint: warning:`` line on stderr (control characters escaped)."""
    from convexlint.textsafe import escape_controls

    click.echo(f"convexlint: warning: {escape_controls(message)}", err=True)


def _fix_summary(fixed, unsafe: bool) -> str:
    """``Fixed 3 problems (2 …, 1 …).`` plus what ``--unsafe-fixes`` would add."""
    n = fixed.total_fixed
    by_rule = ", ".join(f"{count} {rule}" for rule, count in sorted(fixed.fixed.items()))
    text = f"Fixed {n} problem{'s' if n != 1 else ''}" + (f" ({by_rule})." if n else ".")
    if fixed.unsafe_left and not unsafe:
        text += f" {fixed.unsafe_left} more fixable with `--unsafe-fixes`."
    return text


def _fail(message: str) -> None:
    """Print ``message`` as one ``convexlint: error:`` line on stderr (control characters
    escaped: it may echo a path, key or value) and exit with 2."""
    from convexlint.textsafe import escape_controls

    click.echo(f"convexlint: error: {escape_controls(message)}", err=True)
    sys.exit(EXIT_ERROR)


def _records():
    from convexlint.records import RecordError, load_records

    try:
        return load_records()
    except RecordError as exc:
        _fail(str(exc))


def _split(values: tuple[str, ...]) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _check_selection(settings, select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """Exit 2 when ``--select ""`` names nothing, or when the selection (command line and
    configuration together) leaves no rule enabled for any file: such a run checks nothing
    and would pass."""
    if select and not _split(select):
        _fail('--select names no rule or category (`convexlint rules` lists them; leave --select out for the default set)')
    if settings.candidates:
        return
    data, label = settings.config.data, settings.config.label
    given = [f"--select {','.join(_split(select) or [])}"] if select else [f"{label}: select"] if "select" in data else []
    given += [f"{label}: ignore"] if data.get("ignore") else []
    given += [f"--ignore {','.join(_split(ignore) or [])}"] if _split(ignore) else []
    given += [f"{label}: rules (set to off)"] if data.get("rules") else []
    _fail(f"no rule is enabled: {' with '.join(given) or 'the selection'} leaves nothing to check")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="convexlint", message="%(prog)s %(version)s")
def main() -> None:
    """A fast static linter for Convex projects."""


def _config(paths: list[Path], config_path: Path | None, cwd: Path):
    """The configuration: ``--config``'s file, else the one nearest the first path (or
    None). Raises ``ConfigError``."""
    from convexlint.config import ConfigError, find_config, load_config_file

    if config_path is not None:
        if not config_path.is_file():
            raise ConfigError(f"{config_path}: no such configuration file")
        return load_config_file(config_path)
    found = find_config(paths[0].resolve() if paths[0].exists() else cwd)
    return load_config_file(found) if found is not None else None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format (concise: one line per finding).")
@click.option("--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write the --format report to this file instead of stdout.")
@click.option("--output", "-o", "outputs", multiple=True, metavar="FORMAT:PATH", help=f"Also write a report in FORMAT ({', '.join(FORMATS)}) to PATH; repeatable. A bare PATH means --output-file PATH.")
@click.option("--statistics", "show_statistics", is_flag=True, help="Print only the number of findings per rule (text, or JSON with --format json).")
@click.option("--quiet", "-q", is_flag=True, help="Report errors only (--max-warnings still counts every warning).")
@click.option("--select", multiple=True, help="Rule ids or categories to enable (comma-separated; replaces the default set).")
@click.option("--ignore", multiple=True, help="Rule ids or categories to disable (comma-separated).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="Use this configuration file instead of searching for one.")
@click.option("--preview", is_flag=True, help="Also enable rules in preview.")
@click.option("--exit-zero", is_flag=True, help="Exit with 0 even when there are findings.")
@click.option("--max-warnings", type=click.IntRange(min=0), default=None, help="Fail when there are more than this many warnings.")
@click.option("--report-unused-disables", is_flag=True, help="Report suppression comments that suppress nothing.")
@click.option("--color/--no-color", default=None, help="Force coloured output on or off (default: auto).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU; small inputs stay in one process).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache of per-file results.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Cache directory (default: .convexlint_cache in the working directory).")
@click.option("--max-file-size", type=click.IntRange(min=1), default=None, metavar="BYTES", help="Do not parse files larger than this (default: the configuration's max_file_size, else 1 MiB).")
@click.option("--fix", "apply_fixes", is_flag=True, help="Apply safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change behaviour (with --fix or --diff).")
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff; write nothing (exit 1 when there is a diff).")
@click.option("--fix-only", is_flag=True, help="Apply fixes and report nothing else.")
def check(paths, fmt, output_file, outputs, show_statistics, quiet, select, ignore, config_path, preview, exit_zero, max_warnings, report_unused_disables, color, jobs, no_cache, cache_dir, max_file_size, apply_fixes, unsafe_fixes, show_diff, fix_only):
    """Lint Convex code in PATHS (default: the current directory)."""
    import gc

    gc.disable()  # one short run over acyclic data: the cyclic collector only costs time (~20%)
    from convexlint import report
    from convexlint.config import ConfigError, Settings
    from convexlint.discovery import DiscoveryError, discover
    from convexlint.engine import Linter, has_failures
    from convexlint.records import RecordError, load_records

    cwd = Path.cwd()
    paths = list(paths) or [Path(".")]
    try:
        destinations = report.plan(fmt, output_file, outputs)
    except report.ReportError as exc:
        _fail(str(exc))
        return
    if show_statistics and fmt not in report.STATISTICS_FORMATS:
        _fail(f"--statistics prints text or JSON, not {fmt} (use --format text or --format json; -o {fmt}:PATH still writes a {fmt} report)")
    try:
        records = load_records()
        settings = Settings(records, _config(paths, config_path, cwd), select=_split(select), ignore=_split(ignore), preview=preview, cwd=cwd)
        _check_selection(settings, select, ignore)
        if report_unused_disables:
            settings.report_unused_disables = True
        if max_file_size is not None:
            settings.max_file_size = max_file_size
        linter = Linter(settings, cwd)
        targets = discover(paths, client_context=linter.needs_client_code)
    except (ConfigError, DiscoveryError, RecordError) as exc:
        _fail(str(exc))
        return
    fixing = apply_fixes or fix_only or show_diff
    fixed_sentence = None
    if fixing:
        from convexlint import fixes

        fixed = fixes.fix(linter, targets, unsafe=unsafe_fixes)
        if show_diff:
            diff = fixes.unified_diff(fixed, cwd)
            click.echo(diff, nl=False)
            for rel, problem in fixed.problems:
                _warn(f"{rel}: {problem}")
            sys.exit(EXIT_FINDINGS if diff else EXIT_OK)
        fixes.write(fixed, cwd)
        for rel, problem in fixed.problems:
            _warn(f"{rel}: {problem}")
        if fixed.refused:  # what is on disk now, not what the passes hoped to write
            for path in fixed.refused:
                linter.overlay.pop(path, None)
            fixed.result = linter.run(targets, jobs=1)
        result = fixed.result
        fixed_sentence = _fix_summary(fixed, unsafe_fixes)
        if fix_only:
            click.echo(fixed_sentence, err=False)
            sys.exit(EXIT_OK)
    else:
        cache = None if no_cache else (cache_dir or cwd / ".convexlint_cache")
        result = linter.run(targets, jobs=jobs, cache_dir=cache)
    _report(result, destinations, records, settings, cwd, color=color, quiet=quiet, show_statistics=show_statistics, max_warnings=max_warnings, fixed=fixed_sentence)
    if not targets and fmt in ("text", "concise"):
        click.echo("convexlint: no Convex functions directory or lintable file found in the given paths.", err=True)
    failed = has_failures(result, max_warnings)
    reason = report.max_warnings_exceeded(result, max_warnings)
    if reason and not exit_zero:
        click.echo(f"convexlint: {reason}", err=True)
    sys.exit(EXIT_OK if exit_zero or not failed else EXIT_FINDINGS)


def _report(result, destinations, records, settings, cwd: Path, *, color, quiet: bool, show_statistics: bool, max_warnings, fixed: str | None) -> None:
    """Render and write every report of ``check`` from one ``result`` (errors only with
    ``quiet``); print the stdout one. A file that cannot be written exits 2."""
    from convexlint import report
    from convexlint.reporters.text import RunFacts

    hidden: dict = {}
    if quiet:
        result, hidden = report.quiet(result)
    facts = RunFacts(started=_started, fixed=fixed, hidden=hidden, max_warnings=max_warnings)
    ctx = report.ReportContext(records=records, rule_ids=sorted(settings.candidates), cwd=cwd, facts=facts)
    try:
        output = report.write_reports(destinations, result, ctx, color=color, show_statistics=show_statistics, stdout_tty=sys.stdout.isatty())
    except report.ReportError as exc:
        _fail(str(exc))
        return
    if output is not None:
        click.echo(output, nl=False, color=True)  # we decided about colour already


@main.command("inspect")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="Use this configuration file instead of searching for one.")
def inspect_command(paths, fmt, config_path):
    """Show what the project model sees in PATHS: functions directories (and why), the
    schema, every registered function with its kind, visibility and registrar chain,
    HTTP routes, crons, and what each file was read as."""
    from convexlint.config import ConfigError, Settings
    from convexlint.discovery import DiscoveryError, discover
    from convexlint.engine import Linter
    from convexlint.inspect import model_view, render_text
    from convexlint.records import RecordError, load_records

    cwd = Path.cwd()
    paths = list(paths) or [Path(".")]
    try:
        settings = Settings(load_records(), _config(paths, config_path, cwd), cwd=cwd)
        linter = Linter(settings, cwd)
        targets = discover(paths, client_context=True)
    except (ConfigError, DiscoveryError, RecordError) as exc:
        _fail(str(exc))
        return
    outcomes = linter.lint_files([t for t in targets if settings.is_included(_rel(t.path, cwd))])
    view = model_view(outcomes, linter.projects(outcomes), cwd)
    if fmt == "json":
        from convexlint.reporters.json import dumps

        click.echo(dumps(view))  # valid UTF-8 also for a file name that is not
    else:
        from convexlint.textsafe import escape_controls

        # Paths and names come from the user's tree: no control character reaches the terminal.
        click.echo("\n".join(escape_controls(line) for line in render_text(view).split("\n")), nl=False)


def _rel(path: Path, cwd: Path) -> str:
    from convexlint.engine import rel_path

    return rel_path(path, cwd)


@main.command("rules")
@click.option("--all", "show_all", is_flag=True, help="Include the meta rules (syntax-error, suppressions).")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown"]), default="table", show_default=True)
def rules_command(show_all, fmt):
    """List every rule with its category, default severity and status."""
    if fmt == "markdown":
        from convexlint.records import markdown_table

        click.echo(markdown_table(_records()), nl=False)
        return
    columns = ("rule", "category", "severity", "status", "title")
    rows = [
        (record.id, record.category, str(record.severity), record.status, record.title.replace("`", ""))
        for record in _records().values()
        if record.category != "meta" or show_all
    ]
    widths = [max(len(row[i]) for row in [columns, *rows]) for i in range(len(columns) - 1)]
    from convexlint.report import terminal_width

    if not sys.stdout.isatty() or terminal_width() < sum(widths) + 3 * len(columns) + 20:
        # Plain aligned columns (also on a terminal too narrow for a table): nothing is cut.
        for row in [columns, *rows]:
            click.echo("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]))
        return
    from rich.console import Console
    from rich.table import Table

    # On a terminal the table takes its width; rule ids are never cut (the title folds).
    table = Table(show_edge=False, header_style="bold")
    for col, width in zip(columns, widths):
        table.add_column(col, no_wrap=True, min_width=width)
    table.add_column("title", overflow="fold", min_width=10)
    for row in rows:
        table.add_row(*row)
    Console(highlight=False, markup=False).print(table)


@main.command("rule")
@click.argument("rule_id")
def rule_command(rule_id):
    """Show one rule's documentation: rationale, options and examples."""
    import difflib

    records = _records()
    record = records.get(rule_id)
    if record is None:
        hint = difflib.get_close_matches(rule_id, list(records), n=1)
        _fail(f"unknown rule `{rule_id}`" + (f" (did you mean `{hint[0]}`?)" if hint else ""))
        return
    out = [f"{record.id}: {record.title}", ""]
    out.append(f"category: {record.category}    default severity: {record.severity}    status: {record.status}")
    if not record.tests:
        out.append("test files: not reported (tests are not deployed); `rules: {" + record.id + ": {tests: true}}` reports them")
    out.append(f"sources: {', '.join(record.sources)}")
    if record.eslint:
        out.append(f"ESLint equivalent: {record.eslint}")
    out += ["", "Why", "---", record.rationale, "", "What to do", "----------", record.help]
    if record.differences:
        out += ["", "Differences from ESLint", "-----------------------", record.differences]
    if record.options:
        out += ["", "Options", "-------"]
        for name, spec in record.options.items():
            choices = f" (one of: {', '.join(map(str, spec['enum']))})" if "enum" in spec else ""
            out.append(f"  {name}: {spec['type']}, default {spec['default']!r}{choices}")
            out.append(f"      {spec['description']}")
    for kind, title in (("bad", "Bad"), ("good", "Good")):
        examples = record.examples.get(kind, [])
        if examples:
            out += ["", title, "-" * len(title)]
            for ex in examples:
                code = ex if isinstance(ex, str) else (ex.get("code") or "\n".join(f"// {p}\n{c}" for p, c in ex.get("files", {}).items()))
                out.append(code.rstrip())
                out.append("")
    out += ["", f"docs: {record.url}"]
    click.echo("\n".join(out))
