"""Every message a rule prints comes from its record (issue 9, "Messages from the record").

Records declare ``messages:`` (keyed templates with ``{{ name }}`` placeholders); rules
report a key and the placeholder values. These tests lint every fixture project, every
bad record example and a few engine-owned cases, then map each printed message back to
the template it came from: every printed message must match one of its rule's templates,
and every template must be printed by at least one test case.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from convexlint.records import PLACEHOLDER, RecordError, load_records, placeholders
from convexlint.rules import IMPLEMENTATIONS

from conftest import FIXTURES, REPO, lint, write_files
from test_fixtures import FIXTURE_RULES
from test_records import _materialise

RECORDS = load_records()
RULES_DIR = REPO / "convexlint" / "rules"


def _pattern(template: str) -> re.Pattern[str]:
    pieces, last = [], 0
    for m in PLACEHOLDER.finditer(template):
        pieces.append(re.escape(template[last : m.start()]))
        pieces.append("(.+?)")
        last = m.end()
    pieces.append(re.escape(template[last:]))
    return re.compile("".join(pieces), re.DOTALL)


PATTERNS = {rid: {key: _pattern(t) for key, t in r.messages.items()} for rid, r in RECORDS.items()}


def _keys_of(rule: str, message: str) -> set[str]:
    return {key for key, p in PATTERNS[rule].items() if p.fullmatch(message)}


def _engine_cases(root: Path, monkeypatch) -> list:
    """Diagnostics of the engine-owned rules, one case per message key."""
    write_files(
        root,
        {
            "convex/_generated/server.d.ts": "export {};\n",
            "convex/missing.ts": "export const x = f(1;\n",
            "convex/unexpected.ts": "export const = ;\n",
            "convex/directives.ts": (
                "// convexlint-disable-next-line no-such-rule\n"
                "export const a = 1;\n"
                "// convexlint-disable-next-line no-filter-in-query\n"
                "export const b = 2;\n"
            ),
        },
    )
    (root / "convex" / "latin1.ts").write_bytes("export const s = 'caf\xe9';\n".encode("latin-1"))
    (root / "convex" / "blob.ts").write_bytes(b"\x89PNG\x00\x00\x00\xff\xfe")
    (root / "convex" / "nuls.ts").write_bytes(b"export const a = 1;\n" + b"\x00" * 200)
    (root / "convex" / "locked.ts").write_text("export const a = 1;\n")
    os.mkfifo(root / "convex" / "pipe.ts")
    (root / "convex" / "big.ts").write_text("export const rows = [" + "1, " * 400_000 + "];\n")
    real_open = os.open

    def fake_open(path, *args, **kwargs):
        if str(path).endswith("locked.ts"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    (root / "convex" / "private").mkdir()
    for name in ("scandir", "listdir"):
        real = getattr(os, name)

        def deny(path=".", *args, _real=real):
            if Path(path).name == "private":
                raise PermissionError(13, "Permission denied", str(path))
            return _real(path, *args)

        monkeypatch.setattr(os, name, deny)
    return lint(["convex"], root, report_unused=True).diagnostics


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Every diagnostic the test inputs produce, as ``(rule, message)`` pairs."""
    out: list[tuple[str, str]] = []
    projects = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())
    for root in projects:
        result = lint([root.relative_to(REPO)], REPO, select=FIXTURE_RULES, preview=True)
        out += [(d.rule, d.message) for d in result.diagnostics]
    for rule_id, record in RECORDS.items():
        for i, example in enumerate(record.examples.get("bad", [])):
            root = tmp_path_factory.mktemp(f"{rule_id}-{i}")
            path, options, _also = _materialise(root, example)
            result = lint([path], root, options={rule_id: options} if options else None, preview=True)
            out += [(d.rule, d.message) for d in result.diagnostics]
    with pytest.MonkeyPatch.context() as monkeypatch:
        diagnostics = _engine_cases(tmp_path_factory.mktemp("engine"), monkeypatch)
    out += [(d.rule, d.message) for d in diagnostics]
    return out


def test_every_printed_message_is_one_of_its_records_templates(printed):
    stray = sorted({(rule, message) for rule, message in printed if not _keys_of(rule, message)})
    assert not stray, "messages not built from the record's templates:\n" + "\n".join(f"{r}: {m}" for r, m in stray)


@pytest.mark.parametrize("rule_id", sorted(RECORDS))
def test_every_message_key_is_printed_by_a_test_case(printed, rule_id):
    used = set().union(*(_keys_of(rule, m) for rule, m in printed if rule == rule_id))
    unused = sorted(set(RECORDS[rule_id].messages) - used)
    assert not unused, f"{rule_id}: no fixture or bad example prints message(s) {unused}"


def test_printed_messages_leak_no_python_values(printed):
    """A placeholder given ``None`` or a list would print Python's spelling of it."""
    leaks = sorted({m for _, m in printed if re.search(r"\bNone\b|\[['\"]|\{'", m)})
    assert not leaks, leaks


# "an" before a consonant sound and "a" before a vowel, in templates and printed text;
# backticked code and these known words are exempt.
_BAD_ARTICLE = re.compile(r"\b(?:an (?=(?!hour|HTTP|HTML|SDK|MB)[b-df-hj-np-tv-zB-DF-HJ-NP-TV-Z])|a (?=(?!uni|use|usu|one)[aeiouAEIOU]))")


def test_articles_agree_with_the_next_word(printed):
    texts = [t for r in RECORDS.values() for t in r.messages.values()] + [m for _, m in printed]
    wrong = sorted({t for t in texts if _BAD_ARTICLE.search(t)})
    assert not wrong, wrong


def test_templates_are_sentences():
    for rid, record in RECORDS.items():
        for key, template in record.messages.items():
            assert template == template.strip() and "  " not in template, (rid, key)
            assert template.rstrip("`)").endswith((".", "?", "!")) or template.endswith((".", ")")), (rid, key)


def _report_calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "report":
            yield node


@pytest.mark.parametrize("rule_id", sorted(IMPLEMENTATIONS))
def test_rules_report_keys_not_text(rule_id):
    """No rule formats a message itself: ``report`` gets a key (a literal, or one chosen
    among literals) and keyword data; every literal key is one the record declares."""
    module = RULES_DIR / f"{rule_id.replace('-', '_')}.py"
    calls = list(_report_calls(module))
    assert calls, f"{module.name} never reports"
    declared = set(RECORDS[rule_id].messages)
    for call in calls:
        for arg in call.args:
            assert not isinstance(arg, ast.JoinedStr), f"{module.name}:{call.lineno} passes formatted text to report"
        literal_keys = set()
        for arg in call.args:
            for choice in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
                if isinstance(choice, ast.Constant) and isinstance(choice.value, str):
                    literal_keys.add(choice.value)
        assert literal_keys <= declared, f"{module.name}:{call.lineno} reports unknown key(s) {sorted(literal_keys - declared)}"


def test_render_rejects_unknown_keys_and_wrong_placeholders():
    record = RECORDS["invalid-cron"]
    assert placeholders(record.messages["not_positive"]) == {"name", "field"}
    assert record.render("not_positive", {"name": "tick", "field": "minutes"}) == "Invalid cron `tick`: `minutes` must be positive."
    with pytest.raises(RecordError, match="no message 'nope'"):
        record.render("nope", {})
    with pytest.raises(RecordError, match="needs \\['field'\\]"):
        record.render("not_positive", {"name": "tick"})
    with pytest.raises(RecordError, match="unexpected \\['extra'\\]"):
        record.render("not_positive", {"name": "tick", "field": "minutes", "extra": 1})
