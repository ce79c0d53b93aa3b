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
    max_file_size: 1048576              # bytes; larger files are not parsed (``--max-file-size``)
    overrides:
      - files: ["convex/migrations/**"]
        ignore: [require-returns-validator]
        rules: {no-filter-in-query: warning}

Every problem raises ``ConfigError`` whose message names the file, the key and the reason;
the CLI turns it into exit code 2. A configuration file is untrusted input: it is read only
if it is a regular file of at most ``MAX_CONFIG_BYTES``, YAML anchors and aliases are
refused (no "billion laughs"), values nest at most ``MAX_CONFIG_DEPTH`` levels, every glob
must compile and be able to match, and user text echoed in a message (keys, values, paths)
has its control characters escaped, so an error is always one line.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec
import yaml

from convexlint.diagnostics import Severity
from convexlint.records import CATEGORIES, META_RULES, YAML_LOADER, RuleRecord
from convexlint.textsafe import escape_controls

CONFIG_NAMES = ("convexlint.yaml", ".convexlint.yaml")
SEVERITIES = ["error", "warning", "info", "off"]
#: A configuration file larger than this (bytes) is refused unparsed.
MAX_CONFIG_BYTES = 1024 * 1024
#: Values may nest this many levels below the configuration's top (real ones use ~6).
MAX_CONFIG_DEPTH = 32
#: Default of ``max_file_size``: source files larger than this (bytes) are not parsed.
DEFAULT_MAX_FILE_SIZE = 1024 * 1024

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
_NAMES = {"type": "string"}  # rule ids and registrar names: YAML also allows null, 1, true as keys
CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "propertyNames": _NAMES,
    "properties": {
        "extend": {"type": "string", "minLength": 1},
        "select": _STRINGS,
        "ignore": _STRINGS,
        "preview": {"type": "boolean"},
        "report_unused_disables": {"type": "boolean"},
        "generated": {"enum": ["ignore", "report"]},
        "rules": {"type": "object", "propertyNames": _NAMES, "additionalProperties": _RULE_SETTING},
        "include": _STRINGS,
        "exclude": _STRINGS,
        "max_file_size": {"type": "integer", "minimum": 1},
        "registrars": {
            "type": "object",
            "propertyNames": _NAMES,
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
                    "rules": {"type": "object", "propertyNames": _NAMES, "additionalProperties": _RULE_SETTING},
                },
            },
        },
    },
}


class ConfigError(Exception):
    """An invalid configuration or selection; the message names file, key and reason.

    The message is always one line: control characters in it (a key holding a newline, a
    path holding ESC) are escaped with ``escape_controls``.
    """

    def __init__(self, message: str):
        super().__init__(escape_controls(message))


@dataclass
class Config:
    """A loaded, schema-valid configuration. ``root`` is the directory globs are relative to."""

    path: Path | None
    root: Path
    data: dict[str, Any] = field(default_factory=dict)
    #: The files the data came from, the extended ones first (``extend:``).
    sources: list[Path] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else "<command line>"


