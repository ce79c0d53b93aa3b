"""The JavaScript workspace around a functions directory: where its client code may live and
which import specifiers name its generated ``api``.

In a monorepo the Convex backend is one package (``packages/backend/convex``) and the apps
that call it are others (``apps/web``), importing the API through a workspace package name
(``@acme/backend/convex/_generated/api``), a TypeScript ``paths`` alias (``@convex/api``)
or a ``package.json`` ``imports`` entry (``#convex/api``). Rules that ask "does the client
call this function?" (``prefer-internal-function``, ``require-internal-reference``) need
those apps' code, so discovery searches the whole workspace for files whose imports
resolve to the functions directory's ``_generated/api``.

The workspace root is the nearest directory at or above the project with a
``pnpm-workspace.yaml`` or a ``package.json`` declaring ``workspaces``, else the
repository root when it holds a ``package.json``. Every file read here that cannot be read
or parsed is skipped: resolution then fails, and the import is not taken for the API.
"""

from __future__ import annotations

import json
import posixpath
import re
from functools import lru_cache
from pathlib import Path

from convexlint.reading import read_json as _read_json
from convexlint.reading import upward as _upward

#: An import specifier in ``import … from "x"``, ``export … from "x"``, ``import("x")``.
IMPORT_SPECIFIER = re.compile(rb"""(?:\bfrom|\bimport)\s*\(?\s*["']([^"'\n]+)["']""")
_SCRIPT_EXTENSIONS = (".d.ts", ".d.mts", ".ts", ".tsx", ".js", ".jsx", ".mts", ".cts", ".mjs", ".cjs")  # longest first


def forget() -> None:
    """Forget every ``package.json`` and ``tsconfig.json`` read so far (a long-lived
    process, the language server, calls it when one of them changes)."""
    for cached in (workspace_root, _package, _tsconfig_paths):
        cached.cache_clear()


@lru_cache(maxsize=256)
def workspace_root(directory: Path) -> Path | None:
    """The monorepo root at or above ``directory`` (see the module docstring), or None."""
    repo = None
    for d in _upward(directory):
        if (d / "pnpm-workspace.yaml").is_file():
            return d
        data = _read_json(d / "package.json")
        if isinstance(data, dict) and data.get("workspaces"):
            return d
        if (d / ".git").exists():
            repo = d
            break
    if repo is not None and (repo / "package.json").is_file():
        return repo
    return None


@lru_cache(maxsize=256)
def _package(directory: Path) -> tuple[Path, dict] | None:
    """The nearest ``package.json`` at or above ``directory``: (its folder, its data)."""
    for d in _upward(directory):
        data = _read_json(d / "package.json")
        if isinstance(data, dict):
            return d, data
        if (d / ".git").exists():
            return None
    return None


@lru_cache(maxsize=256)
def _tsconfig_paths(directory: Path) -> tuple[tuple[str, tuple[Path, ...]], ...]:
    """``compilerOptions.paths`` of the nearest ``tsconfig.json`` at or above ``directory``
    (following relative ``extends``, a few hops), as ``(pattern, target folders)``."""
    for d in _upward(directory):
        config = d / "tsconfig.json"
        if config.is_file():
            return _paths_of(config, 0)
        if (d / ".git").exists():
            break
    return ()


def _paths_of(config: Path, depth: int) -> tuple[tuple[str, tuple[Path, ...]], ...]:
    data = _read_json(config, jsonc=True)
    if not isinstance(data, dict):
        return ()
    options = data.get("compilerOptions") if isinstance(data.get("compilerOptions"), dict) else {}
    paths = options.get("paths")
    if isinstance(paths, dict):
        base = config.parent / options["baseUrl"] if isinstance(options.get("baseUrl"), str) else config.parent
        return tuple(
            (pattern, tuple(base / t for t in targets if isinstance(t, str)))
            for pattern, targets in paths.items()
            if isinstance(pattern, str) and isinstance(targets, list)
        )
    parent = data.get("extends")
    if isinstance(parent, str) and parent.startswith(".") and depth < 4:
        target = config.parent / parent
        if target.suffix != ".json":
            target = target.with_name(target.name + ".json")
        return _paths_of(target, depth + 1)
    return ()  # a package-name `extends` (a shared base config) is not followed


