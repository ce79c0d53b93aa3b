"""The baseline: bulk suppressions in ``convexlint-suppressions.json``, as ESLint 9 has them.

A team adopting convexlint on an existing project records what is there today and fails
only on what is new. The file maps each file to a count per rule::

    {"convex/messages.ts": {"no-filter-in-query": {"count": 2}}}

Counts, not lines, so moving code does not break the baseline. Paths are relative to the
folder holding the suppressions file (``/`` separators), so the run's working directory
does not matter. On a run with a baseline (``apply``), the findings of a (file, rule) whose
count is at most the recorded one are suppressed: not reported and not failing the run;
when the count grew, every finding of that rule in that file is reported, since which one
is new cannot be told (ESLint does the same). An entry whose count shrank is stale: the
run says so and ``--prune-suppressions`` lowers or removes it. Fatal problems
(``syntax-error``, ``unreadable-file``) are never baselined.

Source: ESLint's bulk suppressions (``--suppress-all``, ``--suppress-rule``,
``--prune-suppressions``, ``--suppressions-location``; eslint.org/docs/latest/use/suppressions).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from convexlint.diagnostics import Diagnostic

FILE_NAME = "convexlint-suppressions.json"
#: Problems a baseline never hides: the file could not be linted at all.
NEVER_BASELINED = frozenset({"syntax-error", "unreadable-file"})


class BaselineError(Exception):
    """The suppressions file cannot be read or is not a baseline (names file and problem)."""


@dataclass
class Stale:
    """A baseline entry recording more findings than the run found."""

    path: str
    rule: str
    recorded: int
    found: int


@dataclass
class Applied:
    """What ``Baseline.apply`` did: ``reported`` and ``suppressed`` partition the input
    (order kept); ``stale`` lists entries that recorded more than was found."""

    reported: list[Diagnostic]
    suppressed: list[Diagnostic]
    stale: list[Stale] = field(default_factory=list)


@dataclass
class Baseline:
    """``entries``: path (relative to ``root``) -> rule id -> recorded count (> 0)."""

    root: Path
    entries: dict[str, dict[str, int]] = field(default_factory=dict)

    # -- reading and writing ----------------------------------------------------------

    @classmethod
    def load(cls, location: Path) -> Baseline:
        """The baseline at ``location``; an empty one when the file does not exist.
        Raises ``BaselineError`` when it is not valid JSON of the documented shape."""
        root = location.parent.resolve()
        try:
            text = location.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(root)
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"{location}: cannot be read: {getattr(exc, 'strerror', None) or exc}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{location}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
        if not isinstance(data, dict):
            raise BaselineError(f"{location}: expected an object of file paths")
        entries: dict[str, dict[str, int]] = {}
        for path, rules in data.items():
            if not isinstance(rules, dict):
                raise BaselineError(f"{location}: `{path}`: expected an object of rule ids")
            for rule, entry in rules.items():
                count = entry.get("count") if isinstance(entry, dict) else None
                if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                    raise BaselineError(f"{location}: `{path}` / `{rule}`: expected {{\"count\": <non-negative integer>}}")
                if count:
                    entries.setdefault(path, {})[rule] = count
        return cls(root, entries)

    def write(self, location: Path) -> None:
        """Write the file atomically (sorted keys, one entry per line, trailing newline).
        Raises ``OSError``."""
        data = {path: {rule: {"count": n} for rule, n in sorted(rules.items())} for path, rules in sorted(self.entries.items()) if rules}
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        location.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=location.parent, prefix=f".{location.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, location)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    # -- counting -------------------------------------------------------------------------

    def key(self, rel: str, cwd: Path) -> str:
        """The baseline's name for a file at ``rel`` (relative to ``cwd``, as diagnostics
        name files): relative to ``root``."""
        absolute = Path(os.path.normpath(cwd / rel))
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            return Path(os.path.relpath(absolute, self.root)).as_posix()

    def _counts(self, diagnostics: list[Diagnostic], cwd: Path) -> Counter[tuple[str, str]]:
        return Counter((self.key(d.path, cwd), d.rule) for d in diagnostics if d.rule not in NEVER_BASELINED)

    def apply(self, diagnostics: list[Diagnostic], cwd: Path, checked: set[str] | None = None) -> Applied:
        """Split ``diagnostics`` (paths relative to ``cwd``) into reported and suppressed
        (see the module docstring). ``checked``: the baseline keys of the files this run
        linted; entries of other files are not called stale (a run over part of the
        project cannot know about them). None: every entry's file was checked."""
        found = self._counts(diagnostics, cwd)
        reported, suppressed = [], []
        for d in diagnostics:
            k = (self.key(d.path, cwd), d.rule)
            recorded = self.entries.get(k[0], {}).get(d.rule, 0)
            if d.rule not in NEVER_BASELINED and 0 < found[k] <= recorded:
                suppressed.append(d)
            else:
                reported.append(d)
        stale = [
            Stale(path, rule, n, found[(path, rule)])
            for path, rules in sorted(self.entries.items())
            for rule, n in sorted(rules.items())
            if found[(path, rule)] < n and (checked is None or path in checked)
        ]
        return Applied(reported, suppressed, stale)

    def suppress(self, diagnostics: list[Diagnostic], cwd: Path, rules: set[str] | None = None) -> Baseline:
        """A baseline that also covers every finding of ``diagnostics`` (of ``rules`` only,
        when given): each (file, rule) count becomes what was found, where that is more
        than recorded. Other entries are kept."""
        entries = {path: dict(r) for path, r in self.entries.items()}
        for (path, rule), n in self._counts(diagnostics, cwd).items():
            if rules is not None and rule not in rules:
                continue
            if n > entries.get(path, {}).get(rule, 0):
                entries.setdefault(path, {})[rule] = n
        return Baseline(self.root, entries)

    def pruned(self, diagnostics: list[Diagnostic], cwd: Path, checked: set[str] | None = None) -> Baseline:
        """A baseline whose counts are at most what was found: entries that no longer
        match shrink or go (only for files this run ``checked``; None: all)."""
        found = self._counts(diagnostics, cwd)
        entries: dict[str, dict[str, int]] = {}
        for path, rules in self.entries.items():
            for rule, n in rules.items():
                keep = n if checked is not None and path not in checked else min(n, found[(path, rule)])
                if keep:
                    entries.setdefault(path, {})[rule] = keep
        return Baseline(self.root, entries)

    def total(self) -> int:
        return sum(n for rules in self.entries.values() for n in rules.values())
