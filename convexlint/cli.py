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


def _check_selection(settings, scopes, select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """Exit 2 when ``--select ""`` names nothing, or when the selection (command line and
    configuration together) leaves no rule enabled for any file: such a run checks nothing
    and would pass. ``scopes``: the settings that judge the files of this run."""
    if select and not _split(select):
        _fail('--select names no rule or category (`convexlint rules` lists them; leave --select out for the default set)')
    if any(scope._own_candidates() for scope in scopes):
        return
    scope = scopes[0] if scopes else settings
    data, label = scope.config.data, scope.config.label
    given = [f"--select {','.join(_split(select) or [])}"] if select else [f"{label}: select"] if "select" in data else []
    given += [f"{label}: ignore"] if data.get("ignore") else []
    given += [f"--ignore {','.join(_split(ignore) or [])}"] if _split(ignore) else []
    given += [f"{label}: rules (set to off)"] if data.get("rules") else []
    _fail(f"no rule is enabled: {' with '.join(given) or 'the selection'} leaves nothing to check")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="convexlint", message="%(prog)s %(version)s")
def main() -> None:
    """A fast static linter for Convex projects."""


def _config(config_path: Path | None):
    """``--config``'s configuration, which then judges every file; None without it (each
    file is judged by its nearest configuration: ``Settings.scope``). Raises ``ConfigError``."""
    from convexlint.config import ConfigError, load_config_file

    if config_path is None:
        return None
    if not config_path.is_file():
        raise ConfigError(f"{config_path}: no such configuration file")
    return load_config_file(config_path)


def _scopes_of(settings, targets, paths: list[Path], cwd: Path) -> list:
    """The distinct settings judging the named paths and the targets, in a stable order."""
    rels = [_named_rel(p, cwd) for p in paths] + [_rel(t.path, cwd) for t in targets]
    seen: dict[int, object] = {}
    for rel in rels:
        scope = settings.scope(rel)
        seen.setdefault(id(scope), scope)
    return list(seen.values())


def _with_every_config(settings, linter, targets, paths: list[Path], cwd: Path, unsaved: Path | None = None):
    """Resolve every target's configuration (``Settings.prepare``); when that turns on
    more rules than the first linter knew, a new linter (and, if those rules need client
    code, a new discovery; ``unsaved`` as for ``discover``). Raises ``ConfigError``."""
    from convexlint.discovery import discover
    from convexlint.engine import Linter

    before = set(settings.candidates)
    # the paths named too: a broken configuration above them fails the run even with nothing to lint
    named = [_named_rel(p, cwd) for p in paths]
    settings.prepare(named + [_rel(t.path, cwd) for t in targets])
    if settings.candidates == before:
        return linter, targets
    needed = linter.needs_client_code
    linter = Linter(settings, cwd)
    if linter.needs_client_code and not needed:
        targets = discover(paths, client_context=True, unsaved=unsaved)
        settings.prepare([_rel(t.path, cwd) for t in targets])
    return linter, targets


def _read_stdin(filename: Path, paths: tuple[Path, ...], changed: bool) -> tuple[Path, bytes]:
    """``--stdin-filename``: ``(absolute resolved PATH, standard input's bytes)``. Exits 2
    when PATHS or ``--changed`` are given too, when PATH is a directory or not a file
    convexlint lints, or when standard input cannot be read."""
    from convexlint.parsing import LINTABLE_SUFFIXES

    if paths:
        _fail("--stdin-filename lints standard input as one file: give no PATHS")
    if changed:
        _fail("--stdin-filename and --changed/--since cannot be used together")
    if filename.is_dir():
        _fail(f"--stdin-filename: {filename} is a directory")
    if not filename.name.endswith(LINTABLE_SUFFIXES) or filename.name.endswith(".d.ts"):
        _fail(f"--stdin-filename: {filename} is not a file convexlint lints ({' '.join(LINTABLE_SUFFIXES)})")
    try:
        data = click.get_binary_stream("stdin").read()
    except OSError as exc:
        _fail(f"--stdin-filename: cannot read standard input: {exc.strerror or exc}")
    return filename.resolve(), data


