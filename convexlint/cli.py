"""The ``convexlint`` command line (click).

Exit codes: 0 = no errors and warnings within ``--max-warnings``; 1 = findings that fail;
2 = usage, configuration or internal error. No input produces a Python traceback: every
unexpected exception is reported as an internal error with exit code 2.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from convexlint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Group(click.Group):
    """Turns any unexpected exception into exit code 2 with a one-line message."""

    def main(self, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("standalone_mode", True)
        import warnings

        # Python warnings are for convexlint's developers, not its users: a dependency's
        # FutureWarning (pathspec compiling an odd .gitignore line) or DeprecationWarning
        # must not reach the terminal. CONVEXLINT_DEBUG=1 shows every one of them. Forked
        # workers inherit the filter; spawned ones get it as ``-W`` from ``sys.warnoptions``
        # (multiprocessing passes those on), in force before they unpickle the settings.
        action = "default" if os.environ.get("CONVEXLINT_DEBUG") else "ignore"
        saved = list(sys.warnoptions)
        with warnings.catch_warnings():
            warnings.simplefilter(action)
            sys.warnoptions.append(action)
            try:
                return self._main(*args, **kwargs)
            finally:
                sys.warnoptions[:] = saved

    def _main(self, *args, **kwargs):
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
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github"]), default="text", show_default=True, help="Output format.")
@click.option("--output-file", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to this file instead of stdout.")
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
def check(paths, fmt, output_file, select, ignore, config_path, preview, exit_zero, max_warnings, report_unused_disables, color, jobs, no_cache, cache_dir, max_file_size, apply_fixes, unsafe_fixes, show_diff, fix_only):
    """Lint Convex code in PATHS (default: the current directory)."""
    import gc

    gc.disable()  # one short run over acyclic data: the cyclic collector only costs time (~20%)
    from convexlint.config import ConfigError, Settings
    from convexlint.discovery import DiscoveryError, discover
    from convexlint.engine import Linter, has_failures
    from convexlint.records import RecordError, load_records

    cwd = Path.cwd()
    paths = list(paths) or [Path(".")]
    try:
        records = load_records()
        settings = Settings(records, _config(paths, config_path, cwd), select=_split(select), ignore=_split(ignore), preview=preview, cwd=cwd)
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
        if fix_only:
            click.echo(_fix_summary(fixed, unsafe_fixes), err=False)
            sys.exit(EXIT_OK)
    else:
        cache = None if no_cache else (cache_dir or cwd / ".convexlint_cache")
        result = linter.run(targets, jobs=jobs, cache_dir=cache)

    if fmt == "text":
        from convexlint.reporters import text

        use_color = color
        if use_color is None:
            stream_tty = output_file is None and sys.stdout.isatty()
            use_color = stream_tty and "NO_COLOR" not in os.environ
        output = text.render(result, color=bool(use_color))
    elif fmt == "json":
        from convexlint.reporters import json as json_reporter

        output = json_reporter.render(result)
    elif fmt == "sarif":
        from convexlint.reporters import sarif

        output = sarif.render(result, records, cwd=cwd, rule_ids=sorted(settings.candidates))
    else:
        from convexlint.reporters import github

        output = github.render(result)

    if output_file is not None:
        try:
            output_file.parent.mkdir(parents=True, exist_ok=True)
            output_file.write_text(output, encoding="utf-8")
        except OSError as exc:
            from convexlint.textsafe import escape_controls

            _fail(f"{escape_controls(str(output_file))}: cannot write: {exc.strerror or exc}")
    else:
        click.echo(output, nl=False, color=True)  # we decided about colour already
    if fixing and fmt == "text":
        click.echo(_fix_summary(fixed, unsafe_fixes))
    elif fmt == "text":
        safe = sum(1 for d in result.diagnostics if d.fix is not None and d.fix.applicability == "safe")
        unsafe = sum(1 for d in result.diagnostics if d.fix is not None and d.fix.applicability == "unsafe")
        if safe or unsafe:
            more = f" ({unsafe} more with `--unsafe-fixes`)" if unsafe else ""
            click.echo(f"[*] {safe} fixable with `convexlint check --fix`{more}.")
    if not targets and fmt == "text":
        click.echo("convexlint: no Convex functions directory or lintable file found in the given paths.", err=True)
    sys.exit(EXIT_OK if exit_zero or not has_failures(result, max_warnings) else EXIT_FINDINGS)


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
    from rich.console import Console
    from rich.table import Table

    table = Table(show_edge=False, header_style="bold")
    for col in ("rule", "category", "severity", "status", "title"):
        table.add_column(col)
    for record in _records().values():
        if record.category == "meta" and not show_all:
            continue
        table.add_row(record.id, record.category, str(record.severity), record.status, record.title.replace("`", ""))
    Console(highlight=False, markup=False, width=None if sys.stdout.isatty() else 160).print(table)


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
