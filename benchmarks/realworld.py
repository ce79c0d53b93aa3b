"""Real-code accuracy harness: run convexlint on pinned public Convex projects and record
findings, model statistics and a text-search cross-check, so two versions can be compared.

The projects are listed in ``benchmarks/realworld-projects.json`` (``repo``, ``commit``,
``path`` to lint inside the checkout, ``shapes``). Checkouts and results live in the
git-ignored ``benchmarks/realworld/``; no project code is ever committed.

Usage::

    # 1. materialise every project's pinned commit from bare git dirs
    #    (<mirror-root>/<owner>+<name>/repo or <mirror-root>/<owner>+<name>)
    python benchmarks/realworld.py --checkout [--mirror-root /work/.mirror]

    # 2. lint them all with an interpreter that has the convexlint to measure
    python benchmarks/realworld.py --python /path/to/venv/bin/python --label before

    # 3. compare two runs
    python benchmarks/realworld.py --compare before after

A run writes ``results/<label>/summary.json`` (per project: status, elapsed seconds,
per-rule counts by severity, model stats, text-search counts), ``findings/<project>.json``
(every diagnostic) and ``sample.md`` (seed-0 random sample of up to ``--sample`` findings
per rule, with a 5-line excerpt, for human review).

Model stats come from ``python -m convexlint inspect <path> --format json`` when that
command exists, else (convexlint before ``inspect``) from an in-process snippet using the
engine's API; API drift gives "stats unavailable".
The text-search count (``handler`` keys in functions-dir files) flags registrations the
model misses when it is far above the number of functions the model sees; ``model.gaps``
lists, per file, where the text search finds more than ``inspect`` lists.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECTS_FILE = HERE / "realworld-projects.json"
ROOT = HERE / "realworld"
MARKER = ".realworld-commit"
TIMEOUT = 600
STAT_KEYS = ("functions_known", "functions_unresolved", "server_files", "tables", "routes", "crons")

# Runs in the measured interpreter (cwd = checkout, argv[1] = path): prints model stats as JSON.
STATS_SNIPPET = r'''
import json, sys
from collections import Counter
from pathlib import Path
try:
    from convexlint.config import Settings, find_config, load_config_file
    from convexlint.discovery import discover
    from convexlint.engine import Linter, rel_path
    from convexlint.model.project import Project
    from convexlint.records import load_records
    cwd, target = Path.cwd(), Path(sys.argv[1])
    found = find_config(target.resolve())
    settings = Settings(load_records(), load_config_file(found) if found else None, cwd=cwd)
    linter = Linter(settings, cwd)
    targets = [t for t in discover([target], client_context=linter.needs_client_code)
               if settings.is_included(rel_path(t.path, linter.cwd))]
    projects = {}
    for o in linter.lint_files(targets, jobs=1):
        if o.facts is not None:
            p = projects.setdefault(o.facts.functions_dir, Project(functions_dir=o.facts.functions_dir))
            (p.files if o.target.is_server else p.client_files)[o.rel] = o.facts
    dirs = []
    for key, p in projects.items():
        if key is None:
            continue
        p.resolve(settings.registrars)
        fns = [(f, fn) for f in p.files.values() for fn in f.functions]
        unresolved = [(f.path, fn.registrar) for f, fn in fns if fn.kind is None]
        schema = p.schema
        dirs.append({
            "functions_dir": key,
            "functions_known": sum(1 for _, fn in fns if fn.kind is not None),
            "functions_unresolved": len(unresolved),
            "kinds": dict(Counter(fn.kind for _, fn in fns if fn.kind is not None)),
            "unresolved_registrars": dict(Counter(r for _, r in unresolved).most_common(10)),
            "unresolved_examples": [f"{path}: {r}" for path, r in unresolved[:5]],
            "server_files": len(p.files),
            "schema": schema is not None,
            "tables": len(schema.tables) if schema is not None else 0,
            "schema_static": schema is not None and not schema.dynamic,
            "routes": sum(1 for _ in p.routes()),
            "crons": sum(len(f.crons) for f in p.files.values()),
        })
    print(json.dumps({"source": "api", "dirs": dirs}))
except Exception as exc:
    print(json.dumps({"error": f"stats unavailable: {exc.__class__.__name__}: {exc}"}))
'''


def load_projects(path: Path = PROJECTS_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def slug(repo: str) -> str:
    return repo.replace("/", "+")


# -- checkout --------------------------------------------------------------------------------


def git_dir(mirror_root: Path, repo: str) -> Path | None:
    for candidate in (mirror_root / slug(repo) / "repo", mirror_root / slug(repo)):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def checkout(project: dict, mirror_root: Path, checkouts: Path) -> str:
    """Extract the pinned commit with ``git archive``; blobs the mirror lacks (large files
    a snapshot leaves out) are excluded rather than failing the whole archive."""
    dest = checkouts / slug(project["repo"])
    if (dest / MARKER).is_file() and (dest / MARKER).read_text().strip() == project["commit"]:
        return "up to date"
    gd = git_dir(mirror_root, project["repo"])
    if gd is None:
        return f"no mirror under {mirror_root}"
    git = ["git", f"--git-dir={gd}"]
    tree = subprocess.run([*git, "ls-tree", "-r", "-z", project["commit"]], capture_output=True, check=True).stdout
    entries = [e.split(b"\t", 1) for e in tree.split(b"\0") if e]
    blobs = [(meta.split()[2].decode(), path.decode()) for meta, path in entries if meta.split()[1] == b"blob"]
    check = subprocess.run(
        [*git, "cat-file", "--batch-check"], input="\n".join(sha for sha, _ in blobs) + "\n", capture_output=True, text=True
    ).stdout.splitlines()
    missing = [path for (_, path), line in zip(blobs, check) if line.endswith(" missing")]
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    excludes = [f":(exclude,literal){p}" for p in missing]
    archive = subprocess.Popen([*git, "archive", project["commit"], "--", ".", *excludes], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        return "git archive failed"
    # Its own repository root, as a clone would be: otherwise the enclosing repository's
    # .gitignore (which ignores benchmarks/realworld/) hides every file from discovery.
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    (dest / MARKER).write_text(project["commit"] + "\n")
    return f"extracted ({len(missing)} missing blobs skipped)" if missing else "extracted"


# -- one project -----------------------------------------------------------------------------

#: ``handler: async (ctx) =>``, ``handler: (ctx) =>``, ``handler: function``, ``async handler(ctx) {``,
#: a route's inline ``handler: httpAction(...)`` (not ``handler: someHttpAction``, nor calls).
HANDLER_RE = re.compile(
    r"\bhandler\s*:\s*(?:async\b|\(|function\b|\w+\s*=>|httpAction\s*\()|\b(?:async\s+)?handler\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*(?::[^{;=]*)?\{"
)
BROAD_HANDLER_RE = re.compile(r"\bhandler\s*[:(]")
#: Fluent builders (better-convex cRPC): ``authQuery.input(...).query(async ({ ctx, input }) =>``.
FLUENT_RE = re.compile(r"\.(?:query|mutation|action)\(\s*async\s*\(\s*\{")
COMMENT_LINE_RE = re.compile(r"^\s*(?://|/?\*).*$", re.M)
TEST_RE = re.compile(r"(^|/)(__tests__|tests?)/|\.(test|spec)\.[cm]?[jt]sx?$")
EXPORTED_CALL_RE = re.compile(r"export\s+const\s+\w+\s*=\s*[\w.]+\s*(?:<[^>\n]*>)?\s*\(")
TS_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mts", ".cts")


def guess_functions_dirs(root: Path) -> list[str]:
    """Stdlib fallback when model stats are unavailable: folders named ``convex`` with a
    ``_generated`` folder or a schema file, outside ``node_modules`` and dot-dirs."""
    found = []
    for dirpath, dirnames, _ in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "node_modules" and not d.startswith(".")]
        d = Path(dirpath)
        if d.name == "convex" and ((d / "_generated").is_dir() or any(d.glob("schema.*"))):
            found.append(d.relative_to(root).as_posix())
    return found


def text_counts(root: Path, functions_dirs: list[str]) -> dict:
    """Lines of code and registration-like ``handler`` keys (also every ``handler:`` or
    ``handler(``, fluent builders, ``export const x = f(``) in server files; tests and
    whole-line comments left out."""
    handlers = broad = fluent = exported = lines = files = 0
    for fd in functions_dirs:
        for dirpath, dirnames, filenames in os.walk(root / fd):
            dirnames[:] = [d for d in dirnames if d not in ("node_modules", "_generated") and not d.startswith(".")]
            for name in filenames:
                path = Path(dirpath) / name
                if not name.endswith(TS_SUFFIXES) or name.endswith(".d.ts") or TEST_RE.search(path.relative_to(root / fd).as_posix()):
                    continue
                text = path.read_text(encoding="utf-8", errors="replace")
                files += 1
                lines += text.count("\n") + 1
                text = COMMENT_LINE_RE.sub("", text)
                fluent += len(FLUENT_RE.findall(text))
                handlers += len(HANDLER_RE.findall(text))
                broad += len(BROAD_HANDLER_RE.findall(text))
                exported += len(EXPORTED_CALL_RE.findall(text))
    return {"files": files, "lines": lines, "handlers": handlers, "handler_mentions": broad, "fluent": fluent, "exported_calls": exported}


def _total_stats(dirs: list[dict]) -> dict:
    total: dict = {k: sum(d.get(k, 0) for d in dirs) for k in STAT_KEYS}
    statics = {d["schema_static"] for d in dirs if d.get("schema")}
    total["schema_static"] = "none" if not statics else ("mixed" if len(statics) > 1 else ("yes" if True in statics else "no"))
    total["unresolved_registrars"] = dict(sum((Counter(d.get("unresolved_registrars", {})) for d in dirs), Counter()).most_common(10))
    return total


def _inspect_stats(view: dict) -> dict:
    """The model stats of one functions directory from ``convexlint inspect --format json``
    (unresolved = registration-like calls whose registrar is unknown, as inspect lists them)."""
    schema = view.get("schema")
    unresolved = view.get("unresolved_registrations", [])
    return {
        "functions_dir": view["functions_dir"],
        "functions_known": len(view.get("functions", [])),
        "functions_unresolved": len(unresolved),
        "kinds": dict(Counter(f["kind"] for f in view.get("functions", []))),
        "unresolved_registrars": dict(Counter(u["registrar"] for u in unresolved).most_common(10)),
        "unresolved_examples": [f"{u['at']}: {u['registrar']}" for u in unresolved[:5]],
        "server_files": sum(1 for roles in view.get("files", {}).values() if roles and roles[0] == "server"),
        "schema": schema is not None,
        "tables": len(schema["tables"]) if schema else 0,
        "schema_static": bool(schema and schema["static"]),
        "routes": len(view.get("routes", [])),
        "crons": len(view.get("crons", [])),
    }


def registration_gaps(root: Path, view: dict, limit: int = 20) -> list[str]:
    """Files where the text search finds more registration-style ``handler`` keys than
    ``inspect`` lists functions (``"path: text N, seen M"``), most first: where to look for
    registrations the model misses. Server files only, tests left out."""
    seen: Counter = Counter()
    server: set[str] = set()
    for project in view.get("projects", []):
        for fn in project.get("functions", []):
            seen[fn["at"].rsplit(":", 1)[0]] += 1
        server.update(p for p, roles in project.get("files", {}).items() if roles and roles[0] == "server")
    gaps = []
    for path in server:
        if TEST_RE.search(path):
            continue
        try:
            text = COMMENT_LINE_RE.sub("", (root / path).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        found = len(HANDLER_RE.findall(text))
        if found > seen[path]:
            gaps.append((found - seen[path], f"{path}: text {found}, seen {seen[path]}"))
    return [line for _n, line in sorted(gaps, key=lambda g: (-g[0], g[1]))[:limit]]


def model_stats(python: str, root: Path, path: str) -> dict:
    try:
        proc = subprocess.run([python, "-m", "convexlint", "inspect", path, "--format", "json"], cwd=root, capture_output=True, text=True, timeout=TIMEOUT)
        if proc.returncode == 0:
            data = json.loads(proc.stdout)
            dirs = [_inspect_stats(p) for p in data.get("projects", []) if p.get("functions_dir")]
            return {"source": "inspect", "dirs": dirs, "total": _total_stats(dirs), "gaps": registration_gaps(root, data)}
        proc = subprocess.run([python, "-c", STATS_SNIPPET, path], cwd=root, capture_output=True, text=True, timeout=TIMEOUT)
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, ValueError, IndexError, subprocess.TimeoutExpired) as exc:
        return {"error": f"stats unavailable: {exc}"}
    if "dirs" in data:
        data["total"] = _total_stats(data["dirs"])
    return data


def run_project(project: dict, python: str, root: Path, jobs: int, preview: bool = False) -> tuple[dict, list[dict]]:
    cmd = [python, "-m", "convexlint", "check", project.get("path", "."), "--format", "json", "--no-cache", "--exit-zero", "--jobs", str(jobs)]
    if preview:
        cmd.append("--preview")  # rules moved to preview still get measured
    start = time.perf_counter()
    findings: list[dict] = []
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=TIMEOUT)
        status = {0: "ok", 2: "error"}.get(proc.returncode, f"exit {proc.returncode}")
        stderr = proc.stderr
        if proc.returncode == 0:
            try:
                findings = json.loads(proc.stdout)
            except ValueError:
                status = "bad json"
    except subprocess.TimeoutExpired as exc:
        status, stderr = "timeout", (exc.stderr or b"").decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
    elapsed = round(time.perf_counter() - start, 2)
    rules: dict[str, dict[str, int]] = {}
    for f in findings:
        rules.setdefault(f["rule"], Counter())[f["severity"]] += 1
    stats = model_stats(python, root, project.get("path", "."))
    dirs = [d["functions_dir"] for d in stats.get("dirs", [])] or guess_functions_dirs(root / project.get("path", "."))
    summary = {
        "repo": project["repo"],
        "commit": project["commit"],
        "shapes": project.get("shapes", []),
        "status": status,
        "elapsed": elapsed,
        "stderr_tail": stderr[-2000:] if status != "ok" else "",
        "findings": len(findings),
        "rules": {r: dict(c) for r, c in sorted(rules.items())},
        "model": stats,
        "text": text_counts(root, dirs),
    }
    return summary, findings


# -- outputs ---------------------------------------------------------------------------------


def excerpt(root: Path, path: str, line: int) -> str:
    try:
        lines = (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(file unreadable)"
    lo = max(1, line - 2)
    return "\n".join(f"{'>' if n == line else ' '}{n:5} | {lines[n - 1]}" for n in range(lo, min(len(lines), lo + 4) + 1))


def write_sample(out: Path, per_project: dict[str, list[dict]], checkouts: Path, n: int) -> None:
    by_rule: dict[str, list[tuple[str, dict]]] = {}
    for repo in sorted(per_project):
        for f in per_project[repo]:
            by_rule.setdefault(f["rule"], []).append((repo, f))
    rng = random.Random(0)
    parts = [f"# Sample of findings ({out.name})\n", f"Up to {n} findings per rule, seed 0.\n"]
    for rule in sorted(by_rule):
        items = by_rule[rule]
        chosen = rng.sample(items, min(n, len(items)))
        parts.append(f"\n## {rule} ({len(items)} in total)\n")
        for repo, f in chosen:
            parts.append(f"\n### {repo} — `{f['path']}:{f['line']}` ({f['severity']})\n\n{f['message']}\n")
            parts.append("\n```ts\n" + excerpt(checkouts / slug(repo), f["path"], f["line"]) + "\n```\n")
    (out / "sample.md").write_text("".join(parts), encoding="utf-8")


def rule_totals(summary: dict) -> Counter:
    totals: Counter = Counter()
    for p in summary["projects"]:
        for rule, by_severity in p["rules"].items():
            totals[rule] += sum(by_severity.values())
    return totals


def compare(results: Path, a: str, b: str) -> None:
    sa, sb = (json.loads((results / x / "summary.json").read_text()) for x in (a, b))
    ta, tb = rule_totals(sa), rule_totals(sb)
    print(f"{'rule':40} {a:>8} {b:>8} {'delta':>8}")
    for rule in sorted(set(ta) | set(tb)):
        print(f"{rule:40} {ta[rule]:8} {tb[rule]:8} {tb[rule] - ta[rule]:+8}")
    print(f"{'TOTAL':40} {sum(ta.values()):8} {sum(tb.values()):8} {sum(tb.values()) - sum(ta.values()):+8}\n")
    pa, pb = ({p["repo"]: p for p in s["projects"]} for s in (sa, sb))
    print(f"{'project':45} {a:>7} {b:>7} {'delta':>7}  model stat deltas ({b} - {a})")
    for repo in sorted(set(pa) | set(pb)):
        x, y = pa.get(repo, {}), pb.get(repo, {})
        fx, fy = x.get("findings", 0), y.get("findings", 0)
        mx, my = x.get("model", {}).get("total", {}), y.get("model", {}).get("total", {})
        deltas = [f"{k}{my.get(k, 0) - mx.get(k, 0):+d}" for k in STAT_KEYS if my.get(k, 0) != mx.get(k, 0)]
        if mx.get("schema_static") != my.get("schema_static"):
            deltas.append(f"schema_static {mx.get('schema_static')}->{my.get('schema_static')}")
        status = "" if x.get("status") == y.get("status") else f" [status {x.get('status')}->{y.get('status')}]"
        print(f"{repo:45} {fx:7} {fy:7} {fy - fx:+7}  {', '.join(deltas) or '-'}{status}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--projects", type=Path, default=PROJECTS_FILE)
    ap.add_argument("--checkouts", type=Path, default=ROOT / "checkouts")
    ap.add_argument("--out", type=Path, default=ROOT / "results", help="results root (a run goes to <out>/<label>)")
    ap.add_argument("--checkout", action="store_true", help="materialise the checkouts from the mirrors, then stop")
    ap.add_argument("--mirror-root", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--python", default=sys.executable, help="interpreter whose convexlint is measured")
    ap.add_argument("--label", default="run")
    ap.add_argument("--only", action="append", help="only projects whose repo contains this (repeatable)")
    ap.add_argument("--jobs", type=int, default=1, help="convexlint worker processes per project")
    ap.add_argument("--sample", type=int, default=5, help="findings per rule in sample.md")
    ap.add_argument("--preview", action="store_true", help="also run rules in preview (to measure rules moved there)")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"))
    args = ap.parse_args(argv)

    if args.compare:
        compare(args.out, *args.compare)
        return 0
    projects = [p for p in load_projects(args.projects) if not args.only or any(o in p["repo"] for o in args.only)]
    if args.checkout:
        for p in projects:
            print(f"{p['repo']:50} {checkout(p, args.mirror_root, args.checkouts)}", flush=True)
        return 0

    out = args.out / args.label
    (out / "findings").mkdir(parents=True, exist_ok=True)
    summaries, per_project = [], {}
    for p in projects:
        root = args.checkouts / slug(p["repo"])
        if not (root / MARKER).is_file():
            print(f"{p['repo']:50} no checkout (run --checkout)", flush=True)
            continue
        summary, findings = run_project(p, args.python, root, args.jobs, args.preview)
        summaries.append(summary)
        per_project[p["repo"]] = findings
        (out / "findings" / f"{slug(p['repo'])}.json").write_text(json.dumps(findings, indent=1), encoding="utf-8")
        total = summary["model"].get("total", {})
        print(
            f"{p['repo']:50} {summary['status']:8} {summary['elapsed']:7.1f}s {summary['findings']:6} findings  "
            f"functions {total.get('functions_known', '?')} seen / {summary['text']['handlers'] + summary['text']['fluent']} in text",
            flush=True,
        )
    meta = {"label": args.label, "python": args.python, "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
    (out / "summary.json").write_text(json.dumps({**meta, "projects": summaries}, indent=1), encoding="utf-8")
    write_sample(out, per_project, args.checkouts, args.sample)
    print(f"\nwrote {out / 'summary.json'} and {out / 'sample.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
