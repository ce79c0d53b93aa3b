"""User documentation generated from the rule records: one Markdown page per rule.

``docs/rules/<id>.md`` is built from ``rules/<id>.yaml`` alone (title, category, default
severity, status, fix, rationale, help, options, fix safety, examples, differences from the
ESLint plugin, sources), and ``docs/rules/README.md`` indexes every rule. The records cite
their sources with short internal codes (``S000`` … ``S004`` for the seed coding guides,
``GL``, ``BP``, ``BE``, ``ESL``); pages spell every one out in words, with a link where the
source is published. ``convexlint rule <id>`` prints the same page.

Regenerate the pages (and the list of fixable rules in ``docs/fixes.md``) with
``python -m convexlint.docs`` (``--check`` only reports which pages are stale, missing or
extra, exiting 1 if any). Output is deterministic: rules sorted
as in the README's table, no timestamps.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from convexlint.records import RuleRecord, load_records

#: Where the pages live in a checkout: ``<repo>/docs/rules``.
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "docs" / "rules"
#: The command that regenerates the pages (quoted by the stale-page check).
REGENERATE = "python -m convexlint.docs"
#: The first line of every generated file (not part of what ``convexlint rule`` prints).
GENERATED_NOTE = "<!-- Generated from rules/{source} by `python -m convexlint.docs`; do not edit by hand. -->\n\n"

#: The seed coding guides (unpublished AI-assistant skill and agent files for Convex whose
#: rules convexlint checks), by the code the records cite them with: their own titles.
SEED_TITLES = {
    "S000": "Convex Backend Builder",
    "S001": "Convex Backend Development",
    "S002": "Skill: Convex Backend Development",
    "S003": "Convex Expert Agent",
    "S004": "Convex Backend Platform Skill",
}
GUIDELINES_URL = "https://docs.convex.dev/ai"
BEST_PRACTICES_URL = "https://docs.convex.dev/understanding/best-practices/"
ESLINT_PLUGIN_URL = "https://docs.convex.dev/eslint"
#: Sources that are neither a seed guide nor one of the other codes, spelled out.
OTHER_SOURCES = {
    "BE": "An error the Convex backend or CLI raises at deploy time: the linter catches it before a failed deploy",
    "card": "convexlint's own design",
    "convexlint": "convexlint's own design",
    "TypeScript": "TypeScript's type checker, which rejects the same code",
    "docs: runtimes": "[Convex documentation: Runtimes](https://docs.convex.dev/functions/runtimes)",
    "Biome files.maxSize": "[Biome's `files.maxSize` setting](https://biomejs.dev/reference/configuration/)",
}
#: The codes no page may show bare (outside code blocks); ``tests/test_docs.py`` checks it.
INTERNAL_CODE = re.compile(r"\b(?:S00\d|GL|BP|BE|ESL)\b")
_LIST_HEADINGS = r"NEVER|ALWAYS|DO/DON'T|DON'T|DO|CRITICAL"


def _table_order(record: RuleRecord) -> tuple:
    """The README rule table's order: by category, meta rules last, then by id."""
    return (record.category == "meta", record.category, record.id)


def _guide(code: str) -> str:
    return f"the “{SEED_TITLES[code]}” coding guide"