def _stdin_fixed(fixed, unsaved: Path, data: bytes, sentence: str, fix_only: bool) -> None:
    """``--fix``/``--fix-only`` with ``--stdin-filename``: the fixed text (or the text as
    given) to stdout, byte for byte; with ``fix_only`` the summary to stderr, then exit 0."""
    out = click.get_binary_stream("stdout")
    out.write(fixed.edited.get(unsaved, data))
    out.flush()
    if fix_only:
        for rel, problem in fixed.problems:
            _warn(f"{rel}: {problem}")
        click.echo(sentence, err=True)
        sys.exit(EXIT_OK)


def _only_changed(linter, targets, paths: list[Path], since: str | None, cwd: Path, jobs: int | None) -> list:
    """``--changed``: ``targets`` with ``report`` kept for the files git says changed since
    ``since`` and the table users of a changed schema (``changed.report_changed``); exits 2
    when git cannot say (missing, not a repository, unknown revision)."""
    from convexlint.changed import ChangedError, changed_files, report_changed

    def references_tables(candidates) -> set[Path]:
        included = [t for t in candidates if linter.settings.is_included(_rel(t.path, cwd))]
        outcomes = linter.lint_files(included, jobs)
        return {o.target.path for o in outcomes if o.facts is not None and (o.facts.table_refs or o.facts.index_refs)}

    try:
        return report_changed(targets, changed_files(paths, since), references_tables)
    except ChangedError as exc:
        _fail(str(exc))
        return []


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
@click.option("--changed", is_flag=True, help="Report only findings in files git says changed since --since (default HEAD: staged and unstaged changes, and untracked files not ignored). Every file is still linted, so project rules see the whole project; when a functions directory's schema.ts/schema.js changed, the findings of its files that reference a table or index are reported too.")
@click.option("--since", metavar="REF", default=None, help="With --changed (implied): compare the working tree with git revision REF instead of HEAD.")
@click.option("--stdin-filename", type=click.Path(path_type=Path), default=None, metavar="PATH", help="Lint standard input as the file at PATH (which need not exist), inside PATH's project read from disk; report only PATH. With --fix or --fix-only the fixed text goes to stdout (the report to stderr) and nothing is written; --diff prints the diff.")
@click.option("--show-settings", "show_settings", type=click.Path(path_type=Path), default=None, metavar="PATH", help="Print the settings that judge the file at PATH, and which configuration files they come from; lint nothing.")
@click.option("--show-files", is_flag=True, help="List the files that would be linted and as what (server, client, test, generated); lint nothing.")
@click.option("--suppress-all", is_flag=True, help="Record every finding in the baseline (convexlint-suppressions.json) so later runs report only new ones.")
@click.option("--suppress-rule", multiple=True, metavar="RULE", help="Record this rule's findings in the baseline (repeatable, comma-separated).")
@click.option("--prune-suppressions", is_flag=True, help="Remove baseline entries that no longer match any finding.")
@click.option("--suppressions-location", type=click.Path(path_type=Path, dir_okay=False), default=None, help="The baseline file (default: convexlint-suppressions.json in the working directory).")
def check(paths, fmt, output_file, outputs, show_statistics, quiet, select, ignore, config_path, preview, exit_zero, max_warnings, report_unused_disables, color, jobs, no_cache, cache_dir, max_file_size, apply_fixes, unsafe_fixes, show_diff, fix_only, changed, since, stdin_filename, show_settings, show_files, suppress_all, suppress_rule, prune_suppressions, suppressions_location):
    """Lint Convex code in PATHS (default: the current directory)."""
    import gc

    gc.disable()  # one short run over acyclic data: the cyclic collector only costs time (~20%)
    from convexlint import report
    from convexlint.config import ConfigError, Settings
    from convexlint.discovery import DiscoveryError, discover
    from convexlint.engine import Linter, has_failures
    from convexlint.records import RecordError, load_records

    cwd = Path.cwd()
    changed = changed or since is not None
    unsaved, stdin_data = (_read_stdin(stdin_filename, paths, changed) if stdin_filename is not None else (None, None))
    paths = [unsaved] if unsaved is not None else list(paths) or [Path(".")]
    try:
        destinations = report.plan(fmt, output_file, outputs)
    except report.ReportError as exc:
        _fail(str(exc))
        return
    if show_statistics and fmt not in report.STATISTICS_FORMATS:
        _fail(f"--statistics prints text or JSON, not {fmt} (use --format text or --format json; -o {fmt}:PATH still writes a {fmt} report)")
    try:
        records = load_records()
        settings = Settings(
            records, _config(config_path), select=_split(select), ignore=_split(ignore), preview=preview, cwd=cwd,
            max_file_size=max_file_size, nearest=config_path is None,
        )
        if report_unused_disables:
            settings.report_unused_disables = True
        linter = Linter(settings, cwd)
        targets = discover(paths, client_context=linter.needs_client_code, unsaved=unsaved)
        linter, targets = _with_every_config(settings, linter, targets, paths, cwd, unsaved)
        _check_selection(settings, _scopes_of(settings, targets, paths, cwd), select, ignore)
    except (ConfigError, DiscoveryError, RecordError) as exc:
        _fail(str(exc))
        return
    if unsaved is not None:
        linter.overlay[unsaved] = stdin_data  # read instead of the disk; nothing is written
    if changed:
        targets = _only_changed(linter, targets, paths, since, cwd, jobs)
    if show_settings is not None or show_files:
        try:
            text = _settings_report(settings, show_settings, cwd) if show_settings is not None else _files_report(settings, linter, targets, cwd)
        except ConfigError as exc:
            _fail(str(exc))
            return
        click.echo(text)
        sys.exit(EXIT_OK)
    fixing = apply_fixes or fix_only or show_diff
    fixed_sentence = None
    report_to_stderr = False
    if fixing:
        from convexlint import fixes

        fixed = fixes.fix(linter, targets, unsafe=unsafe_fixes, only={_rel(unsaved, cwd)} if unsaved is not None else None)
        if show_diff:
            diff = fixes.unified_diff(fixed, cwd)
            click.echo(diff, nl=False)
            for rel, problem in fixed.problems:
                _warn(f"{rel}: {problem}")
            sys.exit(EXIT_FINDINGS if diff else EXIT_OK)
        if unsaved is not None:  # the fixed text to stdout, like ruff; the report to stderr
            _stdin_fixed(fixed, unsaved, stdin_data, _fix_summary(fixed, unsafe_fixes), fix_only)
            report_to_stderr = True
        else:
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
    baseline_note = _apply_baseline(result, targets, cwd, records, suppressions_location, suppress_all, _split(suppress_rule), prune_suppressions)
    _report(result, destinations, records, settings, cwd, color=color, quiet=quiet, show_statistics=show_statistics, max_warnings=max_warnings, fixed=fixed_sentence, err=report_to_stderr)
    if baseline_note and fmt in ("text", "concise") and not show_statistics:
        click.echo(baseline_note, err=report_to_stderr)
    if not targets and fmt in ("text", "concise"):
        click.echo("convexlint: no Convex functions directory or lintable file found in the given paths.", err=True)
    failed = has_failures(result, max_warnings)
    reason = report.max_warnings_exceeded(result, max_warnings)
    if reason and not exit_zero:
        click.echo(f"convexlint: {reason}", err=True)
    sys.exit(EXIT_OK if exit_zero or not failed else EXIT_FINDINGS)


