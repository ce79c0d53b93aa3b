"""Compare convexlint with the tree-sitter parse-only floor, in one run, on the same files.

    python benchmarks/floor.py PATH [--repeat 5]

The floor is: read every file convexlint would read and parse it with tree-sitter, in one
process, nothing else. convexlint is a full in-process run with every stable rule on
(discovery, parsing, facts, rules, suppressions, sorting; no output rendering). Reports
medians and the ratio; the ratio is what to compare across machines.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from convexlint.config import Settings
from convexlint.discovery import discover
from convexlint.engine import Linter
from convexlint.parsing import parse
from convexlint.records import load_records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1, help="convexlint worker processes (the floor is always one process)")
    args = parser.parse_args()
    cwd = Path.cwd()
    targets = discover([args.path])
    records = load_records()
    files = [t.path for t in targets]
    lines = sum(p.read_bytes().count(b"\n") for p in files)

    def floor() -> None:
        for p in files:
            parse(p.read_bytes(), p.name)

    def lint() -> None:
        linter = Linter(Settings(records, None, cwd=cwd), cwd)
        linter.run(discover([args.path], client_context=linter.needs_client_code), jobs=args.jobs)

    floor(), lint()  # warm up: imports, grammar loading, query compilation
    timings: dict[str, list[float]] = {"floor": [], "convexlint": []}
    for _ in range(args.repeat):
        for name, fn in (("floor", floor), ("convexlint", lint)):
            start = time.perf_counter()
            fn()
            timings[name].append(time.perf_counter() - start)
    f, c = statistics.median(timings["floor"]), statistics.median(timings["convexlint"])
    print(f"{len(files)} files, {lines} lines; median of {args.repeat} runs")
    print(f"parse-only floor: {f * 1000:8.1f} ms")
    print(f"convexlint:       {c * 1000:8.1f} ms   ({c / f:.2f}x the floor, --jobs {args.jobs})")


if __name__ == "__main__":
    main()