def plain_prose(text: str) -> str:
    """``text`` (a record's rationale, help or differences) with every internal source code
    replaced by words: ``S000 NEVER: "…"`` → ``the “Convex Backend Builder” coding guide,
    under NEVER: "…"``; ``S003's`` → ``the “Convex Expert Agent” coding guide's``; a
    parenthesised ``(GL)`` is dropped (the sentence already names the source); a bare
    ``GL``/``BP``/``BE``/``ESL`` becomes its name. A replacement that starts a sentence
    starts with a capital."""

    def seed(m: re.Match) -> str:
        out = _guide(m.group(1)) + (m.group(2) or "")
        if m.group(3):  # "S000 NEVER: …" names the list; "S002's CRITICAL pattern" keeps its wording
            out += f" {m.group(3)}" if m.group(2) else f", under {m.group(3)}"
        start = m.start()
        before = text[:start].rstrip(" \t\n\"'“(")
        if not before or before.endswith((".", "!", "?")) and text[len(before)] in " \t\n":
            out = out[0].upper() + out[1:]
        return out

    text = re.sub(rf"\b(S00[0-4])('s)?(?:\s+({_LIST_HEADINGS})(?![\w/']))?", seed, text)
    text = re.sub(r"\s*\((?:GL|BP|BE|ESL)\)", "", text)
    text = re.sub(r"\b(?:([Tt])he )?([Ss])eeds\b", lambda m: ("The" if (m.group(1) or m.group(2)).isupper() else "the") + " coding guides", text)
    names = {
        "GL": "Convex's AI coding guidelines",
        "BP": "Convex's best practices",
        "BE": "the Convex backend",
        "ESL": "the official ESLint plugin",
    }
    return re.sub(r"\b(GL|BP|BE|ESL)\b", lambda m: names[m.group(1)], text)


def describe_source(source: str) -> str:
    """One entry of a record's ``sources`` in words (Markdown, with a link when the source
    is published). Seed guides are described, not linked: they are not published."""
    m = re.fullmatch(r"(S00[0-4])\b\s*(.*)", source, re.DOTALL)
    if m:
        guide, rest = _guide(m.group(1)), m.group(2).strip()
        guide = guide[0].upper() + guide[1:]
        own = re.fullmatch(r"\(its own (.*)\)", rest)
        heading = re.fullmatch(rf"({_LIST_HEADINGS})\s*(.*)", rest, re.DOTALL)
        if not rest:
            return guide
        if own:
            thing = own.group(1) if own.group(1) == "example" else f"`{own.group(1)}`"
            return f"{guide}: its own {thing} breaks this rule"
        if heading:
            return f"{guide}, under {heading.group(1)}" + (f": {heading.group(2)}" if heading.group(2) else "")
        return f"{guide}: {rest}"
    code, _, rest = source.partition(" ")
    rest = rest.strip()
    if code == "GL":
        return f"[Convex's AI coding guidelines]({GUIDELINES_URL})" + (f": {rest}" if rest else "")
    if code == "BP":
        return f"[Convex's best practices]({BEST_PRACTICES_URL})" + (f": {rest}" if rest else "")
    if code == "ESL":
        pr = re.fullmatch(r"PR #(\d+)", rest)
        if pr:
            return f"A rule proposed for the [official ESLint plugin]({ESLINT_PLUGIN_URL}) (`@convex-dev/eslint-plugin`, pull request #{pr.group(1)})"
        if rest:
            return f"The [official ESLint plugin]({ESLINT_PLUGIN_URL})'s `@convex-dev/{rest}` rule"
        return f"The [official ESLint plugin]({ESLINT_PLUGIN_URL}) (`@convex-dev/eslint-plugin`)"
    if source in OTHER_SOURCES:
        return OTHER_SOURCES[source]
    return plain_prose(source)


def _inline(value: Any) -> str:
    """``value`` as the configuration file would spell it, flow style (``{style: and}``,
    ``false``, ``[query, mutation]``)."""
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**6, allow_unicode=True).strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")].strip()
    return text