def _show(value: Any, limit: int = 60) -> str:
    """``value`` as the configuration spells it: ``null``/``true``/``1``/``'text'``, cut
    to about ``limit`` characters."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key(key: Any) -> str:
    """A key as written in a dotted path: strings as they are, anything else as ``_show``."""
    return key if isinstance(key, str) else _show(key)


def _where(prefix: str, path: Any) -> str:
    return ".".join([prefix] * bool(prefix) + [_key(p) for p in path]) or "<top>"


def _schema_errors(data: Any, schema: dict, label: str, prefix: str = "") -> None:
    """Raise ``ConfigError`` for the most relevant way ``data`` breaks ``schema`` (a
    JSON-schema dict), naming ``label`` (the file) and the dotted key under ``prefix``."""
    import jsonschema.exceptions  # only a run with a config file pays for it

    e = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(data))
    if e is None:
        return
    where = _where(prefix, e.absolute_path)
    if "propertyNames" in e.schema_path:  # a YAML key that is null, a number, true…
        raise ConfigError(f"{label}: {where}: key {_show(e.instance)}: must be a string")
    if e.validator == "additionalProperties" and e.validator_value is False:
        odd = sorted((k for k in e.instance if not isinstance(k, str)), key=repr)
        if odd:
            raise ConfigError(f"{label}: {where}: key {_show(odd[0])}: must be a string")
        extra = sorted(set(e.instance) - set(e.schema.get("properties", {})))
        raise ConfigError(f"{label}: {_where(prefix, [*e.absolute_path, *extra[:1]])}: unknown key")
    if e.validator == "type":
        expected = e.validator_value if isinstance(e.validator_value, str) else " or ".join(e.validator_value)
        raise ConfigError(f"{label}: {where}: {_show(e.instance)} is not of type '{expected}'")
    raise ConfigError(f"{label}: {where}: {e.message}")


#: What users type for a severity (ESLint's numbers and ``warn`` included) -> ours. YAML 1.1
#: reads a bare ``off`` as ``False``.
SEVERITY_ALIASES: dict[Any, str] = {
    **{s: s for s in SEVERITIES},
    "warn": "warning",
    False: "off",
    0: "off",
    1: "warning",
    2: "error",
    "0": "off",
    "1": "warning",
    "2": "error",
}
_SEVERITY_WORDS = "off (or 0), info, warning (or warn, 1) or error (or 2)"


def _normalise_severities(data: dict, label: str, prefix: str) -> None:
    """Rewrite every rule severity to one of ``SEVERITIES`` (see ``SEVERITY_ALIASES``);
    raise ``ConfigError`` naming the key and the valid values in plain words otherwise."""
    tables = [(data.get("rules"), ["rules"])] + [
        (o.get("rules"), ["overrides", i, "rules"]) for i, o in enumerate(data.get("overrides", []) if isinstance(data.get("overrides"), list) else []) if isinstance(o, dict)
    ]
    for rules, path in tables:
        if not isinstance(rules, dict):
            continue
        for rule, setting in rules.items():
            holder, key, where = (rules, rule, [*path, rule]) if not isinstance(setting, dict) else (setting, "severity", [*path, rule, "severity"])
            if holder is setting and "severity" not in setting:
                continue
            value = holder[key]
            if isinstance(value, (str, int)) and not isinstance(value, bool) or value is False:
                normal = SEVERITY_ALIASES.get(value.lower() if isinstance(value, str) else value)
                if normal is None:
                    raise ConfigError(f"{label}: {_where(prefix, where)}: {_show(value)} is not a severity; use {_SEVERITY_WORDS}")
                holder[key] = normal


class _TooLarge(ConfigError):
    """A configuration file above ``MAX_CONFIG_BYTES``; ``head`` holds its first bytes."""

    def __init__(self, message: str, head: bytes):
        super().__init__(message)
        self.head = head


def _read(path: Path, label: str) -> str:
    """The text of configuration file ``path``. Raises ``ConfigError`` unless it is a
    regular file (a FIFO would block) of at most ``MAX_CONFIG_BYTES`` bytes of UTF-8
    (``_TooLarge`` when it is larger)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise ConfigError(f"{label}: cannot read: not a regular file")
            data = f.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise _TooLarge(f"{label}: larger than {MAX_CONFIG_BYTES} bytes; a configuration file needs far less", data[:MAX_CONFIG_BYTES])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{label}: cannot read: not UTF-8 ({exc.reason} at byte {exc.start})") from exc


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """A PyYAML error as one line, position first (its own text spans several lines)."""
    mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
    if mark is not None and problem:
        context = getattr(exc, "context", None)
        return f"line {mark.line + 1}, column {mark.column + 1}: invalid YAML: {problem}" + (f" ({context})" if context else "")
    return "invalid YAML: " + " ".join(str(exc).split())


