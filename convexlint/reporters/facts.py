"""What a human-format summary says beyond the diagnostics (kept apart from the text
reporter so that rendering JSON or SARIF never imports ``rich``)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from convexlint.diagnostics import LintResult, Severity


@dataclass
class RunFacts:
    """What a summary says beyond the diagnostics it is given.

    ``started``: ``time.perf_counter()`` when the command started (the summary's time is
    the wall time since then, in seconds; None: the lint run's own ``elapsed``);
    ``fixed``: the ``Fixed N problems …`` sentence after ``--fix`` (replaces the
    ``[*] N fixable`` line); ``hidden``: how many diagnostics of each severity ``--quiet``
    left out; ``max_warnings``: the ``--max-warnings`` limit, if any."""

    started: float | None = None
    fixed: str | None = None
    hidden: dict[Severity, int] = field(default_factory=dict)
    max_warnings: int | None = None

    def seconds(self, result: LintResult) -> float:
        return result.elapsed if self.started is None else time.perf_counter() - self.started
