"""The seed documents' own code examples (``../shared/seeds``) as real test input.

Each fenced TypeScript block becomes a small project: blocks with
``// ============ convex/x.ts ============`` section headers are split into those files;
a block starting with a ``// convex/x.ts`` comment goes to that path; anything else to
``convex/snippet.ts`` (client code importing ``convex/react`` to ``src/snippet.tsx``). Some seed examples break the seeds' own rules, and convexlint must
say so (S002's ``by_author_and_published`` and its ``api.actions.sendWelcomeEmail``
scheduling, S003's ``http.ts`` responses without CORS headers).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SHARED, lint, write_files
from test_fixtures import FIXTURE_RULES

SEEDS = SHARED / "seeds"
_FENCE = re.compile(r"```(?:typescript|ts|tsx)\n(.*?)```", re.DOTALL)
_SECTION = re.compile(r"^// =+ (convex/[\w/.-]+\.tsx?) =+$", re.MULTILINE)
_LEADING_PATH = re.compile(r"^//\s*((?:convex|src|app)/[\w/.\[\]-]+\.tsx?)\s*$")


def seed_blocks(prefix: str) -> list[dict[str, str]]:
    """The code blocks of seed ``prefix`` (e.g. "002"), each as {path: code}."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    blocks = []
    for code in _FENCE.findall(path.read_text(encoding="utf-8")):
        sections = _SECTION.split(code)
        if len(sections) > 1:
            files = {}
            for name, body in zip(sections[1::2], sections[2::2]):
                files[name] = files.get(name, "") + body
            blocks.append(files)
            continue
        first = code.lstrip().splitlines()[0] if code.strip() else ""
        m = _LEADING_PATH.match(first)
        default = "src/snippet.tsx" if '"convex/react"' in code else "convex/snippet.ts"
        blocks.append({m.group(1) if m else default: code})
    return blocks


def lint_seed(prefix: str, tmp_path: Path) -> list[tuple[int, str, str, str]]:
    """Lint every block of a seed; returns (block index, path, rule, source line) tuples."""
    out = []
    for i, files in enumerate(seed_blocks(prefix)):
        root = tmp_path / f"block{i}"
        write_files(root, files)
        result = lint(sorted(files), root, select=FIXTURE_RULES, preview=True)
        for d in result.diagnostics:
            line = files[d.path].splitlines()[d.span.start_line - 1].strip()
            out.append((i, d.path, d.rule, line))
    return out


pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")


def has(findings, rule: str, snippet: str) -> bool:
    return any(r == rule and snippet in line for _, _, r, line in findings)


def test_s002_flags_its_own_violations(tmp_path):
    findings = lint_seed("002", tmp_path)
    assert has(findings, "index-name-convention", '.index("by_author_and_published"')
    assert has(findings, "require-internal-reference", "api.actions.sendWelcomeEmail")
    assert has(findings, "require-internal-reference", "api.mutations.markEmailSent")
    # The "Correct - schedule action" example still schedules a public function.
    assert has(findings, "require-internal-reference", "ctx.scheduler.runAfter(0, api.actions.sendEmail, args)")
    # Its CORS examples carry CORS_HEADERS (defined in another block): never guessed at.
    assert not any(r == "http-action-cors" for _, _, r, _ in findings)


def test_s003_stripe_webhook_needs_no_cors(tmp_path):
    # S003's route is Stripe's webhook (/webhooks/stripe, verified by `stripe-signature`): a
    # server calls it, not a browser, and nothing in the project says otherwise (no OPTIONS
    # route, no CORS header on any of its responses), so its responses need no CORS headers.
    findings = lint_seed("003", tmp_path)
    assert [line for _, path, r, line in findings if r == "http-action-cors"] == []
    # The seed's functions have no `returns` validators.
    assert has(findings, "require-returns-validator", "export const list = query({")


def test_s000_index_names_that_drop_fields(tmp_path):
    findings = lint_seed("000", tmp_path)
    assert has(findings, "index-name-convention", '.index("by_category", ["categoryId"])')
    assert has(findings, "index-name-convention", '.index("by_category_active"')
    assert not has(findings, "index-name-convention", '.index("by_slug"')
    assert not has(findings, "index-name-convention", '.index("by_clerkId"')


def test_s001_and_s004_examples(tmp_path):
    s001 = lint_seed("001", tmp_path / "s001")
    assert has(s001, "require-returns-validator", "export const list = query({")
    assert not any(r in ("no-filter-in-query", "require-internal-reference") for _, _, r, _ in s001)
    s004 = lint_seed("004", tmp_path / "s004")
    assert has(s004, "require-returns-validator", "export const list = query({")


def path_of(findings, rule):
    return {p for _, p, r, _ in findings if r == rule}


def test_no_seed_block_crashes_or_has_unexpected_syntax_errors(tmp_path):
    for prefix in ("000", "001", "002", "003", "004"):
        findings = lint_seed(prefix, tmp_path / prefix)
        # S001's action example elides an argument as `{...}`; nothing else is broken.
        broken = {line for _, _, r, line in findings if r == "syntax-error"}
        assert all("{...}" in line for line in broken), broken
