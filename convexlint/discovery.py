"""Finding what to lint.

For each path given (default ``.``):

* a **file** is linted even outside a functions directory; if it sits in a Convex project
  but outside that project's functions directory it is client code, which server-only
  rules never report;
* a **directory** is searched for Convex functions directories: a ``convex.json``'s
  ``functions`` setting (default ``convex/``), else folders named ``convex`` that look like
  Convex code (a ``_generated/`` folder, a ``schema.*``, or a file importing
  ``_generated/server``/``convex/server``); several in a monorepo. Below a ``convex.json``
  only the folder it names is a functions directory (another folder named ``convex``
  there is client code; a nested ``convex.json``, or a nested ``package.json`` beside a
  ``convex/`` folder, starts its own project). A directory
  inside a functions directory lints that part of it.

``_generated/``, ``node_modules/``, dot-directories and whatever ``.gitignore`` files
ignore are skipped. Every file of a functions directory is read for the project model;
diagnostics are reported only for the files the user selected (``Target.report``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from convexlint.parsing import COMPONENT_SUFFIXES, LINTABLE_SUFFIXES
from convexlint.reading import is_regular, read_regular
from convexlint.textsafe import escape_controls
from convexlint.workspace import api_specifiers, import_specifiers, workspace_root

ALWAYS_SKIPPED = frozenset({"node_modules", "_generated", ".git", ".hg", ".svn"})
#: Build output folders skipped when looking for client code around a functions directory.
CLIENT_SKIPPED = frozenset({"dist", "build", "out", "coverage", "public", "vendor"})


class DiscoveryError(Exception):
    """A path given on the command line does not exist."""


@dataclass(frozen=True)
class Target:
    """One file to read. Paths are absolute; ``functions_dir`` too (or None).

    ``is_server``: inside a functions directory (or a loose file named explicitly).
    ``report``: diagnostics for it are shown. ``explicit``: named on the command line (a
    client file found by searching a directory gets no syntax or file-level meta reports).
    """

    path: Path
    functions_dir: Path | None
    is_server: bool
    report: bool
    explicit: bool = False


def _is_lintable(name: str) -> bool:
    return name.endswith(LINTABLE_SUFFIXES) and not name.endswith(".d.ts")


class _Ignorer:
    """Answers "is this path gitignored?" using every ``.gitignore`` from the repository
    root down to the path (patterns scoped to their own directory, as git does)."""

    def __init__(self) -> None:
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._chains: dict[Path, list[tuple[Path, pathspec.GitIgnoreSpec]]] = {}
        self._answers: dict[tuple[Path, bool], bool] = {}  # discovery walks a tree up to three times

    def _spec(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            spec = None
            gi = directory / ".gitignore"
            if gi.is_file():
                try:
                    spec = pathspec.GitIgnoreSpec.from_lines((read_regular(gi) or b"").decode("utf-8", "replace").splitlines())
                except Exception:  # a malformed pattern must not stop linting  # noqa: BLE001
                    spec = None
            self._specs[directory] = spec
        return self._specs[directory]

    def _chain(self, directory: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
        """The ``.gitignore`` specs that apply inside ``directory``: its own and its
        ancestors' up to the repository root (none outside a git repository)."""
        cached = self._chains.get(directory)
        if cached is not None:
            return cached
        if (directory / ".git").exists():
            parent_chain: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
        elif directory.parent == directory:
            self._chains[directory] = []
            return []
        else:
            parent_chain = self._chain(directory.parent)
            if not parent_chain and not self._in_repo(directory.parent):
                self._chains[directory] = []
                return []
        spec = self._spec(directory)
        chain = parent_chain + ([(directory, spec)] if spec is not None else [])
        self._chains[directory] = chain
        return chain

    def _in_repo(self, directory: Path) -> bool:
        return any((d / ".git").exists() for d in [directory, *directory.parents])

    def ignored(self, path: Path, is_dir: bool) -> bool:
        key = (path, is_dir)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._ignored(path, is_dir)
        return answer

    def _ignored(self, path: Path, is_dir: bool) -> bool:
        for directory, spec in self._chain(path.parent):
            rel = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
            if spec.match_file(rel):
                return True
        return False


def _walk(directory: Path, ignorer: _Ignorer, *, stop_at_functions: bool = False, errors: list[Path] | None = None):
    """Yield ``(dirpath, dirnames, filenames)`` below ``directory``, pruning skipped dirs;
    folders that cannot be listed go to ``errors`` (when given)."""
    onerror = (lambda exc: errors.append(Path(exc.filename))) if errors is not None else None
    for dirpath, dirnames, filenames in os.walk(directory, onerror=onerror):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in ALWAYS_SKIPPED and not d.startswith(".") and not ignorer.ignored(here / d, True)
        )
        yield here, dirnames, sorted(filenames)


