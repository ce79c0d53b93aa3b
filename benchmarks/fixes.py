"""Measure ``convexlint check --fix`` on copies of the real-code harness projects.

For each project: copy its checkout (without ``node_modules`` and ``.git``) to a scratch
folder, count the findings, run ``--fix --fix-only`` (and, on a second copy, with
``--unsafe-fixes``), run it again (it must fix nothing more), and count again. The
checkouts themselves are never written. Prints one line per project and mode, and the
share of all findings fixed.

    python benchmarks/fixes.py --python .venv/bin/python get-convex+chef adamanz+convex-crm ...
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CHECKOUTS = Path(__file__).resolve().parent / "realworld" / "checkouts"
_FIXED = re.compile(r"Fixed (\d+) problem")


def _count(python: str, root: Path) -> int:
    out = subprocess.run([python, "-m", "convexlint", "check", "--no-cache", "--exit-zero", "--format", "json", "."],
                         cwd=root, capture_output=True, text=True, check=True).stdout
    return len(json.loads(out))


def _fix(python: str, root: Path, unsafe: bool) -> tuple[int, str]:
    cmd = [python, "-m", "convexlint", "check", "--no-cache", "--fix-only", "."] + (["--unsafe-fixes"] if unsafe else [])
    r = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    m = _FIXED.search(r.stdout)
    return (int(m.group(1)) if m else -1), r.stdout.strip() + (f" [stderr: {r.stderr.strip()}]" if r.stderr.strip() else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", default="python3", help="interpreter with convexlint installed")
    ap.add_argument("projects", nargs="+", help="checkout folder names under benchmarks/realworld/checkouts")
    args = ap.parse_args(argv)
    # Runs happen inside the copies: a relative interpreter path must not depend on that.
    args.python = str(Path(args.python).absolute()) if "/" in args.python else (shutil.which(args.python) or args.python)
    totals = {"findings": 0, "safe": 0, "unsafe": 0}
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.projects:
            source = CHECKOUTS / name
            for unsafe in (False, True):
                copy = Path(scratch) / f"{name}-{'unsafe' if unsafe else 'safe'}"
                shutil.copytree(source, copy, ignore=shutil.ignore_patterns("node_modules", ".git"), symlinks=True)
                before = _count(args.python, copy)
                fixed, summary = _fix(args.python, copy, unsafe)
                again, _ = _fix(args.python, copy, unsafe)
                after = _count(args.python, copy)
                mode = "unsafe" if unsafe else "safe"
                print(f"{name:<34} {mode:<6} findings {before:>5} -> {after:>5}  fixed {fixed:>4}  second run fixed {again}  | {summary}")
                if not unsafe:
                    totals["findings"] += before
                totals[mode] += fixed
    n = totals["findings"] or 1
    print(f"all: {totals['findings']} findings; safe fixes {totals['safe']} ({100 * totals['safe'] / n:.1f}%), "
          f"with --unsafe-fixes {totals['unsafe']} ({100 * totals['unsafe'] / n:.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