def _refuse_anchors(raw: str, label: str) -> None:
    """Raise ``ConfigError`` at the first YAML anchor (``&a``) or alias (``*a``): a
    configuration has no use for them, and aliases of aliases expand exponentially
    ("billion laughs"). Text that does not scan is left for the loader to report."""
    try:
        for token in yaml.scan(raw, Loader=YAML_LOADER):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                what = "anchor `&" if isinstance(token, yaml.AnchorToken) else "alias `*"
                mark = token.start_mark
                raise ConfigError(
                    f"{label}: line {mark.line + 1}, column {mark.column + 1}: YAML {what}{token.value}` is not allowed "
                    "in a configuration file (anchors and aliases can expand exponentially); write the value out"
                )
    except yaml.YAMLError:
        return


#: A ``[tool.convexlint]`` (or ``[tool.convexlint.rules]``) header or a ``tool.convexlint…``
#: dotted key: how a pyproject.toml that is not valid TOML still shows it was meant for us.
_OUR_TABLE = re.compile(r"""^[ \t]*\[?[ \t]*["']?tool["']?[ \t]*\.[ \t]*["']?convexlint["']?[ \t]*[.\]=]""", re.MULTILINE)


def _pyproject_tool(raw: str, label: str, *, explicit: bool) -> dict[str, Any] | None:
    """The ``tool`` table of pyproject.toml text ``raw`` (``{}`` when it has none), or None
    when the text is not valid TOML, nests too deeply for the parser, and is not ours.

    Raises ``ConfigError`` when ``tool`` is not a table, and when the text is not valid
    TOML and either ``explicit`` (named by ``--config``) or it visibly holds
    ``[tool.convexlint]`` (``_OUR_TABLE``); a TOML error carries its line and column.
    """
    try:
        document = tomllib.loads(raw)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        if not explicit and _OUR_TABLE.search(raw) is None:
            return None
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ConfigError(f"{label}: invalid TOML: {reason}") from None
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{label}: tool: must be a table, not {_show(tool)}")
    return tool


def _too_deep(data: Any) -> tuple | None:
    """The key path (at most 4 keys) to a list or mapping nested deeper than
    ``MAX_CONFIG_DEPTH`` levels in ``data``, or None. Iterative: any depth is safe."""
    stack: list[tuple[Any, int, tuple]] = [(data, 0, ())]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, dict):
            children: Any = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            continue
        if depth >= MAX_CONFIG_DEPTH:
            return path
        stack.extend((child, depth + 1, path + (key,) if len(path) < 4 else path) for key, child in children)
    return None


#: How many ``extend:`` links a configuration may follow.
MAX_EXTEND_DEPTH = 10


def load_config_file(path: Path, _chain: tuple[Path, ...] = ()) -> Config:
    """Read and schema-check one config file (YAML, or ``pyproject.toml``'s
    ``[tool.convexlint]``), with the file it ``extend``s merged under it (see ``_merge``).
    Raises ``ConfigError`` (file, key, reason; one line) for a file that is unreadable, not
    a regular file, larger than ``MAX_CONFIG_BYTES``, not valid YAML/TOML, uses YAML anchors
    or aliases, nests deeper than ``MAX_CONFIG_DEPTH``, breaks ``CONFIG_SCHEMA``, or
    extends a missing file, itself (a cycle) or more than ``MAX_EXTEND_DEPTH`` files."""
    config = _load_one(path)
    base_name = config.data.pop("extend", None)
    if base_name is None:
        return config
    base_path = (path.parent / base_name).resolve()
    chain = (*_chain, path.resolve())
    if base_path in chain:
        raise ConfigError(f"{path}: extend: `{base_name}` extends this file again (a cycle)")
    if len(chain) > MAX_EXTEND_DEPTH:
        raise ConfigError(f"{path}: extend: more than {MAX_EXTEND_DEPTH} files extend one another")
    if not base_path.is_file():
        raise ConfigError(f"{path}: extend: no such configuration file `{base_name}`")
    base = load_config_file(base_path, chain)
    return Config(path=path, root=config.root, data=_merge(base.data, config.data), sources=[*base.sources, path])