def _substitute(pattern: str, targets, spec: str) -> list[str]:
    """TypeScript's ``paths`` matching: ``"@convex/*": ["../backend/convex/*"]``."""
    if "*" in pattern:
        head, _star, tail = pattern.partition("*")
        if spec.startswith(head) and spec.endswith(tail) and len(spec) >= len(head) + len(tail):
            middle = spec[len(head) : len(spec) - len(tail)]
            return [str(t).replace("*", middle) for t in targets]
        return []
    return [str(t) for t in targets] if spec == pattern else []


def candidates(importer: Path, spec: str, packages: dict[str, Path]) -> list[str]:
    """The paths (without extension) an import specifier in ``importer`` may denote:
    relative paths; ``#`` imports of the importer's ``package.json``; its ``tsconfig.json``
    ``paths``; a workspace package named in ``packages`` (``{"@acme/backend": folder}``)
    followed by a subpath. ``exports`` maps of packages are not read."""
    if spec.startswith("."):
        return [posixpath.normpath(posixpath.join(importer.parent.as_posix(), spec))]
    out: list[str] = []
    if spec.startswith("#"):
        found = _package(importer.parent)
        imports = found[1].get("imports") if found is not None else None
        if isinstance(imports, dict):
            for pattern, target in imports.items():
                if isinstance(target, dict):  # conditional: {"types": ..., "default": ...}
                    target = next((t for t in target.values() if isinstance(t, str)), None)
                if isinstance(pattern, str) and isinstance(target, str):
                    out += _substitute(pattern, [found[0] / target], spec)
    for pattern, targets in _tsconfig_paths(importer.parent):
        out += _substitute(pattern, targets, spec)
    for name, folder in packages.items():
        if spec.startswith(name + "/"):
            out.append(str(folder / spec[len(name) + 1 :]))
    return [posixpath.normpath(Path(c).as_posix()) for c in out]


def _strip_extension(path: str) -> str:
    for ext in _SCRIPT_EXTENSIONS:
        if path.endswith(ext):
            return path[: -len(ext)]
    return path


def names_api(importer: Path, spec: str, functions_dir: Path, packages: dict[str, Path]) -> bool:
    """Whether ``spec`` imported in ``importer`` resolves to ``functions_dir``'s
    ``_generated/api`` (see ``candidates``)."""
    want = (functions_dir / "_generated" / "api").as_posix()
    return any(_strip_extension(c) in (want, want + "/index") for c in candidates(importer, spec, packages))


def package_names(functions_dir: Path) -> dict[str, Path]:
    """The workspace package that holds ``functions_dir``, by name: ``{"@acme/backend":
    folder}`` (empty when its ``package.json`` has no name)."""
    found = _package(functions_dir)
    if found is None or not isinstance(found[1].get("name"), str):
        return {}
    return {found[1]["name"]: found[0]}


#: A specifier that can name a generated ``api`` module ends in ``api`` (``@convex/api``,
#: ``../convex/_generated/api.js``); an alias of another shape mapped onto it is not seen.
_API_TAIL = re.compile(r"(?<![A-Za-z0-9_$])api(?:\.[cm]?[jt]s)?$")


def import_specifiers(data: bytes) -> frozenset[str]:
    """The import specifiers in a file's text that may name a generated ``api``."""
    specs = {m.group(1).decode("utf-8", "replace") for m in IMPORT_SPECIFIER.finditer(data)}
    return frozenset(s for s in specs if _API_TAIL.search(s))


def api_specifiers(importer: Path, data: bytes, functions_dir: Path, specs: frozenset[str] | None = None) -> frozenset[str]:
    """The import specifiers in ``data`` (the text of ``importer``; or ``specs``, from
    ``import_specifiers``) that name ``functions_dir``'s generated ``api``."""
    specs = import_specifiers(data) if specs is None else specs
    if not specs:
        return frozenset()
    packages = package_names(functions_dir)
    return frozenset(s for s in specs if names_api(importer, s, functions_dir, packages))


def alias_fingerprint(importer: Path, functions_dir: Path) -> str:
    """What ``api_specifiers`` reads besides the file itself, as text: the importer's
    ``tsconfig.json`` paths, its ``package.json`` imports and the backend package's name
    (a run cache keys client files on it)."""
    found = _package(importer.parent)
    imports = found[1].get("imports") if found is not None else None
    paths = [(p, [str(t) for t in ts]) for p, ts in _tsconfig_paths(importer.parent)]
    names = {k: str(v) for k, v in package_names(functions_dir).items()}
    return json.dumps([paths, imports, names], sort_keys=True, default=str)
