"""Compare where convexlint and ``@convex-dev/eslint-plugin`` report the rules they share.

    python benchmarks/eslint_positions.py PROJECT [PROJECT ...] [--eslint-dir DIR] [--details]

For each project, the Convex server files (what ``convexlint inspect`` reads as ``server``
in every functions directory, ``_generated/`` excluded) are linted twice:

- ESLint 9 with every rule of ``@convex-dev/eslint-plugin`` on (default options,
  ``typescript-eslint``'s parser, no type information; a generated flat config, so the
  project's own ESLint configuration is not used), JSON formatter;
- ``python -m convexlint check --format json --no-cache --exit-zero --select <shared ids>``
  (the project's own convexlint configuration, if any, applies); with ``--mode-all``, a
  generated configuration sets ``no-collect-in-query``'s ``mode: all`` instead, as the
  plugin flags every ``.collect()`` (more pairs to compare positions on).

Findings are compared per rule and file:

- ``same line``: same start line on both sides;
- ``moved``: on different lines but clearly the same finding: the line ranges overlap or
  are at most ``--near`` lines apart (pairs nearest first, each finding used once);
- ``eslint only`` / ``convexlint only``: the rest (a difference in what is flagged, not
  where).

ESLint and the plugin are installed with npm into a temporary folder (as
``benchmarks/harness.py`` does) unless ``--eslint-dir`` names a folder where
``node_modules/eslint`` and ``node_modules/@convex-dev/eslint-plugin`` are already
installed. Standard library only; the projects are only read.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

SHARED = [
    "explicit-table-ids",
    "import-wrong-runtime",
    "no-collect-in-query",
    "no-duplicate-indexes",
    "no-filter-in-query",
    "no-old-registered-function-syntax",
    "no-process-env",
    "no-schema-import-cycle",
    "no-top-of-hour-crons",
    "require-access-control",
    "require-args-validator",
]
PACKAGES = ["eslint@9", "@convex-dev/eslint-plugin", "typescript-eslint", "typescript"]
ESLINT_CONFIG = """
import convex from "@convex-dev/eslint-plugin";
import tseslint from "typescript-eslint";
const rules = Object.fromEntries(Object.keys(convex.rules).map((r) => [`@convex-dev/${r}`, "error"]));
export default [
  { ignores: ["**/_generated/**", "**/node_modules/**"] },
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts", "**/*.js", "**/*.jsx", "**/*.mjs", "**/*.cjs"],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: "off" },
    plugins: { "@convex-dev": convex },
    rules,
  },
];
"""
CONVEXLINT_CONFIG = "rules:\n  no-collect-in-query:\n    options: {mode: all}\n"


def install_eslint(folder: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not on PATH; pass --eslint-dir with ESLint and the plugin installed")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text('{"name": "convexlint-eslint-positions", "private": true}\n')
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", *PACKAGES], cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"npm install failed: {done.stderr.strip()[-500:]}")


def server_files(project: Path) -> list[str]:
    """Paths (relative to ``project``) of the server files of every functions directory."""
    out = subprocess.run(
        [sys.executable, "-m", "convexlint", "inspect", "--format", "json", "."], cwd=project, capture_output=True, text=True
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"convexlint inspect failed in {project}: {out.stderr[-1000:]}")
    files = set()
    for p in json.loads(out.stdout)["projects"]:
        for path, tags in p["files"].items():
            if "server" in tags and "/_generated/" not in f"/{path}" and not path.endswith(".d.ts"):
                files.add(path)
    return sorted(files)


def run_eslint(eslint_dir: Path, project: Path, files: list[str]) -> tuple[list[dict], int]:
    """ESLint findings of the shared rules as dicts (path, line, end_line, rule), and the
    number of files ESLint could not parse."""
    config = eslint_dir / "convexlint-positions.config.mjs"
    config.write_text(ESLINT_CONFIG)
    node = shutil.which("node") or "node"
    eslint = eslint_dir / "node_modules" / "eslint" / "bin" / "eslint.js"
    findings, fatal = [], 0
    for i in range(0, len(files), 400):  # keep command lines short
        cmd = [node, str(eslint), "--config", str(config), "--format", "json", "--no-warn-ignored", *files[i : i + 400]]
        done = subprocess.run(cmd, cwd=project, capture_output=True, text=True)
        if done.returncode not in (0, 1):
            raise SystemExit(f"eslint failed in {project} ({done.returncode}): {done.stderr[-2000:]}")
        for result in json.loads(done.stdout):
            rel = os.path.relpath(result["filePath"], project).replace(os.sep, "/")
            for m in result["messages"]:
                if m.get("fatal"):
                    fatal += 1
                    continue
                rule = (m.get("ruleId") or "").removeprefix("@convex-dev/")
                if rule in SHARED:
                    findings.append({"path": rel, "line": m["line"], "end_line": m.get("endLine") or m["line"], "rule": rule})
    return findings, fatal


def run_convexlint(project: Path, files: list[str], work: Path, mode_all: bool) -> list[dict]:
    cmd = [sys.executable, "-m", "convexlint", "check", "--format", "json", "--no-cache", "--exit-zero", "--select", ",".join(SHARED)]
    if mode_all:
        config = work / "convexlint-positions.yaml"
        config.write_text(CONVEXLINT_CONFIG)
        cmd += ["--config", str(config)]
    cmd.append(".")
    done = subprocess.run(cmd, cwd=project, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"convexlint failed in {project}: {done.stderr[-2000:]}")
    wanted = set(files)
    return [
        {"path": d["path"], "line": d["line"], "end_line": d["end_line"], "rule": d["rule"]}
        for d in json.loads(done.stdout)
        if d["path"] in wanted and d["rule"] in SHARED
    ]


def compare(eslint: list[dict], ours: list[dict], near: int) -> dict[str, dict[str, list]]:
    """Per rule: ``same`` (pairs), ``moved`` (pairs), ``eslint_only``, ``convexlint_only``."""
    groups: dict[tuple[str, str], tuple[list[dict], list[dict]]] = defaultdict(lambda: ([], []))
    for f in eslint:
        groups[(f["rule"], f["path"])][0].append(f)
    for f in ours:
        groups[(f["rule"], f["path"])][1].append(f)
    out: dict[str, dict[str, list]] = {r: {"same": [], "moved": [], "eslint_only": [], "convexlint_only": []} for r in SHARED}
    for (rule, _path), (es, cl) in sorted(groups.items()):
        es, cl = sorted(es, key=lambda f: f["line"]), sorted(cl, key=lambda f: f["line"])
        # 1. same start line (as multisets)
        rest_es = []
        for e in es:
            match = next((c for c in cl if c["line"] == e["line"]), None)
            if match is None:
                rest_es.append(e)
            else:
                cl.remove(match)
                out[rule]["same"].append((e, match))
        # 2. nearest pairs whose line ranges overlap or are within `near` lines
        def gap(e: dict, c: dict) -> int:
            return max(0, max(e["line"], c["line"]) - min(e["end_line"], c["end_line"]))

        candidates = sorted(
            ((gap(e, c), abs(e["line"] - c["line"]), i, j) for i, e in enumerate(rest_es) for j, c in enumerate(cl)),
        )
        used_e, used_c = set(), set()
        for g, _d, i, j in candidates:
            if g > near or i in used_e or j in used_c:
                continue
            used_e.add(i)
            used_c.add(j)
            out[rule]["moved"].append((rest_es[i], cl[j]))
        out[rule]["eslint_only"] += [e for i, e in enumerate(rest_es) if i not in used_e]
        out[rule]["convexlint_only"] += [c for j, c in enumerate(cl) if j not in used_c]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("projects", nargs="+", type=Path)
    parser.add_argument("--eslint-dir", type=Path, help="a folder with eslint@9 and @convex-dev/eslint-plugin installed")
    parser.add_argument("--near", type=int, default=3, help="max line gap for two findings to count as one (default 3)")
    parser.add_argument("--mode-all", action="store_true", help="run no-collect-in-query with `mode: all`, as the plugin")
    parser.add_argument("--details", action="store_true", help="list every moved and one-sided finding")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="convexlint-eslint-positions-"))
    try:
        eslint_dir = args.eslint_dir
        if eslint_dir is None:
            eslint_dir = work / "eslint"
            install_eslint(eslint_dir)
        eslint_dir = eslint_dir.resolve()
        totals: dict[str, dict[str, int]] = {}
        for project in args.projects:
            project = project.resolve()
            files = server_files(project)
            es, fatal = run_eslint(eslint_dir, project, files) if files else ([], 0)
            ours = run_convexlint(project, files, work, args.mode_all) if files else []
            result = compare(es, ours, args.near)
            counts = {r: {k: len(v) for k, v in result[r].items()} for r in SHARED}
            totals[str(project)] = {k: sum(c[k] for c in counts.values()) for k in ("same", "moved", "eslint_only", "convexlint_only")}
            if args.json:
                print(json.dumps({"project": str(project), "files": len(files), "eslint_parse_errors": fatal, "rules": counts}))
                continue
            print(f"== {project.name}: {len(files)} server files, ESLint parse errors: {fatal}")
            print(f"   {'rule':<36}{'same line':>10}{'moved':>7}{'eslint only':>13}{'convexlint only':>17}")
            for r in SHARED:
                c = counts[r]
                if any(c.values()):
                    print(f"   {r:<36}{c['same']:>10}{c['moved']:>7}{c['eslint_only']:>13}{c['convexlint_only']:>17}")
            t = totals[str(project)]
            print(f"   {'total':<36}{t['same']:>10}{t['moved']:>7}{t['eslint_only']:>13}{t['convexlint_only']:>17}")
            if args.details:
                for r in SHARED:
                    for e, c in result[r]["moved"]:
                        print(f"   moved  {r}: {e['path']}: eslint {e['line']}, convexlint {c['line']}")
                    for e in result[r]["eslint_only"]:
                        print(f"   eslint only  {r}: {e['path']}:{e['line']}")
                    for c in result[r]["convexlint_only"]:
                        print(f"   convexlint only  {r}: {c['path']}:{c['line']}")
        if not args.json and len(args.projects) > 1:
            moved = sum(t["moved"] for t in totals.values())
            same = sum(t["same"] for t in totals.values())
            print(f"== all projects: {same} on the same line, {moved} moved")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
