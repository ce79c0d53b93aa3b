"""Rule records: the one source of truth for a rule's identity and documentation.

Each rule has ``rules/<id>.yaml`` (shipped in the wheel as ``convexlint/_records``). A
record holds id, title, category, default severity, status, messages, help, rationale,
sources, options (with types and defaults), fix safety and bad/good examples. Unknown keys
are an error, so a typo cannot silently drop a field (STYLE.md point 1).

Every message a rule prints is one of its record's ``messages``: keyed templates with
named placeholders (``{{ name }}``), as ESLint's ``meta.messages``. A rule reports a key and
the placeholder values; ``RuleRecord.render`` builds the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml

from convexlint import DOCS_URL
from convexlint.diagnostics import Severity
from convexlint.packages import parse_version

#: Rules the engine and the suppression parser produce (records, no implementation).
META_RULES = ("syntax-error", "unreadable-file", "file-too-large", "invalid-suppression", "unused-suppression")

#: The YAML loader for records and config files: libyaml when present (~10x faster), same results.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CATEGORIES = ("correctness", "database", "functions", "schema", "http", "security", "runtime", "style", "meta")

_EXAMPLE = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "path": {"type": "string"},
                "code": {"type": "string"},
                "files": {"type": "object", "additionalProperties": {"type": "string"}},
                "options": {"type": "object"},
                "note": {"type": "string"},
                "also": {"type": "array", "items": {"type": "string"}},
            },
        },
    ]
}

RECORD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "category", "severity", "status", "messages", "help", "rationale", "sources"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"},
        "title": {"type": "string"},
        "category": {"enum": list(CATEGORIES)},
        "severity": {"enum": ["error", "warning", "info"]},
        "tests": {"type": "boolean"},
        "review": {"type": "string"},
        "requires_convex": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+(\\.[0-9]+)?$"},
        "status": {"enum": ["stable", "preview"]},
        "scope": {"enum": ["server", "client", "any"]},
        "messages": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
            "additionalProperties": {"type": "string"},
        },
        "help": {"type": "string"},
        "rationale": {"type": "string"},
        "sources": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "eslint": {"type": "string"},
        "differences": {"type": "string"},
        "fix": {"enum": ["none", "safe", "unsafe"]},
        "options": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["type", "default", "description"],
                "properties": {
                    "type": {"enum": ["boolean", "string", "integer", "array"]},
                    "enum": {"type": "array"},
                    "items": {"type": "object"},
                    "default": {},
                    "description": {"type": "string"},
                },
            },
        },
        "examples": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"bad": {"type": "array", "items": _EXAMPLE}, "good": {"type": "array", "items": _EXAMPLE}},
        },
    },
}


class RecordError(Exception):
    """A rule record is malformed. The message names the file and the problem."""


#: A placeholder in a message template: ``{{ name }}`` (spaces optional).
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def placeholders(template: str) -> set[str]:
    """The placeholder names a message template uses."""
    return set(PLACEHOLDER.findall(template))


@dataclass(frozen=True)
class RuleRecord:
    """A parsed, validated rule record (see the module docstring)."""

    id: str
    title: str
    category: str
    severity: Severity
    status: str
    scope: str
    #: Message templates by key (``{{ name }}`` placeholders); see ``render``.
    messages: dict[str, str]
    help: str
    rationale: str
    sources: tuple[str, ...]
    options: dict[str, dict]
    fix: str
    examples: dict[str, list]
    eslint: str | None = None
    differences: str | None = None
    #: Whether the rule reports in test files (``*.test.*``, ``*.spec.*``, ``__tests__/``):
    #: rules about production behaviour (performance, exposure, schema) do not.
    tests: bool = True
    #: The lowest ``convex`` package version the rule's advice applies to (``"1.31"``): a
    #: project known to use an older one gets no findings from it.
    requires_convex: tuple[int, int, int] | None = None
    #: What the precision review on real projects found, when it set the rule's severity
    #: or status (``benchmarks/review/precision.md``).
    review: str | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def url(self) -> str:
        return DOCS_URL.format(id=self.id)

    @property
    def preview(self) -> bool:
        return self.status == "preview"

    def render(self, message_id: str, data: Mapping[str, Any]) -> str:
        """The text of message ``message_id`` with ``data`` substituted for its placeholders.

        Raises ``RecordError`` when the record has no such key, or when ``data`` does not
        give exactly the placeholders the template uses (a rule's bug, caught by the tests).
        """
        template = self.messages.get(message_id)
        if template is None:
            raise RecordError(f"{self.id}.yaml: no message {message_id!r} (known: {', '.join(sorted(self.messages))})")
        names = placeholders(template)
        if names != set(data):
            missing, extra = sorted(names - set(data)), sorted(set(data) - names)
            raise RecordError(f"{self.id}.yaml: message {message_id!r} needs {missing or 'nothing more'}; unexpected {extra or 'nothing'}")
        return PLACEHOLDER.sub(lambda m: str(data[m.group(1)]), template)

    def default_options(self) -> dict[str, Any]:
        return {name: spec["default"] for name, spec in self.options.items()}

    def options_schema(self) -> dict[str, Any]:
        """A JSON schema that validates this rule's ``options`` mapping."""
        props = {}
        for name, spec in self.options.items():
            s: dict[str, Any] = {"type": spec["type"]}
            if "enum" in spec:
                s["enum"] = spec["enum"]
            if "items" in spec:
                s["items"] = spec["items"]
            props[name] = s
        return {"type": "object", "additionalProperties": False, "properties": props}


def records_dir() -> Path:
    """Where the records live: ``convexlint/_records`` in a wheel, ``rules/`` in a checkout."""
    packaged = resources.files("convexlint") / "_records"
    if packaged.is_dir():
        return Path(str(packaged))
    source = Path(__file__).resolve().parent.parent / "rules"
    if source.is_dir():
        return source
    raise RecordError("convexlint's rule records are missing: the installation is incomplete (no _records directory)")


def parse_record(path: Path, *, validate: bool = True) -> RuleRecord:
    """Load one record file; raises ``RecordError`` naming the file. ``validate`` checks
    it against ``RECORD_SCHEMA`` (jsonschema); the packaged records are checked by the
    test suite, so a run loads them without it."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise RecordError(f"{path.name}: cannot read rule record: {exc}") from exc
    if validate:
        import jsonschema

        errors = sorted(jsonschema.Draft7Validator(RECORD_SCHEMA).iter_errors(data), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            where = ".".join(str(p) for p in e.path) or "<top>"
            raise RecordError(f"{path.name}: {where}: {e.message}")
    try:
        if data["id"] != path.stem:
            raise RecordError(f"{path.name}: id {data['id']!r} does not match the file name")
        return RuleRecord(
            id=data["id"],
            title=data["title"],
            category=data["category"],
            severity=Severity.parse(data["severity"]),
            status=data["status"],
            scope=data.get("scope", "server"),
            messages=dict(data["messages"]),
            help=data["help"],
            rationale=data["rationale"].strip(),
            sources=tuple(data["sources"]),
            options=data.get("options", {}) or {},
            fix=data.get("fix", "none"),
            examples=data.get("examples", {}) or {},
            eslint=data.get("eslint"),
            differences=data.get("differences"),
            tests=data.get("tests", True),
            review=data.get("review"),
            requires_convex=parse_version(data["requires_convex"]) if "requires_convex" in data else None,
            raw=data,
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise RecordError(f"{path.name}: malformed rule record ({exc.__class__.__name__}: {exc})") from exc


@lru_cache(maxsize=1)
def load_records() -> dict[str, RuleRecord]:
    """Every rule record, by id, sorted by id. Parsed once per process."""
    directory = records_dir()
    out = {}
    for path in sorted(directory.glob("*.yaml")):
        record = parse_record(path, validate=False)
        out[record.id] = record
    return out


def markdown_table(records: dict[str, RuleRecord]) -> str:
    """The README's rule table, generated from the records (meta rules last)."""
    rows = ["| rule | category | severity | status | fix | what it flags |", "|---|---|---|---|---|---|"]
    ordered = sorted(records.values(), key=lambda r: (r.category == "meta", r.category, r.id))
    for r in ordered:
        fix = "" if r.fix == "none" else r.fix
        rows.append(f"| [`{r.id}`]({r.url}) | {r.category} | {r.severity} | {r.status} | {fix} | {r.title} |")
    return "\n".join(rows) + "\n"
