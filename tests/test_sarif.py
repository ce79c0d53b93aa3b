"""SARIF: valid against the official 2.1.0 schema, with everything GitHub code scanning uses."""

from __future__ import annotations

import json

import jsonschema
import pytest

from convexlint import __version__
from convexlint.records import load_records
from convexlint.reporters import sarif
from convexlint.reporters.fingerprint import line_hashes

from conftest import REPO, SHARED, lint, write_files

SCHEMA_PATH = SHARED / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA_PATH.is_file():
        pytest.skip("../shared/schemas is not beside the checkout")
    schema = json.loads(SCHEMA_PATH.read_text())
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def render(paths, cwd):
    result = lint(paths, cwd)
    return json.loads(sarif.render(result, load_records(), cwd=cwd)), result


def test_sarif_validates_and_has_the_required_fields(validator):
    doc, result = render(["tests/fixtures/projects/hard-cases"], REPO)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "convexlint" and driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == REPO.as_uri() + "/"
    ids = [r["id"] for r in driver["rules"]]
    for rule in driver["rules"]:
        record = load_records()[rule["id"]]
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["helpUri"] == record.url
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert record.category in rule["properties"]["tags"]
    assert len(run["results"]) == len(result.diagnostics) > 10
    for res, diag in zip(run["results"], result.diagnostics):
        assert res["ruleId"] == diag.rule and ids[res["ruleIndex"]] == diag.rule
        assert res["level"] == {"error": "error", "warning": "warning", "info": "note"}[str(diag.severity)]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": diag.path, "uriBaseId": "%SRCROOT%"}
        assert loc["region"]["startLine"] == diag.span.start_line
        assert loc["region"]["startColumn"] == diag.span.start_col
        text = (REPO / diag.path).read_text()
        assert res["partialFingerprints"]["primaryLocationLineHash"] == line_hashes(text)[diag.span.start_line]


def test_columns_are_utf16_code_units(tmp_path, validator):
    # "😀" is 4 UTF-8 bytes, 2 UTF-16 code units; "é" is 2 bytes, 1 unit.
    write_files(
        tmp_path,
        {
            "convex/emoji.ts": 'import { internalQuery as query } from "./_generated/server";\n'
            'const label = "😀é"; export const f = query({ args: {}, handler: async () => label });\n'
        },
    )
    doc, result = render(["convex/emoji.ts"], tmp_path)
    assert not list(validator.iter_errors(doc))
    (diag,) = result.diagnostics
    line = 'const label = "😀é"; export const f = query({ args: {}, handler: async () => label });'
    expected_col = len(line[: line.index("query(")].encode("utf-16-le")) // 2 + 1
    assert diag.span.start_col == expected_col
    region = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startColumn"] == expected_col and region["endColumn"] == expected_col + len("query")


def test_empty_run_is_valid(tmp_path, validator):
    write_files(tmp_path, {"convex/a.ts": "export const x = 1;\n"})
    doc, _ = render(["convex/a.ts"], tmp_path)
    assert not list(validator.iter_errors(doc))
    assert doc["runs"][0]["results"] == []


# Test vectors from github/codeql-action src/fingerprints.test.ts (the upload action's own tests).
FINGERPRINT_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        ["8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1", "c6805c5e1288b612:1", "b86d3392aea1be30:1", "e6ceba753e1a442:1"],
    ),
    (
        " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
        ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"],
    ),
    (
        " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
        ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"],
    ),
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        ["a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3", "a7f2ff13bc495cf2:4", "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6",
         "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), FINGERPRINT_VECTORS)
def test_line_hash_matches_github_upload_action(text, expected):
    hashes = line_hashes(text)
    assert [hashes[i] for i in range(1, len(expected) + 1)] == expected
    assert len(hashes) == len(expected)


def test_line_hash_survives_moved_lines():
    body = 'export const f = query({ args: {}, handler: async (ctx) => ctx.db.query("t").filter((q) => true).take(1) });\n'
    before = line_hashes("// header\n" + body)[2]
    after = line_hashes("// header\n\n\n// more\n" + body)[5]
    assert before == after


def test_fixes_are_artifact_changes_and_validate(tmp_path, validator):
    write_files(tmp_path, {
        "package.json": '{"dependencies": {"convex": "1.31.0"}}',
        "convex/_generated/server.d.ts": "export {};\n",
        "convex/a.ts": (
            'import { query } from "./_generated/server";\nimport { v } from "convex/values";\n'
            'export const f = query({ args: { id: v.id("users") }, handler: async (ctx, args) => {\n'
            '  await ctx.db.get(args.id);\n} });\n'
        ),
    })
    doc, _result = render(["convex"], tmp_path)
    validator.validate(doc)
    fixes = {r["ruleId"]: r["fixes"] for r in doc["runs"][0]["results"] if "fixes" in r}
    [change] = fixes["explicit-table-ids"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "convex/a.ts"
    offset = (tmp_path / "convex" / "a.ts").read_bytes().index(b"get(args.id)") + len(b"get(")
    assert change["replacements"] == [{"deletedRegion": {"byteOffset": offset, "byteLength": 0}, "insertedContent": {"text": '"users", '}}]
    assert "require-returns-validator" in fixes  # `, returns: v.null()` after args
