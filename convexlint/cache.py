"""A persistent cache of per-file results, so re-runs skip parsing unchanged files.

One JSON file, ``<cache dir>/cache.json`` (default ``.convexlint_cache/`` in the working
directory, with its own ``.gitignore``). Entries are keyed by the file's content, its path,
its functions directory and whether it is server code; the whole cache is tied to a
fingerprint of the convexlint version, the resolved configuration and the enabled rules,
so any change to those starts afresh. Only per-file work is cached (facts, listener
diagnostics, suppressions): project rules are recomputed from the facts every run, so a
change to ``schema.ts`` or a wrapper in ``convex/lib`` re-judges every file that depends on
it. A corrupt, foreign or unreadable cache is ignored and rebuilt, never an error; writes
are atomic (temporary file + rename).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 2


def fingerprint(*parts: Any) -> str:
    """A stable hash of JSON-serializable parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


class Cache:
    """Maps a per-file key to the plain data of that file's outcome."""

    def __init__(self, directory: Path, run_fingerprint: str):
        self.directory = directory
        self.path = directory / "cache.json"
        self.fingerprint = run_fingerprint
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return
        if (
            isinstance(data, dict)
            and data.get("format") == FORMAT
            and data.get("fingerprint") == self.fingerprint
            and isinstance(data.get("entries"), dict)
        ):
            self.entries = data["entries"]

    @staticmethod
    def key(rel: str, functions_dir: str | None, is_server: bool, content: bytes) -> str:
        h = hashlib.sha256(content)
        h.update(f"\0{rel}\0{functions_dir}\0{is_server}".encode())
        return h.hexdigest()

    def get(self, key: str) -> Any | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def put(self, key: str, entry: Any) -> None:
        self.entries[key] = entry
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        """Write the entries used in this run (dropping stale ones), atomically. Failures
        (read-only directory, full disk) are ignored: the cache is an optimisation."""
        if not self.dirty and len(self.used) == len(self.entries):
            return
        entries = {k: v for k, v in self.entries.items() if k in self.used}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            gitignore = self.directory / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Created by convexlint.\n*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".cache-", suffix=".json")
            try:
                payload = json.dumps(
                    {"format": FORMAT, "fingerprint": self.fingerprint, "entries": entries}, separators=(",", ":")
                )  # dumps, unlike dump, uses the C encoder
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(payload)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, TypeError, ValueError):
            pass  # the cache is an optimisation; never fail a run over it
