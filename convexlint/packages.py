"""Which version of the ``convex`` package a functions directory is built against.

Some rules depend on the Convex version (``ctx.db.get("table", id)`` exists from convex
1.31). Node resolves ``convex`` from the nearest ``node_modules``; before an install, the
lockfile says what will be installed, and before that only the dependency range in
``package.json`` does. ``convex_version`` reads them in that order, from the functions
directory upward (stopping at the repository root), and says where the answer came from.

Lockfiles read: ``package-lock.json`` (npm), ``pnpm-lock.yaml``, ``yarn.lock``, ``bun.lock``.
A file that cannot be read or parsed is skipped, never an error: the version is then
taken from the next source, or unknown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from convexlint.reading import read_json as _read_json
from convexlint.reading import read_regular
from convexlint.reading import upward as _upward

_DEPENDENCY_KEYS = ("dependencies", "devDependencies", "peerDependencies")
_LOCKFILES = ("package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock")
_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class ConvexVersion:
    """The ``convex`` package version a project uses.

    ``version`` is ``(major, minor, patch)`` or None when unknown (a range such as ``*``,
    ``catalog:`` or ``workspace:*`` with no lockfile to settle it); ``spec`` is the
    dependency as ``package.json`` writes it; ``source`` names the file the version was read
    from (a path relative to nothing: shown as is by ``convexlint inspect``)."""

    version: tuple[int, int, int] | None
    spec: str | None
    source: str

    def at_least(self, version: tuple[int, int, int]) -> bool | None:
        """Whether the version is ``version`` or newer; None when the version is unknown."""
        return None if self.version is None else self.version >= version


def parse_version(text: str) -> tuple[int, int, int] | None:
    """The first ``major.minor[.patch]`` in ``text`` (``"1.31.2(react@19)"`` → (1, 31, 2))."""
    m = _VERSION.search(text)
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def lowest_admitted(spec: str) -> tuple[int, int, int] | None:
    """The lowest version a semver range admits, or None when it names none (``*``,
    ``latest``, ``workspace:*``, ``catalog:``, a git or file reference): ``^1.27.1`` →
    (1, 27, 1); ``~1.16.5 || ~1.17.0`` → (1, 16, 5); ``>=1.38`` → (1, 38, 0)."""
    if ":" in spec or "/" in spec:
        return None  # a protocol (workspace:, catalog:, file:, npm:, git+…): not a range
    found = [v for part in spec.split("||") if (v := parse_version(part)) is not None and "<" not in part.split()[0]]
    return min(found) if found else None


def convex_version(functions_dir: Path) -> ConvexVersion | None:
    """The ``convex`` version for ``functions_dir`` (absolute), or None when no
    ``package.json`` at or above it depends on ``convex``.

    Order: the installed ``node_modules/convex/package.json`` (at or above the package that
    depends on convex), then the nearest lockfile, then the lowest version the dependency
    range admits. Never raises."""
    found = _dependent_package(functions_dir)
    if found is None:
        return None
    package_dir, spec = found
    stop = _repository_root(package_dir)
    for d in _upward(package_dir, stop):
        installed = _read_json(d / "node_modules" / "convex" / "package.json")
        if isinstance(installed, dict) and isinstance(installed.get("version"), str):
            version = parse_version(installed["version"])
            if version is not None:
                return ConvexVersion(version, spec, "node_modules/convex")
    if spec.startswith("file:"):
        linked = _read_json((package_dir / spec[5:] / "package.json").resolve())
        if isinstance(linked, dict) and isinstance(linked.get("version"), str):
            version = parse_version(linked["version"])
            if version is not None:
                return ConvexVersion(version, spec, spec)
    for d in _upward(package_dir, stop):
        for name in _LOCKFILES:
            lock = d / name
            if lock.is_file():
                version = _from_lockfile(lock, package_dir.relative_to(d).as_posix() if package_dir != d else ".", spec)
                if version is not None:
                    return ConvexVersion(version, spec, name)
    lowest = lowest_admitted(spec)
    return ConvexVersion(lowest, spec, "the lowest version the package.json range admits" if lowest else "package.json")


def _repository_root(path: Path) -> Path | None:
    for d in _upward(path, None):
        if (d / ".git").exists():
            return d
    return None


def _dependent_package(functions_dir: Path) -> tuple[Path, str] | None:
    """The nearest directory at or above ``functions_dir`` whose ``package.json`` depends
    on ``convex``, and the dependency as written."""
    stop = _repository_root(functions_dir)
    for d in _upward(functions_dir, stop):
        data = _read_json(d / "package.json")
        if not isinstance(data, dict):
            continue
        for key in _DEPENDENCY_KEYS:
            deps = data.get(key)
            if isinstance(deps, dict) and isinstance(deps.get("convex"), str):
                return d, deps["convex"]
    return None


def _from_lockfile(lock: Path, importer: str, spec: str) -> tuple[int, int, int] | None:
    """The ``convex`` version ``lock`` resolves for the package at ``importer`` (its
    directory relative to the lockfile's, ``.`` for the same). None when unreadable."""
    try:
        stat = lock.stat()
    except OSError:
        return None
    data = _parsed_lockfile(str(lock), stat.st_mtime_ns, stat.st_size)
    if data is None:
        return None
    if lock.name == "package-lock.json":
        return _from_npm(data, importer)
    if lock.name == "pnpm-lock.yaml":
        return _from_pnpm(data, importer)
    if lock.name == "yarn.lock":
        return _from_yarn(data, spec)
    return _from_bun(data)


@lru_cache(maxsize=8)
def _parsed_lockfile(path: str, mtime_ns: int, size: int):
    """A lockfile's text, or its parsed data for JSON and YAML ones; None when unreadable.
    Cached: a monorepo's one lockfile (megabytes) serves every functions directory."""
    data = read_regular(path)
    try:
        text = data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None
    if text is None:
        return None
    if path.endswith(".json"):
        try:
            return json.loads(text)
        except ValueError:
            return None
    if path.endswith(".yaml"):
        import yaml

        # Only the top-level `importers:` (or, in a one-package lockfile, `dependencies:`)
        # blocks matter; the `packages:` block is most of a multi-megabyte file.
        blocks = re.findall(r"^(?:importers|dependencies|devDependencies):[^\n]*\n(?:(?:[ \t][^\n]*)?\n)*", text, re.M)
        try:
            data = yaml.load("".join(blocks), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            return None
        return data if isinstance(data, dict) else None
    return text


def _from_npm(data, importer: str) -> tuple[int, int, int] | None:
    packages = data.get("packages") if isinstance(data, dict) else None
    if isinstance(packages, dict):
        keys = ([f"{importer}/node_modules/convex"] if importer != "." else []) + ["node_modules/convex"]
        for key in keys:
            entry = packages.get(key)
            if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                return parse_version(entry["version"])
    legacy = data.get("dependencies") if isinstance(data, dict) else None  # lockfileVersion 1
    if isinstance(legacy, dict) and isinstance(legacy.get("convex"), dict):
        v = legacy["convex"].get("version")
        return parse_version(v) if isinstance(v, str) else None
    return None


def _from_pnpm(data, importer: str) -> tuple[int, int, int] | None:
    if not isinstance(data, dict):
        return None
    importers = data.get("importers")
    scope = importers.get(importer) if isinstance(importers, dict) else data  # no importers: a single package
    if isinstance(scope, dict):
        for key in _DEPENDENCY_KEYS:
            deps = scope.get(key)
            entry = deps.get("convex") if isinstance(deps, dict) else None
            if isinstance(entry, dict):
                entry = entry.get("version")
            if isinstance(entry, str) and not entry.startswith(("link:", "file:")):
                return parse_version(entry)
    return None


def _from_yarn(text: str, spec: str) -> tuple[int, int, int] | None:
    # A block header lists the specs it resolves ("convex@^1.2.0", convex@^1.2.0:), then
    # an indented `version "1.2.3"` (v1) or `version: 1.2.3` (berry).
    versions: dict[str, tuple[int, int, int]] = {}
    for m in re.finditer(r'^"?(convex@[^\n]*?):?\n(?:[ \t]+[^\n]*\n)*?[ \t]+version:? "?([^"\n]+)"?', text, re.M):
        header, version = m.group(1), parse_version(m.group(2))
        if version is not None:
            for part in header.split(","):
                versions[part.strip().strip('"').strip(":")] = version
    exact = versions.get(f"convex@{spec}") or versions.get(f"convex@npm:{spec}")
    if exact is not None:
        return exact
    distinct = set(versions.values())
    return distinct.pop() if len(distinct) == 1 else None


def _from_bun(text: str) -> tuple[int, int, int] | None:
    m = re.search(r'"convex":\s*\[\s*"convex@([^"]+)"', text)
    return parse_version(m.group(1)) if m else None
