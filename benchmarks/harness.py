"""Measure convexlint against the tree-sitter parse floor, in one run, on the same files.

    python benchmarks/harness.py                      # a generated 2,000-file project
    python benchmarks/harness.py --files 20000        # scale
    python benchmarks/harness.py --path ../some-app   # a real project (left unmodified*)

Every measurement is a fresh subprocess (interpreter start-up included on both sides):

- floor: read and tree-sitter-parse every file convexlint reads, one process, nothing else;
- cold: ``convexlint check`` with an empty cache;
- warm: again, nothing changed;
- one file: after editing one function file;
- schema: after editing ``schema.ts``;
- eslint (when ``npm`` is on PATH, unless ``--no-eslint``): ESLint 9 with
  ``@convex-dev/eslint-plugin`` (every rule of it on, ``typescript-eslint``'s parser, no
  type information), installed with npm into a temporary folder, on the same files.

Each is repeated ``--repeat`` times; the report gives medians, ratios to the floor and the
main process's peak RSS (worker processes are not included). *With ``--path``, the edits
go to a temporary copy of the project.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOOR = """
import sys
from pathlib import Path
from convexlint.discovery import discover
from convexlint.parsing import parse
for t in discover([Path(sys.argv[1])], client_context=True):
    parse(t.path.read_bytes(), t.path.name)
"""

ESLINT_CONFIG = """
import convex from "@convex-dev/eslint-plugin";
import tseslint from "typescript-eslint";
const rules = Object.fromEntries(Object.keys(convex.rules).map((r) => [`@convex-dev/${r}`, "error"]));
export default [
  { ignores: ["**/_generated/**", "**/node_modules/**", "**/.convexlint_cache/**"] },
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts", "**/*.js", "**/*.jsx"],
    languageOptions: { parser: tseslint.parser },
    plugins: { "@convex-dev": convex },
    rules,
  },
];
"""


def install_eslint(folder: Path) -> list[str] | None:
    """Install ESLint 9 + the Convex plugin into ``folder``; the command to run it, or None."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    folder.mkdir(parents=True)
    (folder / "package.json").write_text('{"name": "convexlint-bench-eslint", "private": true}\n')
    packages = ["eslint@9", "@convex-dev/eslint-plugin", "typescript-eslint", "typescript"]
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", *packages], cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"eslint: npm install failed, skipped: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    (folder / "eslint.config.mjs").write_text(ESLINT_CONFIG)
    node = shutil.which("node") or "node"
    return [node, str(folder / "node_modules" / "eslint" / "bin" / "eslint.js"), "--config", str(folder / "eslint.config.mjs"), "--format", "json", "-o", os.devnull, "."]


def run(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0, 1)) -> tuple[float, int]:
    """(seconds, peak RSS of the process in MB; its worker processes are not counted)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed with {code}: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--path", type=Path, help="a real project instead of a generated one")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="convexlint --jobs (default: one per CPU)")
    parser.add_argument("--no-eslint", action="store_true", help="skip the ESLint comparison")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="convexlint-bench-"))
    try:
        project = work / "project"
        if args.path is not None:
            shutil.copytree(args.path, project, ignore=shutil.ignore_patterns("node_modules", ".git", ".convexlint_cache"))
        else:
            sys.path.insert(0, str(HERE))
            from generate import generate

            generate(project, args.files)
        cache = work / "cache"
        lint = [sys.executable, "-m", "convexlint", "check", ".", "--format", "json", "-o", os.devnull, "--cache-dir", str(cache)]
        if args.jobs:
            lint += ["--jobs", str(args.jobs)]
        schema = next(project.rglob("schema.ts"), None)
        function_file = next((p for p in sorted(project.rglob("*.ts")) if "_generated" not in p.parts and p.name not in ("schema.ts", "http.ts", "crons.ts")), None)

        eslint = None if args.no_eslint else install_eslint(work / "eslint")
        results: dict[str, list[tuple[float, int]]] = {k: [] for k in ("floor", "cold", "warm", "one file", "schema", "eslint")}
        for i in range(args.repeat):
            results["floor"].append(run([sys.executable, "-c", FLOOR, "."], project))
            shutil.rmtree(cache, ignore_errors=True)
            results["cold"].append(run(lint, project))
            results["warm"].append(run(lint, project))
            if function_file is not None:
                function_file.write_text(function_file.read_text() + f"\n// edit {i}\n")
                results["one file"].append(run(lint, project))
            if schema is not None:
                schema.write_text(schema.read_text() + f"\n// edit {i}\n")
                results["schema"].append(run(lint, project))
            if eslint is not None:
                results["eslint"].append(run(eslint, project))

        files = sum(1 for p in project.rglob("*") if p.suffix in (".ts", ".tsx", ".js", ".jsx", ".mts", ".cts") and "_generated" not in p.parts)
        lines = sum(p.read_bytes().count(b"\n") for p in project.rglob("*") if p.suffix in (".ts", ".tsx") and "_generated" not in p.parts)
        floor = statistics.median(t for t, _ in results["floor"])
        print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; project: {args.path or f'generated --files {args.files}'}")
        print(f"{files} files, {lines} lines; medians of {args.repeat}; convexlint --jobs {args.jobs or 'default'}")
        print(f"{'measurement':<10} {'median':>9} {'x floor':>8} {'peak RSS':>9}")
        for name, samples in results.items():
            if not samples:
                continue
            median = statistics.median(t for t, _ in samples)
            rss = max(m for _, m in samples)
            print(f"{name:<10} {median * 1000:>7.0f}ms {median / floor:>7.2f}x {rss:>7d}MB")
        if results["eslint"]:
            cold = statistics.median(t for t, _ in results["cold"])
            print(f"ESLint + @convex-dev/eslint-plugin (untyped) / convexlint cold: {statistics.median(t for t, _ in results['eslint']) / cold:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