def _code_span(text: str) -> str:
    """``text`` as a Markdown code span, however many backticks it holds."""
    runs = [len(r) for r in re.findall(r"`+", text)]
    ticks = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _cell(text: str) -> str:
    """``text`` fit for one Markdown table cell: one line, ``|`` escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _fence(code: str, path: str | None) -> list[str]:
    runs = [len(r) for r in re.findall(r"^\s*(`{3,})", code, re.MULTILINE)]
    ticks = "`" * max(3, max(runs, default=0) + 1)
    suffix = Path(path).suffix.lstrip(".") if path else "ts"
    lang = {"ts": "ts", "mts": "ts", "cts": "ts", "tsx": "tsx", "js": "js", "jsx": "jsx", "json": "json", "yaml": "yaml"}.get(suffix, "")
    return [f"{ticks}{lang}", code.rstrip("\n"), ticks]


def _example(example: Any) -> list[str]:
    """The Markdown of one record example: its note, options, file path(s) and code. A
    multi-file example shows every file, the linted one last."""
    if isinstance(example, str):
        example = {"code": example}
    out: list[str] = []
    if example.get("note"):
        note = example["note"].rstrip(".")
        out += [note[:1].upper() + note[1:] + ".", ""]
    options = f"with options {_code_span(_inline(example['options']))}" if example.get("options") else ""
    path = example.get("path")
    files = dict(example.get("files", {}))
    if "code" in example:
        files.pop(path or "convex/example.ts", None)
        files[path or "convex/example.ts"] = example["code"]
    if len(files) == 1 and "code" in example:
        if path or options:
            label = f"`{path}` {options}".strip() if path else options[:1].upper() + options[1:]
            out += [f"{label}:", ""]
        out += _fence(example["code"], path)
    else:
        linted = path or "convex/example.ts"
        if options:
            out += [f"{options[:1].upper() + options[1:]}:", ""]
        ordered = [p for p in files if p != linted] + [linted]
        for p in ordered:
            label = f"`{p}` (the file linted):" if p == linted else f"`{p}`:"
            out += [label, ""] + _fence(files[p], p) + [""]
        out.pop()
    also = example.get("also") or []
    if also:
        out += ["", "Also reported: " + ", ".join(f"[`{r}`]({r}.md)" for r in also) + "."]
    return out


def _split_rationale(rationale: str) -> tuple[list[str], str | None]:
    """The rationale's paragraphs, and its "Fix safety:" paragraph's text (None if absent)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", rationale.strip()) if p.strip()]
    safety = None
    rest = []
    for p in paragraphs:
        if p.startswith("Fix safety:"):
            safety = p[len("Fix safety:") :].strip()
        else:
            rest.append(p)
    return rest, safety