def _merge(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """An extending configuration over its base: its keys replace the base's, except
    ``rules`` and ``registrars`` (merged, its entries winning) and ``overrides`` (the base's
    first, then its own). Globs stay relative to the extending file's folder."""
    out = {**base, **own}
    for key in ("rules", "registrars"):
        if key in base and key in own:
            out[key] = {**base[key], **own[key]}
    if "overrides" in base and "overrides" in own:
        out["overrides"] = [*base["overrides"], *own["overrides"]]
    return out


def _load_one(path: Path) -> Config:
    label = str(path)
    raw = _read(path, label)
    if path.name == "pyproject.toml":
        tool = _pyproject_tool(raw, label, explicit=True)
        data = (tool or {}).get("convexlint", {})
        prefix = "tool.convexlint"
    elif path.suffix == ".toml":  # `--config convexlint.toml`: read as TOML, never as YAML
        tool = _pyproject_tool(raw, label, explicit=True)
        if tool and "convexlint" in tool:
            data, prefix = tool["convexlint"], "tool.convexlint"
        else:
            data, prefix = tomllib.loads(raw), ""
    else:
        _refuse_anchors(raw, label)
        try:
            data = yaml.load(raw, Loader=YAML_LOADER)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{label}: {_yaml_problem(exc)}") from None
        except RecursionError:
            raise ConfigError(f"{label}: invalid YAML: nested too deeply") from None
        if data is None:
            data = {}
        prefix = ""
    if not isinstance(data, dict):
        raise ConfigError(f"{label}: {prefix or '<top>'}: must be a mapping")
    deep = _too_deep(data)
    if deep is not None:
        raise ConfigError(f"{label}: {_where(prefix, deep)}: nested more than {MAX_CONFIG_DEPTH} levels deep")
    _normalise_severities(data, label, prefix)
    _schema_errors(data, CONFIG_SCHEMA, label, prefix)
    return Config(path=path, root=path.parent, data=data, sources=[path])


def find_config(start: Path, *, parents: bool = True) -> Path | None:
    """The nearest config file at or above ``start`` (a file or directory), or None; with
    ``parents=False``, only in ``start``'s own directory.

    A ``pyproject.toml`` counts when it has a ``[tool.convexlint]`` table. One that is not
    valid TOML is passed over unless it visibly holds that table; one that cannot be read
    is passed over. Raises ``ConfigError`` for a ``pyproject.toml`` on the way whose
    ``tool`` is not a table, or that is broken but holds ``[tool.convexlint]``.
    """
    directory = start if start.is_dir() else start.parent
    for d in [directory, *directory.parents] if parents else [directory]:
        for name in CONFIG_NAMES:
            candidate = d / name
            if candidate.is_file():
                return candidate
        pyproject = d / "pyproject.toml"
        if pyproject.is_file():
            try:
                raw = _read(pyproject, str(pyproject))
            except _TooLarge as exc:  # ours if it says so: loading it then reports the size
                if _OUR_TABLE.search(exc.head.decode("utf-8", "replace")):
                    return pyproject
                continue
            except ConfigError:
                continue
            tool = _pyproject_tool(raw, str(pyproject), explicit=False)
            if tool is not None and "convexlint" in tool:
                return pyproject
    return None


def _globs(patterns: list[str], where: str) -> pathspec.GitIgnoreSpec:
    """``patterns`` (gitignore-style) compiled. Raises ``ConfigError`` naming ``where`` and
    the pattern's index when pathspec rejects a pattern (a lone ``!``, a trailing ``\\``, a
    range such as ``[z-a]``) or when it can never match: git discards a blank pattern, a
    ``#`` comment, a lone ``/`` and an unclosed ``[``, and a file list that silently
    matches nothing would lint nothing and report "all clear"."""
    for i, pattern in enumerate(patterns):
        try:
            compiled = pathspec.GitIgnoreSpec.from_lines([pattern])
        # pathspec raises GitIgnorePatternError (a ValueError); a bad range fails in ``re``
        except (ValueError, re.error) as exc:
            reason = exc.msg if isinstance(exc, re.error) else str(exc.__cause__ or exc)
            raise ConfigError(f"{where}.{i}: invalid glob `{pattern}`: {reason}") from None
        if all(p.include is None for p in compiled.patterns):
            raise ConfigError(
                f"{where}.{i}: glob `{pattern}` can never match (git ignores a blank pattern, a `#` comment, "
                "a lone `/` and an unclosed or invalid `[…]`)"
            )
    return pathspec.GitIgnoreSpec.from_lines(patterns)


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
    on for at least one file, which the engine instantiates. ``max_file_size`` (bytes) is
    the ``max_file_size`` argument (``--max-file-size``), else the configuration's, else
    ``DEFAULT_MAX_FILE_SIZE``. Raises ``ConfigError`` for an unknown rule or category, a
    bad rule setting or option, or a glob that is invalid or can never match.
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
        max_file_size: int | None = None,
        nearest: bool = False,
    ):
        self.records = records
        #: With ``nearest``, each file is judged by the configuration nearest to it (``scope``).
        self.nearest = nearest
        self._cli = {"select": select, "ignore": ignore, "preview": preview, "cwd": cwd, "max_file_size": max_file_size}
        self._scopes: dict[Path, Settings] = {}  # config file -> its settings
        self._nearest_in: dict[str, Path | None] = {}  # directory -> nearest config file
        self._by_rel: dict[str, Settings] = {}  # rel path -> its scope
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
        if max_file_size is not None and max_file_size < 1:
            raise ConfigError(f"--max-file-size: {max_file_size} is less than the minimum of 1")
        #: Files larger than this many bytes are not parsed (``file-too-large``).
        self.max_file_size: int = int(max_file_size if max_file_size is not None else data.get("max_file_size", DEFAULT_MAX_FILE_SIZE))

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
            spec = _globs(ov["files"], f"{where}.files")
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
        self._include = _globs(data["include"], f"{label}: include") if data.get("include") else None
        self._exclude = _globs(data["exclude"], f"{label}: exclude") if data.get("exclude") else None
        self._cache: dict[tuple[int, ...], dict[str, RuleConfig]] = {}

    # -- selection -----------------------------------------------------------------------

    def _expand(self, tokens: list[str], where: str) -> set[str]:
        out: set[str] = set()
        for token in tokens:
            if not isinstance(token, str):  # a Config built in code skips the schema
                raise ConfigError(f"{where}: {_show(token)} is not of type 'string'")
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
            if not isinstance(rule, str):
                raise ConfigError(f"{where}: key {_show(rule)}: must be a string")
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

    # -- nearest configuration ---------------------------------------------------------

    def scope(self, rel_path: str) -> Settings:
        """The settings that judge the file at ``rel_path`` (relative to the working
        directory): with ``nearest``, those of the configuration file nearest to it among
        its ancestors (``find_config``), so the result never depends on which paths the
        command line named or in what order; else these. Raises ``ConfigError`` for a
        configuration file that cannot be used (``prepare`` surfaces that before a run)."""
        if not self.nearest:
            return self
        found = self._by_rel.get(rel_path)
        if found is None:
            found = self._by_rel[rel_path] = self._scope_of_dir(os.path.dirname(os.path.normpath(os.path.join(self.cwd, rel_path))))
        return found

    def _scope_of_dir(self, directory: str) -> Settings:
        config = self._nearest_config(directory)
        if config is None:
            return self
        if config not in self._scopes:
            self._scopes[config] = Settings(self.records, load_config_file(config), **self._cli)
        return self._scopes[config]

    def _nearest_config(self, directory: str) -> Path | None:
        """``find_config`` for one directory, each ancestor looked at once per run."""
        if directory in self._nearest_in:
            return self._nearest_in[directory]
        found = find_config(Path(directory), parents=False)
        if found is None:
            parent = os.path.dirname(directory)
            found = self._nearest_config(parent) if parent != directory else None
        self._nearest_in[directory] = found
        return found

    def prepare(self, rel_paths: list[str]) -> None:
        """Resolve the settings of every file up front (see ``scope``): configuration
        errors surface before linting, and ``candidates`` covers every configuration."""
        for rel in rel_paths:
            self.scope(rel)

    def scopes(self) -> list[Settings]:
        """These settings and every configuration's resolved so far, in a stable order."""
        return [self, *(self._scopes[p] for p in sorted(self._scopes))]

    # -- per file ------------------------------------------------------------------------

    def _relative_to_root(self, rel_path: str) -> str | None:
        absolute = (self.cwd / rel_path).resolve()
        try:
            return absolute.relative_to(self.config.root.resolve()).as_posix()
        except ValueError:
            return None

    def is_included(self, rel_path: str) -> bool:
        """Whether ``include``/``exclude`` (of the file's configuration) let it be linted."""
        scope = self.scope(rel_path)
        if scope is not self:
            return scope.is_included(rel_path)
        if self._include is None and self._exclude is None:
            return True
        rel = self._relative_to_root(rel_path)
        if rel is None:
            return self._include is None
        if self._include is not None and not self._include.match_file(rel):
            return False
        return not (self._exclude is not None and self._exclude.match_file(rel))

    def for_path(self, rel_path: str) -> dict[str, RuleConfig]:
        """``{rule id: RuleConfig}`` of the rules on in the file at ``rel_path`` (its
        configuration's global settings with the matching ``overrides`` applied)."""
        scope = self.scope(rel_path)
        if scope is not self:
            return scope.for_path(rel_path)
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
        """Every rule on for at least one file, over every configuration resolved."""
        out = self._own_candidates()
        for scope in self._scopes.values():
            out |= scope._own_candidates()
        return out

    def _own_candidates(self) -> set[str]:
        out = set(self._global)
        for _spec, sel, _ign, rules, _w in self._overrides:
            out |= sel
            out |= {r for r, s in rules.items() if (s if isinstance(s, str) else s.get("severity", "error")) != "off"}
        return out