def _functions_dir_from_convex_json(config: Path) -> Path:
    try:
        data = json.loads((read_regular(config) or b"").decode("utf-8"))
        functions = data.get("functions") if isinstance(data, dict) else None
    except (OSError, ValueError, UnicodeDecodeError):
        functions = None
    if not isinstance(functions, str) or not functions.strip():
        functions = "convex/"
    return (config.parent / functions).resolve()


#: An import of Convex's server API, as a quoted specifier: ``"convex/server"`` itself or
#: one ending in ``_generated/server`` (``better-convex/server`` or ``@x/convex/server``
#: are other packages).
_SERVER_IMPORT = re.compile(rb"""["'](?:convex/server|[^"'\s]*_generated/server(?:\.[cm]?[jt]s)?)["']""")


def _looks_like_convex(directory: Path) -> bool:
    if (directory / "_generated").is_dir():
        return True
    try:
        entries = sorted(os.listdir(directory))
    except OSError:
        return False
    if any(e.split(".")[0] == "schema" and _is_lintable(e) for e in entries):
        return True
    if "package.json" in entries:
        return False  # a package of its own (the `convex` npm package's source), not a functions dir
    for dirpath, _dirs, files in os.walk(directory):
        for f in files:
            if _is_lintable(f):
                try:
                    head = (read_regular(Path(dirpath) / f) or b"")[:8192]
                except OSError:
                    continue
                if _SERVER_IMPORT.search(head):
                    return True
    return False


def functions_dir_reason(functions_dir: Path, cwd: Path) -> str:
    """Why ``functions_dir`` (absolute) is a Convex functions directory, in words, for
    ``convexlint inspect`` (paths relative to ``cwd``)."""
    for d in functions_dir.parents:
        config = d / "convex.json"
        if config.is_file():
            if _functions_dir_from_convex_json(config) == functions_dir:
                where = os.path.relpath(config, cwd)
                if b'"functions"' in (read_regular(config) or b""):
                    return f"named by `functions` in {where}"
                return f"the default `convex/` of the project whose {where} sets no `functions`"
            break
    if is_component_dir(functions_dir):
        return "a Convex component: its `convex.config.ts` calls `defineComponent`"
    if (functions_dir / "_generated").is_dir():
        return "a folder named `convex` with a `_generated/` folder"
    try:
        entries = os.listdir(functions_dir)
    except OSError:
        entries = []
    if any(e.split(".")[0] == "schema" and _is_lintable(e) for e in entries):
        return "a folder named `convex` with a schema file"
    return "a folder named `convex` whose code imports `_generated/server` or `convex/server`"


def _governing_config(directory: Path) -> Path | None:
    """The ``convex.json`` nearest at or above ``directory`` (up to the repository root):
    the project configuration that decides what the functions directory is there. None
    inside a package of its own (a ``package.json`` beside a ``convex/`` folder, as
    ``npm create convex`` makes) that has no ``convex.json``: its ``convex/`` is its own."""
    for d in [directory, *directory.parents]:
        if (d / "convex.json").is_file():
            return d / "convex.json"
        if (d / ".git").exists() or ((d / "package.json").is_file() and (d / "convex").is_dir()):
            break
    return None


_COMPONENT_CONFIGS = ("convex.config.ts", "convex.config.js", "convex.config.mts")
_DEFINE_COMPONENT = re.compile(rb"\bdefineComponent\s*[<(]")


def is_component_dir(directory: Path) -> bool:
    """Whether ``directory`` is a Convex component's own functions directory: it holds a
    ``convex.config.ts`` that calls ``defineComponent`` (an app's calls ``defineApp``)."""
    for name in _COMPONENT_CONFIGS:
        config = directory / name
        if config.is_file():
            try:
                return bool(_DEFINE_COMPONENT.search((read_regular(config) or b"")[:65536]))
            except OSError:
                return False
    return False


def _components_within(functions_dir: Path, ignorer: _Ignorer) -> list[Path]:
    """Component directories nested in a functions directory (``convex/betterAuth/``):
    each is a unit of its own, with its own schema and functions."""
    out = []
    for here, dirnames, filenames in _walk(functions_dir, ignorer):
        if here != functions_dir and any(n in filenames for n in _COMPONENT_CONFIGS) and is_component_dir(here):
            out.append(here)
    return out


