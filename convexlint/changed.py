"""``convexlint check --changed [--since REF]``: the files git says changed, and which
targets' findings that reports.

Every target is still linted (project rules see the whole project); only the findings of
changed files are reported, and — when a functions directory's ``schema.ts``/``schema.js``
changed (or was deleted) — those of that directory's files that reference a table or an
index (``FileFacts.table_refs``/``index_refs``), whose findings the schema decides.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

from convexlint.discovery import Target
from convexlint.textsafe import escape_controls

#: The schema files whose change re-judges the files that use its tables (``model``'s names).
SCHEMA_NAMES = ("schema.ts", "schema.js")
#: Seconds a git command may take before the run gives up on it.
GIT_TIMEOUT = 120


class ChangedError(Exception):
    """Git cannot say what changed: it is missing, a path is not in a repository, or the
    revision is unknown. The message is one line, for the user."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run ``git args`` in ``cwd`` (output as bytes); raises ``ChangedError`` when git
    cannot be run at all."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise ChangedError("--changed needs git, which was not found on PATH") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise ChangedError(f"--changed: cannot run git: {exc}") from None


def _first_line(data: bytes) -> str:
    lines = [line.strip() for line in os.fsdecode(data).splitlines() if line.strip()]
    return escape_controls(lines[0]) if lines else "no message"


def repository_root(path: Path) -> Path:
    """The root of the git work tree holding ``path`` (absolute; a file or a directory),
    from ``git rev-parse --show-toplevel``. Raises ``ChangedError`` outside one."""
    directory = path if path.is_dir() else path.parent
    while not directory.is_dir() and directory.parent != directory:
        directory = directory.parent
    done = _git(["rev-parse", "--show-toplevel"], directory)
    if done.returncode != 0 or not done.stdout.strip():
        raise ChangedError(f"--changed: {escape_controls(str(path))} is not inside a git repository ({_first_line(done.stderr)})")
    return Path(os.fsdecode(done.stdout.rstrip(b"\r\n"))).resolve()


def _names(data: bytes, root: Path) -> set[Path]:
    """Absolute paths from git's ``-z`` output of paths relative to ``root`` (bytes, so a
    file name that is not UTF-8 survives as ``os.fsdecode`` gives it)."""
    return {root / os.fsdecode(name) for name in data.split(b"\0") if name}


def changed_in_repository(root: Path, since: str | None) -> set[Path]:
    """Absolute paths of the files of the work tree at ``root`` that differ from revision
    ``since`` (None: ``HEAD``) — staged or not, deleted too, a rename as both its names —
    plus untracked files that are not ignored. With no ``since`` in a repository without
    commits, every file in the index counts as changed. Raises ``ChangedError`` for an
    unknown revision or a failing git command."""
    ref = since if since is not None else "HEAD"
    if ref.startswith("-") or not ref.strip():
        raise ChangedError(f"--since: `{escape_controls(ref)}` is not a git revision")
    known = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if known.returncode == 0:
        diff = _git(["diff", "--name-only", "--no-renames", "-z", known.stdout.strip().decode("ascii"), "--"], root)
    elif since is None:
        diff = _git(["ls-files", "--cached", "-z"], root)  # no commit yet: all that is staged is new
    else:
        raise ChangedError(f"--since: unknown git revision `{escape_controls(ref)}` in {escape_controls(str(root))}")
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    for done in (diff, untracked):
        if done.returncode != 0:
            raise ChangedError(f"--changed: git failed in {escape_controls(str(root))}: {_first_line(done.stderr)}")
    return _names(diff.stdout, root) | _names(untracked.stdout, root)


def changed_files(paths: Iterable[Path], since: str | None) -> set[Path]:
    """Absolute paths of the files changed since ``since`` (see ``changed_in_repository``)
    in every git repository holding one of ``paths``; each path also as it resolves
    through symlinks (targets' paths are resolved). Raises ``ChangedError``."""
    roots = {repository_root(p.resolve()) for p in paths}
    changed: set[Path] = set()
    for root in sorted(roots):
        for path in changed_in_repository(root, since):
            changed.add(path)
            try:
                changed.add(path.resolve())
            except (OSError, RuntimeError):
                pass
    return changed


def changed_schema_dirs(targets: list[Target], changed: set[Path]) -> set[Path]:
    """The functions directories (absolute) of ``targets`` whose own ``schema.ts`` or
    ``schema.js`` is among ``changed`` (also when it was deleted)."""
    dirs = {t.functions_dir for t in targets if t.functions_dir is not None}
    return {p.parent for p in changed if p.name in SCHEMA_NAMES and p.parent in dirs}


def report_changed(targets: list[Target], changed: set[Path], references_tables: Callable[[list[Target]], set[Path]]) -> list[Target]:
    """``targets`` with ``report`` kept only for changed files and, where a schema changed
    (``changed_schema_dirs``), for the server files of its functions directory that
    ``references_tables`` (given candidate targets, returns the paths of those that
    reference a table or an index) names. A target not reported before stays unreported."""
    dirs = changed_schema_dirs(targets, changed)
    candidates = [t for t in targets if t.report and t.is_server and t.functions_dir in dirs and t.path not in changed]
    users = references_tables(candidates) if candidates else set()
    shown = changed | users
    return [t if not t.report or t.path in shown else dataclasses.replace(t, report=False) for t in targets]