def _report(result, destinations, records, settings, cwd: Path, *, color, quiet: bool, show_statistics: bool, max_warnings, fixed: str | None, err: bool = False) -> None:
    """Render and write every report of ``check`` from one ``result`` (errors only with
    ``quiet``); print the stdout one (to stderr with ``err``: stdout then holds the fixed
    text of ``--stdin-filename``). A file that cannot be written exits 2."""
    from convexlint import report
    from convexlint.reporters.facts import RunFacts

    hidden: dict = {}
    if quiet:
        result, hidden = report.quiet(result)
    facts = RunFacts(started=_started, fixed=fixed, hidden=hidden, max_warnings=max_warnings)
    ctx = report.ReportContext(records=records, rule_ids=sorted(settings.candidates), cwd=cwd, facts=facts)
    try:
        output = report.write_reports(destinations, result, ctx, color=color, show_statistics=show_statistics, stdout_tty=(sys.stderr if err else sys.stdout).isatty())
    except report.ReportError as exc:
        _fail(str(exc))
        return
    if output is not None:
        click.echo(output, nl=False, color=True, err=err)  # we decided about colour already


@main.command("server")
def server_command():
    """Run the language server (LSP over stdio) for editors."""
    try:
        from convexlint.server import serve
    except ImportError as exc:  # pygls is a dependency; a broken install says what is missing
        _fail(f"the language server needs {exc.name or 'pygls'}: pip install 'convexlint' again ({exc})")
        return
    serve()


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
        settings = Settings(load_records(), _config(config_path), cwd=cwd, nearest=config_path is None)
        linter = Linter(settings, cwd)
        targets = discover(paths, client_context=True)
        settings.prepare([_rel(t.path, cwd) for t in targets])
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


