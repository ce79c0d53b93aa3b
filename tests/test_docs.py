"""The generated rule pages (docs/rules/) and the user guide (docs/) stay true to the records."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from convexlint import docs
from convexlint.records import load_records

from conftest import REPO, run_cli

RECORDS = load_records()
DOCS = REPO / "docs"


def _prose(markdown: str) -> str:
    """``markdown`` without its fenced code blocks."""
    return re.sub(r"^(`{3,})[^\n]*\n.*?^\1[ \t]*$", "", markdown, flags=re.MULTILINE | re.DOTALL)


def test_rule_pages_are_up_to_date():
    problems = docs.stale_files(DOCS / "rules")
    assert not problems, "docs/rules/ does not match the records: " + "; ".join(problems) + f". Run `{docs.REGENERATE}`."


def test_stale_check_finds_missing_outdated_and_extra_pages(tmp_path):
    assert docs.stale_files(tmp_path) == [f"{name}: missing" for name in docs.expected_files()]
    docs.write_files(tmp_path)
    assert docs.stale_files(tmp_path) == []
    (tmp_path / "no-filter-in-query.md").write_text("edited by hand\n")
    (tmp_path / "require-args-validator.md").unlink()
    (tmp_path / "retired-rule.md").write_text("# gone\n")
    assert docs.stale_files(tmp_path) == [
        "no-filter-in-query.md: out of date",
        "require-args-validator.md: missing",
        "retired-rule.md: no such rule",
    ]
    assert docs.main(["--check", str(tmp_path)]) == 1
    assert sorted(docs.write_files(tmp_path)) == ["no-filter-in-query.md", "require-args-validator.md", "retired-rule.md"]
    assert docs.main(["--check", str(tmp_path)]) == 0
    assert not (tmp_path / "retired-rule.md").exists()


def test_check_command_says_how_to_regenerate(tmp_path):
    r = subprocess.run([sys.executable, "-m", "convexlint.docs", "--check", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "README.md: missing" in r.stdout and "python -m convexlint.docs" in r.stderr
    r = subprocess.run([sys.executable, "-m", "convexlint.docs", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0 and docs.stale_files(tmp_path) == []


def test_generation_is_deterministic():
    assert docs.expected_files() == docs.expected_files()
    assert list(docs.expected_files()) == sorted(docs.expected_files())


@pytest.mark.parametrize("name", sorted(docs.expected_files()))
def test_no_page_shows_an_internal_source_code(name):
    text = _prose(docs.expected_files()[name])
    found = docs.INTERNAL_CODE.findall(text)
    assert not found, f"{name} shows internal codes {found}"


def test_the_code_check_sees_codes_outside_code_blocks_only():
    assert docs.INTERNAL_CODE.findall(_prose("S000 says\n```ts\nconst GL = 1;\n```\nBP and ESL\n")) == ["S000", "BP", "ESL"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('S000 NEVER "Use \'and\' in index names"', 'The “Convex Backend Builder” coding guide, under NEVER: "Use \'and\' in index names"'),
        ("S002 (its own example)", "The “Skill: Convex Backend Development” coding guide: its own example breaks this rule"),
        ("S003", "The “Convex Expert Agent” coding guide"),
        ("GL", "[Convex's AI coding guidelines](https://docs.convex.dev/ai)"),
        ("BP", "[Convex's best practices](https://docs.convex.dev/understanding/best-practices/)"),
        ("ESL no-filter-in-query", "The [official ESLint plugin](https://docs.convex.dev/eslint)'s `@convex-dev/no-filter-in-query` rule"),
        ("BE", "An error the Convex backend or CLI raises at deploy time: the linter catches it before a failed deploy"),
    ],
)
def test_sources_are_spelled_out(source, expected):
    assert docs.describe_source(source) == expected


def test_prose_names_sources_in_words():
    text = 'A query. S000 NEVER: "Use filter()"; S003\'s bar; Convex\'s guidelines (GL) agree. The seeds differ.'
    assert docs.plain_prose(text) == (
        'A query. The “Convex Backend Builder” coding guide, under NEVER: "Use filter()"; '
        "the “Convex Expert Agent” coding guide's bar; Convex's guidelines agree. The coding guides differ."
    )


def _page(rule_id: str) -> str:
    return docs.rule_page(RECORDS[rule_id])


def test_page_sections():
    page = _page("index-name-convention")
    assert page.startswith("# index-name-convention: Name indexes after their fields\n")
    assert "| Default severity | error |" in page and "| Fix | safe (applied by `--fix`) |" in page
    # preview: says so and how to enable it
    assert "**Preview:**" in page and "`--preview`" in page and "`--select index-name-convention`" in page
    # options table
    assert "| `style` | string | `underscore` | `underscore`, `and` |" in page
    # the Fix safety paragraph under its own heading, not among the rationale
    what, safety = page.split("## Fix safety", 1)
    assert "Fix safety:" not in page and "Safe, and offered only when every use of the name is visible" in safety
    # examples show their options and path, bad before good
    assert "`convex/schema.ts` with options `{style: and}`:" in safety
    assert safety.index("## Examples of code this rule reports") < safety.index("## Examples of code it accepts")
    assert "- The “Convex Backend Builder” coding guide, under NEVER" in page
    assert "### Reported 1" not in _page("no-filter-in-query").split("## Examples of code this rule reports")[0]


def test_page_without_fix_differences_and_eslint_equivalent():
    page = _page("no-filter-in-query")
    assert "## Fix safety\n\nThis rule has no fix.\n" in page
    assert "## Differences from ESLint\n\nUnlike the ESLint plugin" in page
    assert "## ESLint equivalent\n\n`@convex-dev/no-filter-in-query`" in page
    assert "with options `{allow_after_index: true}`" in page
    assert "**Preview:**" not in page
    assert "It does not report in test files" in page


def test_multi_file_examples_show_every_file():
    record = RECORDS["prefer-internal-function"]
    example = record.examples["good"][1]
    page = docs.rule_page(record)
    for path in example["files"]:
        assert f"`{path}`" in page
    assert f"`{example['path']}` (the file linted):" in page
    assert "Also reported: [`require-internal-reference`](require-internal-reference.md)." in page


def test_index_lists_every_rule_in_table_order():
    index = docs.expected_files()["README.md"]
    linked = re.findall(r"^\| \[`([a-z0-9-]+)`\]\(\1\.md\)", index, re.MULTILINE)
    assert sorted(linked) == sorted(RECORDS)
    table_order = re.findall(r"^\| \[`([a-z0-9-]+)`\]", (REPO / "README.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert linked == table_order


def test_rule_urls_point_at_the_generated_pages():
    for rule_id, record in RECORDS.items():
        assert record.url == f"https://github.com/convexlint/convexlint/blob/main/docs/rules/{rule_id}.md"
        assert (REPO / record.url.split("/blob/main/", 1)[1]).is_file()


def test_no_test_or_doc_uses_the_old_record_url():
    old = "convexlint/blob/main/rules/"
    for path in [*REPO.joinpath("tests").rglob("*"), *DOCS.rglob("*.md"), REPO / "README.md"]:
        if path.is_file() and path.suffix in {".py", ".md", ".json", ".sarif", ".txt"}:
            assert old not in path.read_text(encoding="utf-8", errors="replace") or path.name == "test_docs.py", path


def test_relative_links_in_docs_resolve():
    for page in [*DOCS.rglob("*.md"), REPO / "README.md"]:
        for target in re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", _prose(page.read_text(encoding="utf-8"))):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (page.parent / target).exists(), f"{page.relative_to(REPO)} links to missing {target}"


def test_fixes_guide_lists_the_fixable_rules():
    guide = (DOCS / "fixes.md").read_text(encoding="utf-8")
    assert guide == docs.with_fixes_table(guide), f"docs/fixes.md's list of fixable rules is stale: run `{docs.REGENERATE}`"
    listed = set(re.findall(r"^\| \[`([a-z0-9-]+)`\]", guide, re.MULTILINE))
    assert listed == {r for r, rec in RECORDS.items() if rec.fix != "none"}
    with pytest.raises(ValueError, match="markers"):
        docs.with_fixes_table("no markers here")


def test_docs_index_links_every_guide():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for target in ("rules/README.md", "configuration.md", "suppressions.md", "fixes.md", "ci.md", "baseline.md"):
        assert f"]({target})" in index
    assert "[Baseline (bulk suppressions)](baseline.md)" in index
    usage = (REPO / "README.md").read_text(encoding="utf-8").split("## Usage", 1)[1].split("\n## ", 1)[0]
    assert "(docs/README.md)" in usage and "(docs/rules/README.md)" in usage


def test_rule_command_prints_the_page(tmp_path):
    r = run_cli("rule", "index-name-convention", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    record = RECORDS["index-name-convention"]
    assert r.stdout == docs.rule_page(record) + f"\nDocumentation: {record.url}\n"
    assert "with options `{style: and}`" in r.stdout


def test_rule_command_unknown_rule_exits_2(tmp_path):
    r = run_cli("rule", "no-filter-in-querry", cwd=tmp_path)
    assert r.returncode == 2 and "did you mean `no-filter-in-query`" in r.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_rule_command_renders_markdown_on_a_terminal(tmp_path):
    main, child = os.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "convexlint", "rule", "no-filter-in-query"], stdout=child, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    out = b"".join(chunks).decode("utf-8", "replace")
    assert "\x1b[" in out  # rendered with styles
    assert "## What it does" not in out and "What it does and why it matters" in out  # headings rendered, not raw
    assert "allow_after_index: true" in out