def rule_page(record: RuleRecord) -> str:
    """The Markdown documentation of one rule (what ``convexlint rule <id>`` prints and
    ``docs/rules/<id>.md`` holds below its generated-file note). Deterministic."""
    r = record
    fix = {"none": "none", "safe": "safe (applied by `--fix`)", "unsafe": "unsafe (applied by `--fix --unsafe-fixes`)"}[r.fix]
    out = [
        f"# {r.id}: {r.title}",
        "",
        "| | |",
        "|---|---|",
        f"| Rule | `{r.id}` |",
        f"| Category | {r.category} |",
        f"| Default severity | {r.severity} |",
        f"| Status | {r.status} |",
        f"| Fix | {fix} |",
    ]
    if r.eslint:
        out.append(f"| ESLint equivalent | `{r.eslint}` |")
    out.append("")
    if r.preview:
        out += [
            f"**Preview:** this rule is off unless you enable it: pass `--preview` (every preview rule), set "
            f"`preview: true` in the configuration, select it by id (`--select {r.id}`), or give it a severity "
            f"in the configuration (`rules: {{{r.id}: {r.severity}}}`). See [Configuration](../configuration.md).",
            "",
        ]
    paragraphs, safety = _split_rationale(r.rationale)
    out += ["## What it does and why it matters", ""]
    for p in paragraphs:
        out += [plain_prose(p), ""]
    scope = {
        "server": "It checks server code (the Convex functions directory and the code it imports).",
        "client": "It checks client code (the code that calls your Convex functions).",
        "any": "It checks both server and client code.",
    }.get(r.scope)
    notes = [scope] if scope else []
    if not r.tests:
        notes.append(
            "It does not report in test files (`*.test.*`, `*.spec.*`, `__tests__/`), which Convex never deploys; "
            f"`rules: {{{r.id}: {{tests: true}}}}` in the configuration turns it on for them."
        )
    if r.requires_convex:
        version = ".".join(map(str, r.requires_convex)).removesuffix(".0")
        notes.append(f"It applies to projects on `convex` {version} or later; on an older version it reports nothing.")
    if notes:
        out += [" ".join(notes), ""]
    out += ["## How to fix", "", plain_prose(r.help.strip()), ""]
    if r.options:
        out += [
            "## Options",
            "",
            "| Option | Type | Default | Allowed values | Description |",
            "|---|---|---|---|---|",
        ]
        for name, spec in r.options.items():
            allowed = ""
            if "enum" in spec:
                allowed = ", ".join(_code_span(_inline(v)) for v in spec["enum"])
            elif isinstance(spec.get("items"), dict) and "enum" in spec["items"]:
                allowed = "a list of: " + ", ".join(_code_span(_inline(v)) for v in spec["items"]["enum"])
            elif isinstance(spec.get("items"), dict) and "type" in spec["items"]:
                allowed = f"a list of {spec['items']['type']}s"
            out.append(
                f"| `{name}` | {spec['type']} | {_cell(_code_span(_inline(spec['default'])))} | {_cell(allowed)} | {_cell(plain_prose(spec['description']))} |"
            )
        name, spec = next(iter(r.options.items()))
        out += [
            "",
            "Set options in the configuration file:",
            "",
            "```yaml",
            "rules:",
            f"  {r.id}:",
            f"    options: {{{name}: {_inline(spec['default'])}}}",
            "```",
            "",
        ]
    out += ["## Fix safety", ""]
    if r.fix == "none":
        out += ["This rule has no fix.", ""]
    else:
        kind = "safe: `--fix` applies it" if r.fix == "safe" else "unsafe: it may change behaviour, so only `--fix --unsafe-fixes` applies it"
        out += [f"The fix is {kind}. See [Fixes](../fixes.md).", ""]
        if safety:
            out += [plain_prose(safety[:1].upper() + safety[1:]), ""]
    for kind, heading in (("bad", "Examples of code this rule reports"), ("good", "Examples of code it accepts")):
        examples = r.examples.get(kind) or []
        if not examples:
            continue
        out += [f"## {heading}", ""]
        for i, ex in enumerate(examples, 1):
            out += [f"### {'Reported' if kind == 'bad' else 'Accepted'} {i}", ""] + _example(ex) + [""]
    if r.differences:
        out += ["## Differences from ESLint", "", plain_prose(r.differences.strip()), ""]
    if r.eslint:
        out += [
            "## ESLint equivalent",
            "",
            f"`{r.eslint}` in the [official ESLint plugin]({ESLINT_PLUGIN_URL}) (`@convex-dev/eslint-plugin`). "
            f"Existing `eslint-disable` comments that name `{r.eslint}` also suppress this rule; see "
            "[Suppressions](../suppressions.md).",
            "",
        ]
    out += ["## Sources", ""]
    out += [f"- {describe_source(s)}" for s in r.sources]
    if any(re.match(r"S00[0-4]\b", s) for s in r.sources):
        out += [
            "",
            "Coding guides are the Convex coding-assistant guides (skill and agent files) whose advice "
            "convexlint checks; they are not published, so they are named rather than linked.",
        ]
    return "\n".join(out).rstrip("\n") + "\n"


def index_page(records: dict[str, RuleRecord]) -> str:
    """The Markdown index of every rule (``docs/rules/README.md``), ordered as the README's
    rule table: by category, meta rules last, then by id."""
    out = [
        "# Rules",
        "",
        "Every convexlint rule, with its category, default severity, status and fix. Each page says what the rule "
        "reports and why, how to fix it, its options and examples. `convexlint rule <id>` prints the same page.",
        "",
        "Rules in *preview* are off unless you pass `--preview`, set `preview: true`, or enable them by id; "
        "see [Configuration](../configuration.md). A *safe* fix is applied by `--fix`, an *unsafe* one only "
        "with `--unsafe-fixes`; see [Fixes](../fixes.md).",
        "",
        "| rule | category | severity | status | fix | what it flags |",
        "|---|---|---|---|---|---|",
    ]
    for r in sorted(records.values(), key=_table_order):
        fix = "" if r.fix == "none" else r.fix
        out.append(f"| [`{r.id}`]({r.id}.md) | {r.category} | {r.severity} | {r.status} | {fix} | {_cell(r.title)} |")
    return "\n".join(out) + "\n"


#: The markers around the generated list of fixable rules in ``docs/fixes.md``.
FIXES_MARKERS = ("<!-- fixable-rules:start -->\n", "<!-- fixable-rules:end -->")