def _apply_baseline(result, targets, cwd: Path, records, location: Path | None, suppress_all: bool, suppress_rules: list[str] | None, prune: bool) -> str | None:
    """Update the baseline when asked (``--suppress-all``, ``--suppress-rule``,
    ``--prune-suppressions``), then move the findings it covers from ``result.diagnostics``
    to ``result.baselined``. Returns the summary line for text output (None when there is
    no baseline). Exits 2 on an unreadable baseline or an unknown rule id."""
    from convexlint.baseline import FILE_NAME, Baseline, BaselineError

    location = location if location is not None else cwd / FILE_NAME
    if not location.is_absolute():
        location = cwd / location
    unknown = [r for r in suppress_rules or () if r not in records]
    if unknown:
        _fail(f"--suppress-rule: unknown rule `{unknown[0]}`")
    try:
        baseline = Baseline.load(location)
    except BaselineError as exc:
        _fail(str(exc))
        return None
    if not baseline.entries and not (suppress_all or suppress_rules):
        return None  # nothing recorded and nothing to record (the common case): no per-file work
    checked = {baseline.key(_rel(t.path, cwd), cwd) for t in targets if t.report}
    shown = _rel(location, cwd)
    try:
        if suppress_all or suppress_rules:
            before = baseline.total()
            baseline = baseline.suppress(result.diagnostics, cwd, None if suppress_all else set(suppress_rules or ()))
            baseline.write(location)
            _note(f"recorded {baseline.total() - before} more findings in {shown} ({baseline.total()} in all)")
        if prune:
            before = baseline.total()
            baseline = baseline.pruned(result.diagnostics, cwd, checked)
            baseline.write(location)
            _note(f"pruned {before - baseline.total()} findings from {shown} ({baseline.total()} left)")
    except OSError as exc:
        _fail(f"{shown}: cannot write: {exc.strerror or exc}")
    if not baseline.entries:
        return None
    applied = baseline.apply(result.diagnostics, cwd, checked)
    result.diagnostics, result.baselined = applied.reported, applied.suppressed
    if applied.stale:
        n = sum(s.recorded - s.found for s in applied.stale)
        _warn(f"{shown} records {n} finding{'s' if n != 1 else ''} that no longer occur; run `convexlint check --prune-suppressions` to remove them")
    n = len(applied.suppressed)
    return f"{n} finding{'s' if n != 1 else ''} hidden by the baseline ({shown})." if n else None