def find_functions_dirs(root: Path, ignorer: _Ignorer | None = None) -> list[Path]:
    """Every Convex functions directory at or below ``root`` (absolute, sorted).

    Below a ``convex.json`` (found here or above ``root``) only the folder it names is a
    functions directory: another folder named ``convex`` there (``src/lib/convex/``
    holding a React provider) is client code. A nested ``convex.json``, or a nested
    package with a ``convex/`` folder and no ``convex.json``, is its own project. A
    Convex component's folder (``convex.config.ts`` calling ``defineComponent``) is a
    functions directory of its own wherever it is, also inside an app's.
    """
    ignorer = ignorer or _Ignorer()
    found: set[Path] = set()
    root = root.resolve()
    above = _governing_config(root)
    if above is not None:
        fd = _functions_dir_from_convex_json(above)
        if fd == root or root in fd.parents:
            found.add(fd)
    elif root.name == "convex" and _looks_like_convex(root):
        found.add(root)
    configured: set[Path] = {root} if above is not None else set()  # dirs at or below a convex.json
    for here, dirnames, filenames in _walk(root, ignorer):
        if any(n in filenames for n in _COMPONENT_CONFIGS) and is_component_dir(here):
            found.add(here)  # a component library's src/component/
        if "convex.json" in filenames:
            configured.add(here)
            fd = _functions_dir_from_convex_json(here / "convex.json")
            if fd.is_dir():
                found.add(fd)
        elif "package.json" in filenames and "convex" in dirnames:
            configured.discard(here)  # a package of its own without convex.json (see _governing_config)
        governed = here in configured
        for d in list(dirnames):
            candidate = here / d
            if governed:
                configured.add(candidate)
            elif d == "convex" and candidate not in found and _looks_like_convex(candidate):
                found.add(candidate)
            if candidate in found:
                dirnames.remove(d)  # its files are the functions dir's; do not search inside
    for fd in list(found):
        if fd.is_dir():
            found.update(_components_within(fd, ignorer))
    return sorted(p for p in found if p.is_dir())


def enclosing_functions_dir(path: Path) -> tuple[Path | None, bool]:
    """For a file or directory: ``(functions_dir, inside_it)``.

    Looks upward for a ``convex.json`` (which decides: its ``functions`` setting is the
    only functions directory below it), else a ``convex/`` functions directory that
    contains ``path``; if a project is found but ``path`` is outside its functions dir,
    returns ``(functions_dir, False)`` (client code); no project at all gives
    ``(None, False)``.
    """
    path = path.resolve()
    start = path if path.is_dir() else path.parent
    for d in [start, *start.parents]:
        if (d / ".git").exists() and not is_component_dir(d):
            break
        if is_component_dir(d):
            return d, True  # a component's folder is its own functions directory
    config = _governing_config(start)
    if config is not None:
        fd = _functions_dir_from_convex_json(config)
        return fd, fd == path or fd in path.parents
    for d in [start, *start.parents]:
        if d.name == "convex" and _looks_like_convex(d):
            return d, True
        if (d / "convex").is_dir() and _looks_like_convex(d / "convex") and d != path:
            fd = d / "convex"
            return fd, fd == path or fd in path.parents
        if (d / ".git").exists():
            break
    return None, False


def functions_dir_files(functions_dir: Path, ignorer: _Ignorer | None = None) -> list[Path]:
    """Every lintable file in a functions directory, sorted; the folders of components
    nested in it belong to those components, not to it. A folder that cannot be listed is
    in the list too (the engine reports it as unreadable rather than skip it silently), and
    so is a lintable name that is not a regular file (reported, never opened)."""
    ignorer = ignorer or _Ignorer()
    out: list[Path] = []
    unlisted: list[Path] = []
    for here, dirs, files in _walk(functions_dir, ignorer, errors=unlisted):
        if here != functions_dir and any(n in files for n in _COMPONENT_CONFIGS) and is_component_dir(here):
            dirs[:] = []
            continue
        for f in files:
            p = here / f
            if _is_lintable(f) and not ignorer.ignored(p, False):
                out.append(p)
    return sorted(out + [d for d in unlisted if d != functions_dir or not out])


def project_root(functions_dir: Path) -> Path:
    """The directory a functions directory's client code lives under: the one holding the
    ``convex.json`` that names it, else the functions directory's parent."""
    for d in functions_dir.parents:
        config = d / "convex.json"
        if config.is_file():
            if _functions_dir_from_convex_json(config) == functions_dir:
                return d
            break
    return functions_dir.parent


def client_files(root: Path, functions_dirs: set[Path], ignorer: _Ignorer, *, components: bool = False) -> list[Path]:
    """Lintable files under ``root`` outside every functions directory (client code);
    with ``components``, also ``.vue``/``.svelte``/``.astro`` files (read for their
    ``<script>`` blocks, never reported)."""
    out = []
    for here, dirnames, files in _walk(root, ignorer):
        dirnames[:] = [d for d in dirnames if d not in CLIENT_SKIPPED and here / d not in functions_dirs]
        if here in functions_dirs:
            continue
        for f in files:
            p = here / f
            if (_is_lintable(f) or (components and f.endswith(COMPONENT_SUFFIXES))) and not ignorer.ignored(p, False) and is_regular(p):
                out.append(p)
    return out


