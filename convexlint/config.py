"""Configuration: finding, validating and resolving it into per-file rule settings.

Sources, nearest to the linted path first (walking up): ``convexlint.yaml``,
``.convexlint.yaml``, or ``[tool.convexlint]`` in ``pyproject.toml``. Keys::

    select: [rule ids or categories]    # replaces the default set (stable rules)
    ignore: [rule ids or categories]
    preview: false                      # also enable preview rules
    report_unused_disables: false
    rules:
      index-name-convention: {severity: warning, options: {style: and}}
      no-filter-in-query: off           # shorthand for {severity: off}
      no-n-plus-one: {tests: true}      # also report in test files (see the rule's `tests`)
    generated: ignore                   # files whose header says they are generated; `report` lints them
    registrars: {authedQuery: query}    # custom registrars convexlint cannot resolve itself
    include: ["convex/**"]              # gitignore-style globs, relative to the config file
    exclude: ["convex/legacy/**"]
    overrides:
      - files: ["convex/migrations/**"]
        ignore: [require-returns-validator]
        rules: {no-filter-in-query: warning}

Every problem raises ``ConfigError`` whose message names the file, the key and the reason;
the CLI turns it into exit code 2.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec
import yaml

from convexlint.diagnostics import Severity
from convexlint.records import CATEGORIES, META_RULES, YAML_LOADER, RuleRecord

CONFIG_NAMES = ("convexlint.yaml", ".convexlint.yaml")
SEVERITIES = ["error", "warning", "info", "off"]

_RULE_SETTING = {
    "oneOf": [
        {"enum": SEVERITIES},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {"severity": {"enum": SEVERITIES}, "options": {"type": "object"}, "tests": {"type": "boolean"}},
        },
    ]
}
_STRINGS = {"type": "array", "items": {"type": "string"}}
CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "select": _STRINGS,
        "ignore": _STRINGS,
        "preview": {"type": "boolean"},
        "report_unused_disables": {"type": "boolean"},
        "generated": {"enum": ["ignore", "report"]},
        "rules": {"type": "object", "additionalProperties": _RULE_SETTING},
        "include": _STRINGS,
        "exclude": _STRINGS,
        "registrars": {
            "type": "object",
            "additionalProperties": {
                "enum": ["query", "mutation", "action", "internalQuery", "internalMutation", "internalAction", "httpAction"]
            },
        },
        "overrides": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["files"],
                "properties": {
                    "files": {**_STRINGS, "minItems": 1},
                    "select": _STRINGS,
                    "ignore": _STRINGS,
                    "rules": {"type": "object", "additionalProperties": _RULE_SETTING},
                },
            },
        },
    },
}


class ConfigError(Exception):
    """An invalid configuration or selection; the message names file, key and reason."""


@dataclass
class Config:
    """A loaded, schema-valid configuration. ``root`` is the directory globs are relative to."""

    path: Path | None
    root: Path
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else "<command line>"


def _schema_errors(data: Any, schema: dict, label: str, prefix: str = "") -> None:
    import jsonschema.exceptions  # only a run with a config file pays for it

    e = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(data))
    if e is None:
        return
    if e.validator == "additionalProperties" and e.validator_value is False:
        extra = sorted(set(e.instance) - set(e.schema.get("properties", {})))
        where = ".".join([prefix] * bool(prefix) + [str(p) for p in e.absolute_path] + extra[:1]) or "<top>"
        raise ConfigError(f"{label}: {where}: unknown key")
    where = ".".join([prefix] * bool(prefix) + [str(p) for p in e.absolute_path]) or "<top>"
    raise ConfigError(f"{label}: {where}: {e.message}")


def _normalise_off(data: dict) -> None:
    """YAML 1.1 reads a bare ``off`` as ``False``; accept it (and ``false``) as "off"."""
    tables = [data.get("rules")] + [o.get("rules") for o in data.get("overrides", []) if isinstance(o, dict)]
    for rules in tables:
        if not isinstance(rules, dict):
            continue
        for rule, setting in rules.items():
            if setting is False:
                rules[rule] = "off"
            elif isinstance(setting, dict) and setting.get("severity") is False:
                setting["severity"] = "off"


def load_config_file(path: Path) -> Config:
    """Read and schema-check one config file (YAML, or ``pyproject.toml``)."""
    label = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{label}: cannot read: {exc}") from exc
    if path.name == "pyproject.toml":
        try:
            data = tomllib.loads(raw).get("tool", {}).get("convexlint", {})
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{label}: invalid TOML: {exc}") from exc
        prefix = "tool.convexlint"
    else:
        try:
            data = yaml.load(raw, Loader=YAML_LOADER)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{label}: invalid YAML: {exc}") from exc
        if data is None:
            data = {}
        prefix = ""
    if not isinstance(data, dict):
        raise ConfigError(f"{label}: {prefix or '<top>'}: must be a mapping")
    _normalise_off(data)
    _schema_errors(data, CONFIG_SCHEMA, label, prefix)
    return Config(path=path, root=path.parent, data=data)


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start`` (a file or directory), or None."""
    directory = start if start.is_dir() else start.parent
    for d in [directory, *directory.parents]:
        for name in CONFIG_NAMES:
            candidate = d / name
            if candidate.is_file():
                return candidate
        pyproject = d / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "convexlint" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                    return pyproject
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
    return None