def _settings_report(settings, path: Path, cwd: Path) -> str:
    """``--show-settings``: what judges the file at ``path`` (control characters escaped)."""
    from convexlint.textsafe import escape_controls

    rel = _named_rel(path, cwd)
    scope = settings.scope(rel)
    config = scope.config
    lines = [f"settings for {_rel(path, cwd)}"]
    if config.path is None:
        lines.append("configuration: none found (defaults)")
    else:
        chain = " <- ".join(str(p) for p in config.sources) if len(config.sources) > 1 else str(config.path)
        lines.append(f"configuration: {chain}" + (" (--config)" if not settings.nearest else ""))
    lines.append(f"linted: {'yes' if settings.is_included(rel) else 'no (include/exclude)'}")
    lines.append(f"preview: {str(scope.preview).lower()}")
    lines.append(f"report_unused_disables: {str(settings.report_unused_disables or scope.report_unused_disables).lower()}")
    lines.append(f"generated files: {'report' if scope.report_generated else 'ignore'}")
    lines.append(f"max_file_size: {scope.max_file_size} bytes")
    if scope.registrars:
        lines.append("registrars: " + ", ".join(f"{k} = {v}" for k, v in sorted(scope.registrars.items())))
    rules = settings.for_path(rel)
    lines.append(f"rules on ({len(rules)}):")
    for rule_id in sorted(rules):
        rc = rules[rule_id]
        record = settings.records[rule_id]
        extra = [f"options {rc.options}"] if rc.options != record.default_options() else []
        if rc.tests is not None:
            extra.append(f"tests {str(rc.tests).lower()}")
        changed = "" if rc.severity == record.severity else f" (default {record.severity})"
        lines.append(f"  {rule_id}: {rc.severity}{changed}" + ("; " + "; ".join(extra) if extra else ""))
    return "\n".join(escape_controls(line) for line in lines)


def _files_report(settings, linter, targets, cwd: Path) -> str:
    """``--show-files``: each file discovery found, as what it would be linted, and its
    configuration (control characters escaped)."""
    from convexlint.model.extract.files import is_test_file
    from convexlint.textsafe import escape_controls

    lines = []
    outcomes = {o.rel: o for o in linter.lint_files([t for t in targets if settings.is_included(_rel(t.path, cwd))])}
    for t in sorted(targets, key=lambda t: _rel(t.path, cwd)):
        rel = _rel(t.path, cwd)
        if not settings.is_included(rel):
            kind = "excluded (include/exclude)"
        else:
            facts = outcomes[rel].facts if rel in outcomes else None
            kind = "server" if t.is_server else "client"
            if is_test_file(rel):
                kind += ", test"
            if facts is not None and facts.generated:
                kind += ", generated"
            if not t.report:
                kind += ", context only (not reported)"
        config = settings.scope(rel).config.path
        lines.append(f"{rel}  {kind}" + (f"  [{_rel(config, cwd)}]" if config is not None else ""))
    lines.append(f"{len(targets)} file{'s' if len(targets) != 1 else ''}")
    return "\n".join(escape_controls(line) for line in lines)


def _note(message: str) -> None:
    """One ``convexlint:`` line on stderr (control characters escaped)."""
    from convexlint.textsafe import escape_controls

    click.echo(f"convexlint: {escape_controls(message)}", err=True)


def _named_rel(path: Path, cwd: Path) -> str:
    """``path`` as ``Settings.scope`` takes it: a file's relative path, or for a directory a
    name inside it (scope looks at the folder a path is in)."""
    return _rel(path / "_", cwd) if path.is_dir() else _rel(path, cwd)


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
    """Show one rule's documentation page: rationale, how to fix, options, fix safety,
    examples and sources (docs/rules/<id>.md, as Markdown; rendered on a terminal)."""
    import difflib

    records = _records()
    record = records.get(rule_id)
    if record is None:
        hint = difflib.get_close_matches(rule_id, list(records), n=1)
        _fail(f"unknown rule `{rule_id}`" + (f" (did you mean `{hint[0]}`?)" if hint else ""))
        return
    from convexlint.docs import rule_page

    page = rule_page(record) + f"\nDocumentation: {record.url}\n"
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console(highlight=False).print(Markdown(page))
    else:
        click.echo(page, nl=False)