#: Larger files are not searched for imports of the API (a bundle, a data dump).
_MAX_SEARCHED = 1 << 20


def workspace_client_files(workspace: Path, functions_dirs: list[Path], skip: set[Path], ignorer: _Ignorer) -> Iterator[tuple[Path, Path]]:
    """Client code elsewhere in a monorepo (``workspace.workspace_root``) that imports one
    of ``functions_dirs``' generated ``api`` (``workspace.api_specifiers``), as ``(file,
    functions dir)``, outside the folders in ``skip`` (functions directories and project
    roots already read). The workspace is walked once and each file read once."""
    for path in client_files(workspace, skip, ignorer, components=True):
        try:  # client_files lists regular files only
            if path.stat().st_size > _MAX_SEARCHED:
                continue
        except OSError:
            continue
        data = read_regular(path)
        if data is None:
            continue
        specs = import_specifiers(data) if b"api" in data else frozenset()
        if not specs:
            continue
        for fd in functions_dirs:
            if api_specifiers(path, data, fd, specs):
                yield path, fd
                break


def discover(paths: list[Path], *, client_context: bool = False, unsaved: Path | None = None) -> list[Target]:
    """Resolve command-line paths into targets (see the module docstring).

    With ``client_context``, the client code around every functions directory involved
    is read (not reported) even when only some files were named. ``unsaved``: an absolute,
    resolved path among ``paths`` whose text comes from elsewhere (``--stdin-filename``):
    it is taken for a file even when nothing is at that path.
    Raises ``DiscoveryError`` for a path that does not exist.
    """
    ignorer = _Ignorer()
    listings: dict[Path, list[Path]] = {}

    def listing(directory: Path) -> list[Path]:
        if directory not in listings:
            listings[directory] = functions_dir_files(directory, ignorer)
        return listings[directory]

    reported: dict[Path, Target] = {}
    context_dirs: set[Path] = set()
    for raw in paths:
        path = raw.resolve()
        if not path.exists() and path != unsaved:
            raise DiscoveryError(f"{escape_controls(str(raw))}: no such file or directory")
        if path.is_file() or path == unsaved:
            if not _is_lintable(path.name) or ALWAYS_SKIPPED & set(path.parts):
                continue  # not TypeScript/JavaScript, or generated/vendored code
            fd, inside = enclosing_functions_dir(path)
            reported[path] = Target(path, fd, is_server=inside or fd is None, report=True, explicit=True)
            if fd is not None:
                context_dirs.add(fd)
            continue
        fd, inside = enclosing_functions_dir(path)
        if fd is not None and inside:
            context_dirs.add(fd)
            for f in listing(path):
                reported[f] = Target(f, fd, is_server=True, report=True)
            continue
        found_dirs = find_functions_dirs(path, ignorer)
        for fd in found_dirs:
            context_dirs.add(fd)
            for f in listing(fd):
                reported[f] = Target(f, fd, is_server=True, report=True)
        found_set = set(found_dirs)
        for fd in found_dirs:
            if any(p in found_set for p in fd.parents):
                continue  # a component inside an app's functions directory: no client code of its own
            root = project_root(fd)
            if root in path.parents:
                root = path  # a folder inside the project (``convex/`` around ``convex/functions``): that part of it
            elif root != path and path not in root.parents:
                continue  # the project's client code is outside what the user asked for
            for f in client_files(root, set(found_dirs), ignorer):
                reported.setdefault(f, Target(f, fd, is_server=False, report=True))
    targets = dict(reported)
    for fd in sorted(context_dirs):
        for f in listing(fd):
            if f not in targets:
                targets[f] = Target(f, fd, is_server=True, report=False)
        if client_context and not any(p in context_dirs for p in fd.parents):
            for f in client_files(project_root(fd), context_dirs, ignorer, components=True):
                if f not in targets:
                    targets[f] = Target(f, fd, is_server=False, report=False)
    if client_context:
        # Monorepos: apps elsewhere in the workspace that import a project's API.
        by_workspace: dict[Path, list[Path]] = {}
        for fd in sorted(context_dirs):
            if any(p in context_dirs for p in fd.parents):
                continue  # a component inside an app's functions directory
            root = project_root(fd)
            workspace = workspace_root(root)
            if workspace is not None and workspace != root and workspace in root.parents:
                by_workspace.setdefault(workspace, []).append(fd)
        skip = context_dirs | {project_root(d) for d in context_dirs}
        for workspace, fds in sorted(by_workspace.items()):
            for f, fd in workspace_client_files(workspace, fds, skip, ignorer):
                targets.setdefault(f, Target(f, fd, is_server=False, report=False))
    return [targets[p] for p in sorted(targets)]