def published_schema() -> dict[str, Any]:
    """The JSON Schema editors use to complete and validate ``convexlint.yaml``
    (``convexlint.schema.json`` in the repository): ``CONFIG_SCHEMA``, which the loader
    checks after normalising severities, with every spelling ``SEVERITY_ALIASES`` accepts,
    the rule ids and categories as suggestions, and descriptions."""
    import copy

    from convexlint.records import load_records

    schema = copy.deepcopy(CONFIG_SCHEMA)
    # false: YAML 1.1 (PyYAML) reads a bare `off` so
    spellings = {"enum": [*SEVERITIES, "warn", 0, 1, 2, "0", "1", "2", False], "description": f"Severity: {_SEVERITY_WORDS}."}
    setting = schema["properties"]["rules"]["additionalProperties"]
    setting["oneOf"][0] = spellings
    setting["oneOf"][1]["properties"]["severity"] = spellings
    records = load_records()
    names = {"anyOf": [{"enum": sorted([*records, *CATEGORIES, "all"])}, {"type": "string"}]}
    for key in ("select", "ignore"):
        schema["properties"][key] = {"type": "array", "items": names}
    schema["properties"]["rules"]["propertyNames"] = {"enum": sorted(records)}
    descriptions = {
        "extend": "Another configuration file (relative to this one) whose settings this one extends.",
        "select": "Rule ids or categories to enable; replaces the default set (stable rules).",
        "ignore": "Rule ids or categories to disable.",
        "preview": "Also enable rules in preview.",
        "report_unused_disables": "Report suppression comments that suppress nothing.",
        "generated": "`ignore` (default) or `report` files whose header says they are generated.",
        "rules": "Per-rule severity, options and `tests`.",
        "include": "Gitignore-style globs (relative to this file) of the files to lint.",
        "exclude": "Gitignore-style globs (relative to this file) of files not to lint.",
        "max_file_size": "Files larger than this many bytes are not parsed.",
        "registrars": "Custom registrar name -> the built-in registrar it behaves like.",
        "overrides": "Settings for the files matching `files` (globs relative to this file).",
    }
    for key, text in descriptions.items():
        schema["properties"][key]["description"] = text
    return {"$schema": "http://json-schema.org/draft-07/schema#", "$id": "https://github.com/convexlint/convexlint/blob/main/convexlint.schema.json",
            "title": "convexlint configuration (convexlint.yaml)", **schema}


if __name__ == "__main__":  # python -m convexlint.config > convexlint.schema.json
    import json
    import sys

    sys.stdout.write(json.dumps(published_schema(), indent=2) + "\n")
