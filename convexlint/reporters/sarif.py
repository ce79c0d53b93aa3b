"""SARIF 2.1.0 for GitHub code scanning and other consumers.

``tool.driver`` carries name, version, informationUri and ``rules[]`` generated from the
rule records (id, name, shortDescription, fullDescription, help, helpUri,
defaultConfiguration.level, properties.tags). Each result has ruleId, ruleIndex, level,
message, a relative ``artifactLocation.uri`` with ``uriBaseId: "%SRCROOT%"`` (declared in
``originalUriBaseIds`` as the working directory), a 1-based region in UTF-16 code units
(``columnKind: "utf16CodeUnits"``), and ``partialFingerprints.primaryLocationLineHash``.
URIs percent-encode the path's bytes (``os.fsencode``: a file-name byte that is not UTF-8
is ``%FF``); the document is written with ``reporters.json.dumps``, so it is always valid
UTF-8.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from convexlint import HOME_URL, __version__
from convexlint.diagnostics import Diagnostic, Fix, LintResult, Severity
from convexlint.records import RuleRecord
from convexlint.reporters.fingerprint import line_hashes
from convexlint.reporters.json import dumps

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}


def _rule_descriptor(record: RuleRecord) -> dict:
    name = "".join(part.capitalize() for part in record.id.split("-"))
    markdown = f"{record.rationale}\n\n**Fix:** {record.help}\n\n[Documentation]({record.url})"
    return {
        "id": record.id,
        "name": name,
        "shortDescription": {"text": record.title.replace("`", "")},
        "fullDescription": {"text": record.rationale},
        "help": {"text": f"{record.help}\n\n{record.url}", "markdown": markdown},
        "helpUri": record.url,
        "defaultConfiguration": {"level": _LEVEL[record.severity]},
        "properties": {
            "tags": sorted({"convex", record.category} | ({"security"} if record.category == "security" else set())),
            "precision": "high",
            "problem.severity": _PROBLEM_SEVERITY[record.severity],
        },
    }


def _fix(fix: Fix) -> dict:
    """A SARIF ``fix``: byte-region replacements per file (``artifactChanges``)."""
    by_path: dict[str, list] = {}
    for e in fix.edits:
        by_path.setdefault(e.path, []).append(
            {"deletedRegion": {"byteOffset": e.start_byte, "byteLength": e.end_byte - e.start_byte}, "insertedContent": {"text": e.text}}
        )
    return {
        "description": {"text": f"{fix.applicability} fix (`convexlint check --fix{' --unsafe-fixes' if fix.applicability == 'unsafe' else ''}`)"},
        "artifactChanges": [
            {"artifactLocation": {"uri": quote(os.fsencode(path)), "uriBaseId": "%SRCROOT%"}, "replacements": replacements}
            for path, replacements in by_path.items()
        ],
    }


def render(result: LintResult, records: dict[str, RuleRecord], *, cwd: Path, rule_ids: list[str] | None = None) -> str:
    """Render ``result`` as SARIF JSON. ``rule_ids`` lists the rules to describe (defaults
    to every record); rules that produced results are always included."""
    everything = [*result.diagnostics, *result.baselined]
    ids = sorted(set(rule_ids if rule_ids is not None else records) | {d.rule for d in everything})
    descriptors = [_rule_descriptor(records[i]) for i in ids if i in records]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    hashes: dict[str, dict[int, str]] = {}
    results = []
    baselined = {id(d) for d in result.baselined}
    for d in sorted(everything, key=Diagnostic.sort_key):
        if d.path not in hashes:
            source = result.sources.get(d.path)
            hashes[d.path] = line_hashes(source) if source is not None else {}
        region = {
            "startLine": d.span.start_line,
            "startColumn": d.span.start_col,
            "endLine": d.span.end_line,
            "endColumn": d.span.end_col,
        }
        item = {
            "ruleId": d.rule,
            "ruleIndex": index[d.rule],
            "level": _LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(os.fsencode(d.path)), "uriBaseId": "%SRCROOT%"},
                        "region": region,
                    }
                }
            ],
        }
        line_hash = hashes[d.path].get(d.span.start_line)
        if line_hash is not None:
            item["partialFingerprints"] = {"primaryLocationLineHash": line_hash}
        if d.fix is not None:
            item["fixes"] = [_fix(d.fix)]
        if id(d) in baselined:  # kept, so code scanning shows it as suppressed rather than fixed
            item["suppressions"] = [{"kind": "external", "justification": "convexlint-suppressions.json (baseline)"}]
        results.append(item)
    root_uri = cwd.resolve().as_uri().rstrip("/") + "/"
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "convexlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": HOME_URL,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
                "columnKind": "utf16CodeUnits",
                "invocations": [{"executionSuccessful": True}],
                "results": results,
            }
        ],
    }
    return dumps(sarif) + "\n"
