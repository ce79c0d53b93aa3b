"""Rule records: well-formed, one per implementation, and their examples are tests
(bad examples fire exactly that rule, good ones leave it silent)."""

from __future__ import annotations

import pytest
import yaml

from convexlint.records import RecordError, load_records, parse_record, records_dir
from convexlint.rules import IMPLEMENTATIONS, META_RULES

from conftest import lint, write_files

RECORDS = load_records()
NO_EXAMPLES = {"unreadable-file": "needs bytes that are not UTF-8; tested in test_cli.py",
               "file-too-large": "needs a file over the size limit; tested in test_input_hardening.py",
               "unused-suppression": "needs --report-unused-disables; tested in test_suppressions.py"}


def test_every_implementation_has_a_record_and_vice_versa():
    assert set(IMPLEMENTATIONS) | set(META_RULES) == set(RECORDS)


def test_documented_overlaps_name_real_rules():
    for record in RECORDS.values():
        for ex in record.examples.get("bad", []):
            if isinstance(ex, dict):
                assert set(ex.get("also", [])) <= set(RECORDS) - {record.id}


def test_record_ids_match_file_names():
    for path in records_dir().glob("*.yaml"):
        assert yaml.safe_load(path.read_text())["id"] == path.stem


@pytest.mark.parametrize("path", sorted(records_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_every_record_matches_the_record_schema(path):
    """Runs load records without jsonschema (for start-up time); this is where they are checked."""
    assert parse_record(path, validate=True) == RECORDS[path.stem]


def test_unknown_record_key_is_an_error(tmp_path):
    src = (records_dir() / "syntax-error.yaml").read_text()
    bad = tmp_path / "syntax-error.yaml"
    bad.write_text(src + "\nseverty: error\n")
    with pytest.raises(RecordError, match="syntax-error.yaml.*severty"):
        parse_record(bad)


def test_mismatched_id_is_an_error(tmp_path):
    bad = tmp_path / "other-name.yaml"
    bad.write_text((records_dir() / "syntax-error.yaml").read_text())
    with pytest.raises(RecordError, match="does not match"):
        parse_record(bad)


def test_rules_without_examples_are_only_the_documented_ones():
    assert {r for r, rec in RECORDS.items() if not rec.examples} == set(NO_EXAMPLES)


@pytest.mark.parametrize("rule_id", sorted(set(RECORDS) - set(NO_EXAMPLES)))
def test_record_has_bad_and_good_examples(rule_id):
    examples = RECORDS[rule_id].examples
    assert examples.get("bad"), f"{rule_id} has no bad example"
    assert examples.get("good"), f"{rule_id} has no good example"


def _cases():
    for rule_id, record in sorted(RECORDS.items()):
        for kind in ("bad", "good"):
            for i, ex in enumerate(record.examples.get(kind, [])):
                yield pytest.param(rule_id, kind, ex, id=f"{rule_id}-{kind}-{i}")


def _materialise(tmp_path, example):
    if isinstance(example, str):
        example = {"code": example}
    path = example.get("path", "convex/example.ts")
    files = dict(example.get("files", {}))
    if "code" in example:
        files[path] = example["code"]
    write_files(tmp_path, files)
    return path, example.get("options"), set(example.get("also", []))


@pytest.mark.parametrize(("rule_id", "kind", "example"), list(_cases()))
def test_examples(tmp_path, rule_id, kind, example):
    path, options, also = _materialise(tmp_path, example)
    preview = RECORDS[rule_id].preview
    result = lint([path], tmp_path, options={rule_id: options} if options else None, preview=preview)
    fired = {d.rule for d in result.diagnostics}
    if kind == "bad":
        # `also` names rules that the same mistake necessarily triggers too (documented overlap).
        assert fired == {rule_id} | also, f"bad example should fire exactly {rule_id}, got {sorted(fired)}"
    else:
        assert rule_id not in fired, [d.message for d in result.diagnostics]
