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
from collections import Counter
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CHECKOUTS = Path(__file__).resolve().parent / "realworld" / "checkouts"
_FIXED = re.compile(r"Fixed (\d+) problem")


def _count(python: str, root: Path, extra: list[str]) -> Counter:
    """Findings per rule (``syntax-error`` among them: a fix that broke a file shows here)."""
    out = subprocess.run([python, "-m", "convexlint", "check", "--no-cache", "--exit-zero", "--format", "json", *extra, "."],
                         cwd=root, capture_output=True, text=True, check=True).stdout
    return Counter(d["rule"] for d in json.loads(out))


def _fix(python: str, root: Path, unsafe: bool, extra: list[str]) -> tuple[int, str]:
    cmd = [python, "-m", "convexlint", "check", "--no-cache", "--fix-only", *extra, "."] + (["--unsafe-fixes"] if unsafe else [])
    r = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    m = _FIXED.search(r.stdout)
    return (int(m.group(1)) if m else -1), r.stdout.strip() + (f" [stderr: {r.stderr.strip()}]" if r.stderr.strip() else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", default="python3", help="interpreter with convexlint installed")
    ap.add_argument("--preview", action="store_true", help="also run (and fix) preview rules")
    ap.add_argument("projects", nargs="+", help="checkout folder names under benchmarks/realworld/checkouts")
    args = ap.parse_args(argv)
    extra = ["--preview"] if args.preview else []
    per_rule: dict[str, Counter] = {"before": Counter(), "safe": Counter(), "unsafe": Counter()}
    # Runs happen inside the copies: a relative interpreter path must not depend on that.
    args.python = str(Path(args.python).absolute()) if "/" in args.python else (shutil.which(args.python) or args.python)
    totals = {"findings": 0, "safe": 0, "unsafe": 0}
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.projects:
            source = CHECKOUTS / name
            for unsafe in (False, True):
                copy = Path(scratch) / f"{name}-{'unsafe' if unsafe else 'safe'}"
                shutil.copytree(source, copy, ignore=shutil.ignore_patterns("node_modules", ".git"), symlinks=True)
                before = _count(args.python, copy, extra)
                fixed, summary = _fix(args.python, copy, unsafe, extra)
                again, _ = _fix(args.python, copy, unsafe, extra)
                after = _count(args.python, copy, extra)
                mode = "unsafe" if unsafe else "safe"
                broken = after["syntax-error"] - before["syntax-error"]
                print(f"{name:<34} {mode:<6} findings {sum(before.values()):>5} -> {sum(after.values()):>5}  fixed {fixed:>4}  "
                      f"second run fixed {again}  new syntax errors {broken}  | {summary}")
                if not unsafe:
                    totals["findings"] += sum(before.values())
                    per_rule["before"] += before
                per_rule[mode] += after
                totals[mode] += fixed
    print(f"\n{'rule':<34} {'before':>7} {'--fix':>7} {'unsafe':>7}")
    for rule in sorted(per_rule["before"]):
        b, f, u = per_rule["before"][rule], per_rule["safe"][rule], per_rule["unsafe"][rule]
        if (b, f, u) != (b, b, b):
            print(f"{rule:<34} {b:>7} {f:>7} {u:>7}")
    n = totals["findings"] or 1
    print(f"all: {totals['findings']} findings; safe fixes {totals['safe']} ({100 * totals['safe'] / n:.1f}%), "
          f"with --unsafe-fixes {totals['unsafe']} ({100 * totals['unsafe'] / n:.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
