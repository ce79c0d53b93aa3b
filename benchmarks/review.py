"""Precision review of stable rules on the real-code harness (see benchmarks/realworld.py).

For every stable rule, a fixed-seed uniform sample of up to 15 of its findings on the
harness projects is read by a reviewer and judged:

- ``TP``: a real problem an expert on Convex would change the code for;
- ``FP``: the finding's claim is false here (the rule misread the code or the project);
- ``noise``: the claim is true but not worth acting on here (a demo, a deliberate choice
  the code explains, a duplicate of another finding on the same line).

The verdicts live in ``benchmarks/review/<rule>.yaml`` (a list of ``project``, ``path``,
``line``, ``verdict``, ``reason``: paths and lines only, never copied code). ``table``
turns them into ``benchmarks/review/precision.md``; the targets come from the rule issue:
an error-severity rule has no FP in its sample and at least 90% TP, a stable warning at
least 80% TP.

Usage::

    # the sample, with code frames for the reviewer (git-ignored) and a log skeleton
    python benchmarks/review.py sample --label review [--rules a,b]

    # the precision table from the verdicts (and each rule's totals in two harness runs)
    python benchmarks/review.py table --label review --before before
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "realworld" / "results"
CHECKOUTS = HERE / "realworld" / "checkouts"
WORK = HERE / "realworld" / "review-work"  # code frames for reviewers: git-ignored
LOG = HERE / "review"
SAMPLE_SIZE = 15
VERDICTS = ("TP", "FP", "noise")
TARGETS = {"error": (0.90, 0), "warning": (0.80, None), "info": (0.80, None)}

sys.path.insert(0, str(HERE.parent))


def slug(repo: str) -> str:
    return repo.replace("/", "+")


def stable_rules() -> dict[str, dict]:
    """id -> record of every stable rule (from ``rules/``), and of every rule the review
    moved to preview (its record has ``review:``)."""
    out = {}
    for path in sorted((HERE.parent / "rules").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("status", "stable") == "stable" or "review" in data:
            out[data["id"]] = data
    return out


def findings_by_rule(label: str) -> dict[str, list[tuple[str, dict]]]:
    """rule -> [(repo, finding)], in a stable order (repo, path, line, column)."""
    summary = json.loads((RESULTS / label / "summary.json").read_text(encoding="utf-8"))
    by_rule: dict[str, list[tuple[str, dict]]] = {}
    for repo in sorted(p["repo"] for p in summary["projects"]):
        path = RESULTS / label / "findings" / f"{slug(repo)}.json"
        if not path.exists():
            continue
        for f in json.loads(path.read_text(encoding="utf-8")):
            by_rule.setdefault(f["rule"], []).append((repo, f))
    for items in by_rule.values():
        items.sort(key=lambda rf: (rf[0], rf[1]["path"], rf[1]["line"], rf[1]["column"]))
    return by_rule


def sample(items: list, rule: str, n: int = SAMPLE_SIZE) -> list:
    """A uniform sample of up to ``n`` items, the same for the same items (seeded by the rule id)."""
    return sorted(random.Random(rule).sample(items, min(n, len(items))), key=items.index)


def frame(repo: str, path: str, line: int, end_line: int, before: int = 12, after: int = 12) -> str:
    try:
        lines = (CHECKOUTS / slug(repo) / path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(file unreadable)"
    lo, hi = max(1, line - before), min(len(lines), max(line, end_line) + after)
    mark = range(line, max(line, end_line) + 1)
    return "\n".join(f"{'>' if n in mark else ' '}{n:5} | {lines[n - 1]}" for n in range(lo, hi + 1))


def cmd_sample(args) -> None:
    rules = stable_rules()
    wanted = set(args.rules.split(",")) if args.rules else set(rules)
    by_rule = findings_by_rule(args.label)
    WORK.mkdir(parents=True, exist_ok=True)
    LOG.mkdir(parents=True, exist_ok=True)
    for rule in sorted(wanted & set(rules)):
        items = by_rule.get(rule, [])
        chosen = sample(items, rule)
        parts = [f"# {rule}: {len(chosen)} of {len(items)} findings (harness run `{args.label}`)\n"]
        skeleton = []
        for i, (repo, f) in enumerate(chosen, 1):
            where = f"{CHECKOUTS / slug(repo) / f['path']}"
            parts.append(f"\n## {i}. {repo} — `{f['path']}:{f['line']}`\n\nfile: {where}\n\n{f['message']}\n")
            parts.append("\n```ts\n" + frame(repo, f["path"], f["line"], f.get("end_line", f["line"])) + "\n```\n")
            skeleton.append({"project": repo, "path": f["path"], "line": f["line"], "verdict": None, "reason": None})
        (WORK / f"{rule}.md").write_text("".join(parts), encoding="utf-8")
        target = LOG / f"{rule}.yaml"
        if skeleton and (args.force or not target.exists()):
            target.write_text(yaml.safe_dump(skeleton, sort_keys=False, allow_unicode=True), encoding="utf-8")
        print(f"{rule}: {len(chosen)} of {len(items)} -> {WORK / (rule + '.md')}")


def load_log(rule: str) -> list[dict] | None:
    path = LOG / f"{rule}.yaml"
    if not path.exists():
        return None
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for e in entries:
        if e.get("verdict") not in VERDICTS:
            raise SystemExit(f"{path}: {e.get('path')}:{e.get('line')}: verdict must be one of {VERDICTS}, not {e.get('verdict')!r}")
        if not e.get("reason"):
            raise SystemExit(f"{path}: {e.get('path')}:{e.get('line')}: a verdict needs a one-line reason")
    return entries


def precision_rows(label: str, before: str | None) -> list[dict]:
    rules = stable_rules()
    now = {r: len(v) for r, v in findings_by_rule(label).items()}
    then = {r: len(v) for r, v in findings_by_rule(before).items()} if before else {}
    rows = []
    for rule, record in rules.items():
        entries = load_log(rule)
        counts = Counter(e["verdict"] for e in entries or [])
        n = sum(counts.values())
        severity = record["severity"]
        tp_target, fp_limit = TARGETS[severity]
        notes = yaml.safe_load((LOG / "notes.yaml").read_text(encoding="utf-8")) if (LOG / "notes.yaml").exists() else {}
        if n == 0:
            status = "no findings on the harness: fixtures only" if not now.get(rule) else "not reviewed"
        else:
            ok = counts["TP"] / n >= tp_target and (fp_limit is None or counts["FP"] <= fp_limit)
            status = "meets target" if ok else "below target"
        if record.get("status") == "preview":
            status += "; moved to preview"
        elif "review" in record and rule not in notes:
            status += f"; now {severity}"
        if rule in notes:
            status += f"; {notes[rule]}"
        rows.append(
            {
                "rule": rule,
                "severity": severity,
                "before": then.get(rule, 0),
                "after": now.get(rule, 0),
                "sample": n,
                "TP": counts["TP"],
                "FP": counts["FP"],
                "noise": counts["noise"],
                "precision": counts["TP"] / n if n else None,
                "status": status,
            }
        )
    return rows


def cmd_table(args) -> None:
    rows = precision_rows(args.label, args.before)
    out = [
        "# Precision of stable rules on the real-code harness\n\n",
        f"Generated by `python benchmarks/review.py table --label {args.label}"
        + (f" --before {args.before}`" if args.before else "`")
        + ". Findings: the harness total per rule"
        + (f" in run `{args.before}` (before) and `{args.label}` (after)" if args.before else f" in run `{args.label}`")
        + f". Sample: up to {SAMPLE_SIZE} findings per rule, seeded by the rule id; verdicts and reasons"
        " in `benchmarks/review/<rule>.yaml`. Targets: error, no FP and ≥ 90% TP; warning, ≥ 80% TP.\n\n",
        "Severity and status are the record's now (after the review); the verdicts are of the sample as drawn.\n\n",
        "| rule | severity | findings before | findings after | sample | TP | FP | noise | TP % | status |\n",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n",
    ]
    for r in rows:
        pct = f"{100 * r['precision']:.0f}%" if r["precision"] is not None else "—"
        out.append(
            f"| `{r['rule']}` | {r['severity']} | {r['before'] if args.before else '—'} | {r['after']} | {r['sample']} "
            f"| {r['TP']} | {r['FP']} | {r['noise']} | {pct} | {r['status']} |\n"
        )
    (LOG / "precision.md").write_text("".join(out), encoding="utf-8")
    print("".join(out))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--label", required=True)
    s.add_argument("--rules")
    s.add_argument("--force", action="store_true", help="overwrite existing verdict files")
    t = sub.add_parser("table")
    t.add_argument("--label", required=True)
    t.add_argument("--before")
    args = ap.parse_args(argv)
    {"sample": cmd_sample, "table": cmd_table}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