@dataclass(frozen=True)
class RuleConfig:
    """A rule's resolved setting for one file: severity (None = off), options, and whether
    it reports in test files (None: as its record says)."""

    severity: Severity | None
    options: dict[str, Any]
    tests: bool | None = None


class Settings:
    """Records + configuration + command-line selection, resolved.

    ``for_path(rel_path)`` gives ``{rule_id: RuleConfig}`` for the rules on in that file
    (``rel_path`` relative to the working directory). ``candidates`` is every rule that is
    on for at least one file, which the engine instantiates.
    """

    def __init__(
        self,
        records: dict[str, RuleRecord],
        config: Config | None = None,
        *,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        preview: bool = False,
        cwd: Path | None = None,
    ):
        self.records = records
        self.config = config or Config(path=None, root=cwd or Path.cwd())
        self.cwd = (cwd or Path.cwd()).resolve()
        data = self.config.data
        label = self.config.label
        self.preview = preview or bool(data.get("preview", False))
        self.report_unused_disables = bool(data.get("report_unused_disables", False))
        #: Whether files that declare themselves generated are reported ("report") or not.
        self.report_generated = data.get("generated", "ignore") == "report"
        #: custom registrar name -> the built-in registrar it behaves like
        self.registrars: dict[str, str] = dict(data.get("registrars", {}))

        if select is not None:
            base = self._expand(select, "--select")
        elif "select" in data:
            base = self._expand(data["select"], f"{label}: select")
        else:
            base = {r.id for r in records.values() if not r.preview or self.preview}
            base |= set(META_RULES) & set(records)
        base -= self._expand(data.get("ignore", []), f"{label}: ignore")
        base -= self._expand(ignore or [], "--ignore")
        # Meta rules stay on unless ignored by name or category.
        self._global = self._apply_rules({r: self._default(r) for r in base}, data.get("rules", {}), f"{label}: rules")
        self._overrides = []
        for i, ov in enumerate(data.get("overrides", [])):
            where = f"{label}: overrides.{i}"
            spec = pathspec.GitIgnoreSpec.from_lines(ov["files"])
            self._overrides.append(
                (
                    spec,
                    self._expand(ov.get("select", []), f"{where}.select"),
                    self._expand(ov.get("ignore", []), f"{where}.ignore"),
                    ov.get("rules", {}),
                    where,
                )
            )
            # Validate eagerly so a bad override fails before any file is read.
            self._apply_rules({}, ov.get("rules", {}), f"{where}.rules")
        self._include = pathspec.GitIgnoreSpec.from_lines(data["include"]) if data.get("include") else None
        self._exclude = pathspec.GitIgnoreSpec.from_lines(data["exclude"]) if data.get("exclude") else None
        self._cache: dict[tuple[int, ...], dict[str, RuleConfig]] = {}

    # -- selection -----------------------------------------------------------------------

    def _expand(self, tokens: list[str], where: str) -> set[str]:
        out: set[str] = set()
        for token in tokens:
            if token in self.records:
                out.add(token)
            elif token in CATEGORIES:
                out |= {r.id for r in self.records.values() if r.category == token and (not r.preview or self.preview)}
            elif token.lower() == "all":
                out |= {r.id for r in self.records.values() if not r.preview or self.preview}
            else:
                hint = difflib.get_close_matches(token, list(self.records) + list(CATEGORIES), n=1)
                suggestion = f" (did you mean `{hint[0]}`?)" if hint else ""
                raise ConfigError(f"{where}: unknown rule or category `{token}`{suggestion}")
        return out

    def _default(self, rule: str) -> RuleConfig:
        record = self.records[rule]
        return RuleConfig(record.severity, record.default_options())

    def _apply_rules(self, current: dict[str, RuleConfig], rules: dict[str, Any], where: str) -> dict[str, RuleConfig]:
        out = dict(current)
        for rule, setting in rules.items():
            if rule not in self.records:
                hint = difflib.get_close_matches(rule, list(self.records), n=1)
                suggestion = f" (did you mean `{hint[0]}`?)" if hint else ""
                raise ConfigError(f"{where}.{rule}: unknown rule{suggestion}")
            if isinstance(setting, str):
                setting = {"severity": setting}
            record = self.records[rule]
            base = out.get(rule) or self._default(rule)
            options = dict(base.options)
            if "options" in setting:
                import jsonschema

                try:
                    jsonschema.validate(setting["options"], record.options_schema())
                except jsonschema.ValidationError as exc:
                    key = ".".join(str(p) for p in exc.path)
                    if exc.validator == "additionalProperties":
                        extra = sorted(set(exc.instance) - set(record.options))
                        known = ", ".join(sorted(record.options)) or "none"
                        raise ConfigError(
                            f"{where}.{rule}.options.{extra[0] if extra else ''}: unknown option (known: {known})"
                        ) from None
                    raise ConfigError(f"{where}.{rule}.options.{key}: {exc.message}") from None
                options.update(setting["options"])
            severity = base.severity
            if "severity" in setting:
                severity = None if setting["severity"] == "off" else Severity.parse(setting["severity"])
            tests = setting.get("tests", base.tests)
            if severity is None:
                out.pop(rule, None)
            elif rule in out or "severity" in setting:  # naming a severity turns a rule on
                out[rule] = RuleConfig(severity, options, tests)
        return out

    # -- per file ------------------------------------------------------------------------

    def _relative_to_root(self, rel_path: str) -> str | None:
        absolute = (self.cwd / rel_path).resolve()
        try:
            return absolute.relative_to(self.config.root.resolve()).as_posix()
        except ValueError:
            return None

    def is_included(self, rel_path: str) -> bool:
        """Whether ``include``/``exclude`` let this file be linted."""
        if self._include is None and self._exclude is None:
            return True
        rel = self._relative_to_root(rel_path)
        if rel is None:
            return self._include is None
        if self._include is not None and not self._include.match_file(rel):
            return False
        return not (self._exclude is not None and self._exclude.match_file(rel))

    def for_path(self, rel_path: str) -> dict[str, RuleConfig]:
        rel = self._relative_to_root(rel_path) if self._overrides else None
        matched = tuple(i for i, ov in enumerate(self._overrides) if rel is not None and ov[0].match_file(rel))
        cached = self._cache.get(matched)
        if cached is not None:
            return cached
        current = dict(self._global)
        for i in matched:
            _spec, sel, ign, rules, where = self._overrides[i]
            for r in sel:
                current.setdefault(r, self._default(r))
            for r in ign:
                current.pop(r, None)
            current = self._apply_rules(current, rules, f"{where}.rules")
        self._cache[matched] = current
        return current

    @property
    def candidates(self) -> set[str]:
        out = set(self._global)
        for _spec, sel, _ign, rules, _w in self._overrides:
            out |= sel
            out |= {r for r, s in rules.items() if (s if isinstance(s, str) else s.get("severity", "error")) != "off"}
        return out
