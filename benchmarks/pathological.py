"""Time convexlint on pathological inputs at N and 2N and print the scaling ratio.

Each construct is one file of N nested or repeated shapes (issue 10, item 2) in a fresh
project; a run is ``convexlint check --no-cache --jobs 1`` in a subprocess, timed from
outside. A ratio near 2 is linear; near 4, quadratic. Also times the parse floor (the
same file read and parsed by tree-sitter alone) so the cost convexlint adds is visible.

    python benchmarks/pathological.py                 # default sizes
    python benchmarks/pathological.py --scale 0.25    # quicker, smaller N
    python benchmarks/pathological.py --only calls,chain

Sizes are chosen so the 2N run of each takes a few seconds on 2 cores when linear.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = 'import { query, mutation, internalQuery } from "./_generated/server";\nimport { api } from "./_generated/api";\nimport { v } from "convex/values";\n'


def nested_calls(n: int) -> str:
    return HEADER + "const x = " + "a(" * n + "1" + ")" * n + ";\n"


def query_chain(n: int) -> str:
    chain = 'ctx.db.query("t")' + '.query("t")' * n
    return HEADER + f"export const f = query({{ args: {{}}, handler: async (ctx) => {{ await {chain}.collect(); }} }});\n"


def nested_registrations(n: int) -> str:
    body = "return 1;"
    for i in range(n):
        body = f"const g{i} = query({{ args: {{}}, handler: async (ctx) => {{ await ctx.db.get(\"t\", x); {body} }} }}); return g{i};"
    return HEADER + f"export const f = query({{ args: {{}}, handler: async (ctx) => {{ {body} }} }});\n"


def many_run_calls(n: int) -> str:
    calls = "\n".join("    await ctx.runQuery(api.a.b, {});" for _ in range(n))
    return HEADER + f"export const f = mutation({{\n  args: {{}},\n  handler: async (ctx) => {{\n{calls}\n  }},\n}});\n"


def nested_validators(n: int) -> str:
    value = "v.string()"
    for i in range(n):
        value = f"v.object({{ a: {value} }})" if i % 2 else f"v.union({value}, v.null())"
    return HEADER + f"export const f = query({{ args: {{ x: {value} }}, handler: async () => null }});\n"


_REAL = '''
export const list{i} = query({{
  args: {{ channel: v.id("channels") }},
  returns: v.any(),
  handler: async (ctx, {{ channel }}) => {{
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) throw new Error("Unauthenticated");
    const rows = await ctx.db.query("messages").withIndex("by_channel", (q) => q.eq("channel", channel)).take(50);
    await ctx.scheduler.runAfter(0, api.a.b, {{}});
    return rows.filter((m) => m.author !== identity.subject);
  }},
}});
'''


def repeated_code(n: int) -> str:
    return HEADER + "".join(_REAL.format(i=i) for i in range(n))


CONSTRUCTS = {
    "calls": (nested_calls, 25000),
    "chain": (query_chain, 8000),
    "registrations": (nested_registrations, 400),
    "runs": (many_run_calls, 5000),
    "validators": (nested_validators, 25000),
    "repeated": (repeated_code, 4000),
}


def _project(root: Path, source: str) -> Path:
    (root / "convex" / "_generated").mkdir(parents=True)
    (root / "convex" / "_generated" / "server.d.ts").write_text("export {};\n")
    (root / "convex" / "m.ts").write_text(source)
    return root


def _time_run(root: Path, timeout: float) -> float | None:
    # Past the default size limit on purpose: the point is how the linting scales.
    cmd = [sys.executable, "-m", "convexlint", "check", "--no-cache", "--jobs", "1", "--exit-zero", "--max-file-size", str(1 << 30), "convex"]
    start = time.perf_counter()
    try:
        subprocess.run(cmd, cwd=root, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def _time_parse(source: str) -> float:
    from convexlint.parsing import parse

    data = source.encode()
    start = time.perf_counter()
    parse(data, "m.ts")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every N by this")
    ap.add_argument("--only", default=None, help="comma-separated construct names")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds before a run counts as a hang")
    args = ap.parse_args(argv)
    names = args.only.split(",") if args.only else list(CONSTRUCTS)
    print(f"{'construct':<14} {'N':>7} {'t(N)':>8} {'t(2N)':>8} {'ratio':>6} {'parse(2N)':>10} {'size(2N)':>10}")
    worst = 0.0
    for name in names:
        make, base = CONSTRUCTS[name]
        n = max(1, int(base * args.scale))
        times = []
        for size in (n, 2 * n):
            source = make(size)
            with tempfile.TemporaryDirectory() as tmp:
                times.append(_time_run(_project(Path(tmp), source), args.timeout))
        parse_time = _time_parse(make(2 * n))
        t1, t2 = times
        ratio = (t2 / t1) if t1 and t2 else float("inf")
        worst = max(worst, ratio)
        show = lambda t: f"{t:8.2f}" if t is not None else "   hang "  # noqa: E731
        print(f"{name:<14} {n:>7} {show(t1)} {show(t2)} {ratio:6.2f} {parse_time:10.2f} {len(make(2 * n)) / 1e6:9.1f}M")
    print(f"worst ratio: {worst:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
