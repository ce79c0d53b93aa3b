"""Applying fixes (``convexlint check --fix`` / ``--diff``), as carefully as ruff does.

A pass lints the project, takes every fixable diagnostic in order (safe fixes; unsafe ones
too with ``unsafe``), and applies each fix whose edits overlap no edit already taken in
this pass (the first wins; the rest wait for the next pass). Edits go into the linter's
``overlay`` (the files' edited text, which later passes read instead of the disk), never to
disk. A file whose edited text has more syntax errors (``ERROR``/``MISSING`` nodes) than
before is left as it was for that pass and the fixes touching it are not tried again.
Passes repeat until nothing more is fixable (at most ``MAX_PASSES``).

Only ``write`` touches the user's files: a file is written when its text changed, only
if the disk still holds what the run read (a file edited meanwhile is left alone and
reported) and it is not read-only, atomically (a temporary file in the same folder, then
``os.replace``; through a symlink, its target), keeping its mode. A fix that edits several
files is written whole or not at all. Edits are byte spans of the file as read, so line
endings and a BOM are kept.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from convexlint.diagnostics import Diagnostic, Edit, LintResult
from convexlint.parsing import parse
from convexlint.reading import read_regular

#: ruff's bound: a fix that keeps enabling another cannot loop forever.
MAX_PASSES = 10


@dataclass
class FixOutcome:
    """What fixing did: ``result`` is the final pass's lint result (the problems left);
    ``fixed`` counts applied fixes by rule; ``original``/``edited`` hold the text of every
    changed file (absolute path -> bytes); ``unsafe_left`` counts fixable problems left
    that only ``--unsafe-fixes`` would fix; ``problems`` lists ``(path, reason)`` for fixes
    dropped or files not written."""

    result: LintResult
    fixed: dict[str, int] = field(default_factory=dict)
    original: dict[Path, bytes] = field(default_factory=dict)
    edited: dict[Path, bytes] = field(default_factory=dict)
    unsafe_left: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    applied: list[Diagnostic] = field(default_factory=list)  # every fix applied, in order
    refused: set[Path] = field(default_factory=set)  # edited files ``write`` left alone

    @property
    def total_fixed(self) -> int:
        return sum(self.fixed.values())


def applies(d: Diagnostic, unsafe: bool) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` when ``unsafe``) applies ``d``'s fix."""
    return d.fix is not None and (d.fix.applicability == "safe" or unsafe)


def apply_edits(data: bytes, edits: list[Edit]) -> bytes:
    """``data`` with non-overlapping ``edits`` applied (byte offsets into ``data``)."""
    out, position = [], 0
    for e in sorted(edits, key=lambda e: (e.start_byte, e.end_byte)):
        out += [data[position : e.start_byte], e.text.encode("utf-8", "surrogateescape")]
        position = e.end_byte
    out.append(data[position:])
    return b"".join(out)


def syntax_errors(data: bytes, path: str) -> int:
    """How many ``ERROR``/``MISSING`` nodes tree-sitter finds in ``data``."""
    root = parse(data, path).root_node
    if not root.has_error:
        return 0
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        stack.extend(c for c in node.children if c.has_error or c.is_missing)
    return count


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.path != b.path:
        return False
    if a.start_byte == a.end_byte == b.start_byte == b.end_byte:
        return True  # two insertions at one point: their order would be arbitrary
    return a.start_byte < b.end_byte and b.start_byte < a.end_byte


def _by_file(edits: list[Edit]) -> dict[str, list[Edit]]:
    out: dict[str, list[Edit]] = {}
    for e in edits:
        out.setdefault(e.path, []).append(e)
    return out