def fixes_table(records: dict[str, RuleRecord]) -> str:
    """The Markdown table of the rules that have a fix (``fix: safe|unsafe``), in the
    README table's order, for ``docs/fixes.md``."""
    out = ["| rule | fix | applied by |", "|---|---|---|"]
    for r in sorted(records.values(), key=_table_order):
        if r.fix != "none":
            by = "`--fix`" if r.fix == "safe" else "`--fix --unsafe-fixes`"
            out.append(f"| [`{r.id}`](rules/{r.id}.md) | {r.fix} | {by} |")
    return "\n".join(out) + "\n"


def with_fixes_table(guide: str, records: dict[str, RuleRecord] | None = None) -> str:
    """``guide`` (the text of ``docs/fixes.md``) with the table between ``FIXES_MARKERS``
    regenerated. Raises ``ValueError`` when the markers are missing."""
    start, end = FIXES_MARKERS
    i, j = guide.find(start), guide.find(end)
    if i < 0 or j < i:
        raise ValueError(f"docs/fixes.md lost its markers {start.strip()} … {end}")
    return guide[: i + len(start)] + fixes_table(load_records() if records is None else records) + guide[j:]


def expected_files(records: dict[str, RuleRecord] | None = None) -> dict[str, str]:
    """Every file ``docs/rules/`` should hold: ``{file name: text}``, sorted by name."""
    records = load_records() if records is None else records
    files = {f"{r.id}.md": GENERATED_NOTE.format(source=f"{r.id}.yaml") + rule_page(r) for r in records.values()}
    files["README.md"] = GENERATED_NOTE.format(source="*.yaml") + index_page(records)
    return dict(sorted(files.items()))


def stale_files(directory: Path, records: dict[str, RuleRecord] | None = None) -> list[str]:
    """What is wrong with ``directory`` against the records, one line each (empty when it is
    up to date): ``<name>: missing``, ``<name>: out of date``, ``<name>: no such rule``
    (a ``.md`` page for a rule that no longer exists)."""
    expected = expected_files(records)
    problems = []
    present = {p.name for p in directory.glob("*.md")} if directory.is_dir() else set()
    for name, text in expected.items():
        if name not in present:
            problems.append(f"{name}: missing")
        elif (directory / name).read_text(encoding="utf-8") != text:
            problems.append(f"{name}: out of date")
    problems += [f"{name}: no such rule" for name in sorted(present - set(expected))]
    return problems


def write_files(directory: Path, records: dict[str, RuleRecord] | None = None) -> list[str]:
    """Make ``directory`` hold exactly the generated pages: write the missing and stale
    ones, delete ``.md`` files for rules that no longer exist. Returns the changed names."""
    directory.mkdir(parents=True, exist_ok=True)
    expected = expected_files(records)
    changed = []
    for name, text in expected.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            changed.append(name)
    for path in sorted(directory.glob("*.md")):
        if path.name not in expected:
            path.unlink()
            changed.append(path.name)
    return changed


def main(argv: list[str] | None = None) -> int:
    """``python -m convexlint.docs [--check] [DIRECTORY]``: write (or check) the rule pages.
    Exit 0 when written or up to date, 1 when ``--check`` finds a problem."""
    parser = argparse.ArgumentParser(prog="python -m convexlint.docs", description="Generate docs/rules/*.md from the rule records.")
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR, help="where the pages go (default: docs/rules in the checkout)")
    parser.add_argument("--check", action="store_true", help="write nothing; list pages that are missing, out of date or extra")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale_files(args.directory)
        for p in problems:
            print(p)
        if problems:
            print(f"run `{REGENERATE}` to regenerate them", file=sys.stderr)
        return 1 if problems else 0
    changed = write_files(args.directory)
    guide = args.directory.parent / "fixes.md"
    if guide.is_file():
        text = guide.read_text(encoding="utf-8")
        if with_fixes_table(text) != text:
            guide.write_text(with_fixes_table(text), encoding="utf-8", newline="\n")
            changed.append(str(guide))
    print(f"{len(changed)} file(s) changed" + (": " + ", ".join(changed) if changed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
