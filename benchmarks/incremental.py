"""Check the editor's shortcuts against the plain answer on real projects.

    python benchmarks/incremental.py [--focus-sets 50] [--steps 12] PROJECT...

For each project (a folder, e.g. the real-world checkouts of ``benchmarks/realworld.py``):

* focus: a whole run, then runs focused on single files (up to ``--focus-sets``, sampled)
  and on a few random groups of five; each focused run must report in its files exactly
  what the whole run reports there;
* session: one kept linter (``memo``, a cache folder, an overlay of up to three "open"
  files, focused on them) over ``--steps`` random edits (a line deleted, duplicated,
  swapped or cut off; an import or re-export deleted; ``"use node"`` added or removed: the
  last two change the file's shape), each step compared with a fresh linter's whole run
  over the same buffers.

Prints one line per project and every difference; exits 1 when there is one. Rules in
preview and ``report_unused_disables`` are on, so every rule takes part.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from convexlint.config import Settings
from convexlint.discovery import discover
from convexlint.engine import Linter
from convexlint.records import load_records


def settings_for(root: Path) -> Settings:
    """Every rule on: preview rules and ``report_unused_disables`` too."""
    settings = Settings(load_records(), None, cwd=root, nearest=True, preview=True)
    settings.report_unused_disables = True
    return settings


def finding_key(d) -> tuple:
    """What two runs must agree on for a finding: ``(path, rule, start, end, message, fix)``."""
    return (d.path, d.rule, d.span.start_byte, d.span.end_byte, d.message, d.fix)


def random_edit(lines: list[bytes], rng: random.Random) -> tuple[str, list[bytes]]:
    """One random edit of a file's lines, as ``(what was done, the new lines)``: a line
    deleted, duplicated, swapped with another or the file cut off there; an import or
    re-export line deleted or ``"use node"`` added or removed (these two change the file's
    shape, see ``model.project.shape``)."""
    i = rng.randrange(len(lines))
    op = rng.choice(["delete", "duplicate", "cut", "swap", "import", "use node"])
    imports = [k for k, line in enumerate(lines) if line.startswith((b"import ", b"export {", b"export *"))]
    if op == "import" and imports:
        return op, _without(lines, rng.choice(imports))
    if op == "use node":
        return op, lines[1:] if lines[0].strip() in (b'"use node";', b"'use node';") else [b'"use node";', *lines]
    if op == "delete":
        return op, _without(lines, i)
    if op == "duplicate":
        return op, [*lines[: i + 1], *lines[i:]]
    if op == "cut":
        return op, lines[: max(1, i)]
    j = rng.randrange(len(lines))
    swapped = list(lines)
    swapped[i], swapped[j] = lines[j], lines[i]
    return "swap", swapped


def _without(lines: list[bytes], k: int) -> list[bytes]:
    return [*lines[:k], *lines[k + 1 :]]


def check_focus(root: Path, sets: int, rng: random.Random) -> int:
    linter = Linter(settings_for(root), root)
    targets = discover([root], client_context=linter.needs_client_code)
    whole: dict[str, set] = {}
    for d in linter.run(targets, jobs=1).diagnostics:
        whole.setdefault(d.path, set()).add(finding_key(d))
    rels = sorted({str(t.path.relative_to(root)) for t in targets if root in t.path.parents})
    singles = rels if len(rels) <= sets else rng.sample(rels, sets)
    groups = [frozenset([r]) for r in singles] + [frozenset(rng.sample(rels, min(len(rels), 5))) for _ in range(10)]
    bad = 0
    for focus in groups:
        got: dict[str, set] = {}
        for d in linter.run(targets, jobs=1, focus=focus).diagnostics:
            got.setdefault(d.path, set()).add(finding_key(d))
        for rel in focus:
            want, have = whole.get(rel, set()), got.get(rel, set())
            if want != have:
                bad += 1
                print(f"  focus {rel}: missing {sorted(k[1:3] for k in want - have)[:3]} extra {sorted(k[1:3] for k in have - want)[:3]}")
    return bad


def check_session(root: Path, steps: int, rng: random.Random, cache: Path) -> int:
    kept = Linter(settings_for(root), root)
    kept.memo = {}
    targets = discover([root], client_context=kept.needs_client_code)
    files = [t.path for t in targets if t.report and t.path.suffix in (".ts", ".tsx", ".js", ".jsx")]
    overlay: dict[Path, bytes] = {}
    bad = 0
    for step in range(steps if files else 0):
        path = rng.choice(files)
        op, lines = random_edit((overlay[path] if path in overlay else path.read_bytes()).split(b"\n"), rng)
        overlay[path] = b"\n".join(lines)
        while len(overlay) > 3:
            overlay.pop(next(iter(overlay)))
        focus = frozenset(str(p.relative_to(root)) for p in overlay)
        kept.overlay = dict(overlay)
        got = {finding_key(d) for d in kept.run(targets, jobs=1, cache_dir=cache, focus=focus).diagnostics}
        fresh = Linter(settings_for(root), root)
        fresh.overlay = dict(overlay)
        want = {k for k in map(finding_key, fresh.run(targets, jobs=1).diagnostics) if k[0] in focus}
        if got != want:
            bad += 1
            print(f"  step {step} ({op} in {path.relative_to(root)}): missing {sorted(k[:3] for k in want - got)[:3]} extra {sorted(k[:3] for k in got - want)[:3]}")
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("projects", nargs="+", type=Path)
    ap.add_argument("--focus-sets", type=int, default=50)
    ap.add_argument("--steps", type=int, default=12)
    args = ap.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as scratch:
        for project in args.projects:
            root = project.resolve()
            rng = random.Random(root.name)
            focus_bad = check_focus(root, args.focus_sets, rng)
            session_bad = check_session(root, args.steps, rng, Path(scratch) / root.name)
            bad += focus_bad + session_bad
            print(f"{root.name:55} focus differences {focus_bad}  session differences {session_bad}", flush=True)
    print(f"total differences: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