def fix(linter, targets, *, unsafe: bool, only: set[str] | None = None) -> FixOutcome:
    """Lint ``targets`` with ``linter`` (an ``engine.Linter``) and apply fixes pass after
    pass in its overlay (see the module docstring); writes nothing. Text already in the
    overlay (``--stdin-filename``) is the files' original text. ``only``: paths relative to
    the working directory; a fix editing any other file is not applied (None: any file)."""
    cwd: Path = linter.cwd
    outcome = FixOutcome(result=linter.run(targets, jobs=1), original=dict(linter.overlay))
    rejected: set[tuple] = set()  # fixes whose file got worse: not tried again
    for _ in range(MAX_PASSES):
        chosen: list[Diagnostic] = []
        taken: list[Edit] = []
        for d in outcome.result.diagnostics:
            key = (d.rule, d.path, d.span.start_byte, d.message)
            if not applies(d, unsafe) or key in rejected:
                continue
            if only is not None and any(e.path not in only for e in d.fix.edits):  # type: ignore[union-attr]
                continue
            if any(_overlaps(e, t) for e in d.fix.edits for t in taken):  # type: ignore[union-attr]
                continue  # the first fix wins; this one waits for the next pass
            chosen.append(d)
            taken += d.fix.edits  # type: ignore[union-attr]
        if not chosen:
            break
        texts: dict[str, bytes] = {}  # rel -> the text the edits apply to
        bad: set[str] = set()
        for rel, edits in _by_file(taken).items():
            path = Path(os.path.normpath(cwd / rel))  # the overlay's key also for ``../x.ts``
            current = linter.overlay.get(path)
            if current is None:
                current = read_regular(path)
                if current is None:
                    bad.add(rel)
                    outcome.problems.append((rel, "cannot be read"))
                    continue
                outcome.original.setdefault(path, current)
            if syntax_errors(apply_edits(current, edits), rel) > syntax_errors(current, rel):
                bad.add(rel)
                outcome.problems.append((rel, "a fix would introduce a syntax error; it was not applied"))
                continue
            texts[rel] = current
        # A fix spanning several files applies only where every file took it, so each file
        # gets the edits of the fixes that apply, not of all the fixes tried on it.
        applied = [d for d in chosen if not any(e.path in bad for e in d.fix.edits)]  # type: ignore[union-attr]
        rejected.update((d.rule, d.path, d.span.start_byte, d.message) for d in chosen if d not in applied)
        if not applied:
            continue
        for rel, edits in _by_file([e for d in applied for e in d.fix.edits]).items():  # type: ignore[union-attr]
            linter.overlay[Path(os.path.normpath(cwd / rel))] = apply_edits(texts[rel], edits)
        for d in applied:
            outcome.fixed[d.rule] = outcome.fixed.get(d.rule, 0) + 1
        outcome.applied += applied
        outcome.result = linter.run(targets, jobs=1)
    outcome.edited = {p: data for p, data in linter.overlay.items() if outcome.original.get(p) != data}
    outcome.unsafe_left = sum(1 for d in outcome.result.diagnostics if d.fix is not None and not applies(d, unsafe))
    return outcome


def _refusals(outcome: FixOutcome, cwd: Path) -> dict[Path, str]:
    """Edited files not to write, with the reason: changed on disk since they were read,
    read-only (the owner's decision, which a rename into the folder would override, and
    which root's permissions ignore), or sharing a fix with such a file (a fix across
    files is written whole or not at all)."""
    refused: dict[Path, str] = {}
    for path in outcome.edited:
        if read_regular(path) != outcome.original[path]:
            refused[path] = "changed on disk while convexlint ran; not written"
        else:
            try:
                if not os.stat(path).st_mode & 0o222:
                    refused[path] = "is read-only; not written"
            except OSError as exc:
                refused[path] = f"cannot be written: {exc.strerror or exc}"
    grown = bool(refused)
    while grown:
        grown = False
        for d in outcome.applied:
            paths = {cwd / e.path for e in d.fix.edits}  # type: ignore[union-attr]
            if paths & refused.keys():
                for p in paths - refused.keys():
                    refused[p] = "shares a fix with a file that is not written; not written"
                    grown = True
    return refused


def write(outcome: FixOutcome, cwd: Path) -> list[Path]:
    """Write every edited file (see the module docstring); returns the paths written. Files
    left alone (``_refusals``, or a failed write) go to ``outcome.problems`` and
    ``outcome.refused``, and ``outcome.fixed`` then counts only the fixes written; the
    caller re-lints for an honest ``result`` (see ``cli``)."""
    written = []
    refused = _refusals(outcome, cwd)
    for path, data in sorted(outcome.edited.items()):
        rel = os.path.relpath(path, cwd)
        if path in refused:
            outcome.problems.append((rel, refused[path]))
            outcome.refused.add(path)
            continue
        try:
            target = path.resolve()  # through a symlink: the link stays, its target is rewritten
            mode = os.stat(target).st_mode
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".convexlint")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.chmod(tmp, mode & 0o7777)
                os.replace(tmp, target)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError as exc:
            outcome.problems.append((rel, f"cannot be written: {exc.strerror or exc}"))
            outcome.refused.add(path)
            continue
        written.append(path)
    if outcome.refused:
        outcome.fixed = {}
        for d in outcome.applied:
            if not any(cwd / e.path in outcome.refused for e in d.fix.edits):  # type: ignore[union-attr]
                outcome.fixed[d.rule] = outcome.fixed.get(d.rule, 0) + 1
    return written


def unified_diff(outcome: FixOutcome, cwd: Path) -> str:
    """The edits as a unified diff ``git apply`` takes (``a/``/``b/`` paths relative to
    ``cwd``); empty when nothing would change."""
    chunks = []
    for path, data in sorted(outcome.edited.items()):
        rel = Path(os.path.relpath(path, cwd)).as_posix()
        before = outcome.original[path].decode("utf-8", "surrogateescape").splitlines(keepends=True)
        after = data.decode("utf-8", "surrogateescape").splitlines(keepends=True)
        lines = list(difflib.unified_diff(before, after, f"a/{rel}", f"b/{rel}"))
        for i, line in enumerate(lines):
            if not line.endswith("\n"):
                lines[i] = line + "\n\\ No newline at end of file\n"
        chunks.append("".join(lines))
    return "".join(chunks)
