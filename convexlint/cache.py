"""A persistent cache, so re-runs skip parsing unchanged files and unchanged projects.

Two files in the cache directory (default ``.convexlint_cache/`` in the working
directory, with its own ``.gitignore``), each starting with a header line naming the
format and a fingerprint of the convexlint version, the resolved configuration and the
enabled rules, so any change to those starts afresh:

- ``index.json``: for each file, its size, mtime (ns), inode and content digest, so an
  unchanged file is not even read (a file modified less than ``RACY_NS`` before it was
  read is never trusted by its stat, as git does with "racily clean" entries); and the
  final result of the last run with the key of its whole input (every file's content
  key, what was named, the generated ``env``), replayed when nothing changed.
- ``entries.jsonl``: one line per file content key, ``<key> <payload>``, the payload being
  the per-file outcome (facts, listener diagnostics, suppressions) in the
  ``convexlint.codec`` encoding. Decoded only when the run's input changed; project rules
  are then recomputed from every file's facts, so a change to ``schema.ts`` or a wrapper in
  ``convex/lib`` re-judges every file that depends on it.

A corrupt, foreign or unreadable cache (or entry) is ignored and rebuilt, never an error;
writes are atomic (temporary file + rename) and failures to write are ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

FORMAT = 3
#: A file whose mtime is this close to the moment it was read is hashed again next time.
RACY_NS = 2_000_000_000


def fingerprint(*parts: Any) -> str:
    """A stable hash of JSON-serializable parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def entry_key(digest: str, rel: str, functions_dir: str | None, is_server: bool) -> str:
    """The key of one file's outcome: its content digest and how it was linted."""
    return hashlib.sha256(f"{digest}\0{rel}\0{functions_dir}\0{is_server}".encode()).hexdigest()


class Cache:
    """The cache of one run: ``digest`` files, ``get``/``put`` per-file payloads (strings),
    ``run_result``/``set_run_result`` for the whole run, then ``save``."""

    def __init__(self, directory: Path, run_fingerprint: str):
        self.directory = directory
        self.fingerprint = run_fingerprint
        self.header = json.dumps({"format": FORMAT, "fingerprint": run_fingerprint}, separators=(",", ":"))
        self.files: dict[str, list] = {}
        self.run: list | None = None
        self._entries: dict[str, str] | None = None  # loaded on first get()
        self._new: dict[str, str] = {}
        self._used: set[str] = set()
        self._index_dirty = False
        index = self._read("index.json")
        if index is not None:
            try:
                data = json.loads(index)
                files, run = data["files"], data["run"]
                if isinstance(files, dict) and (run is None or (isinstance(run, list) and len(run) == 2)):
                    self.files, self.run = files, run
            except (ValueError, TypeError, KeyError):
                pass

    def _read(self, name: str) -> str | None:
        """The body of a cache file after a header matching this run, else None."""
        try:
            text = (self.directory / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        header, _, body = text.partition("\n")
        return body if header == self.header else None

    # -- files ---------------------------------------------------------------------------

    def digest(self, rel: str, path: Path) -> str | None:
        """The content digest of ``path`` (stored under ``rel``), from its stat when it is
        unchanged since a trusted earlier read; None when it cannot be read."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        known = self.files.get(rel)
        stat = [st.st_size, st.st_mtime_ns, st.st_ino]
        if known is not None and known[:3] == stat:
            return known[3]
        try:
            data = path.read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(data).hexdigest()
        if st.st_mtime_ns < time.time_ns() - RACY_NS and len(data) == st.st_size:
            self.files[rel] = [*stat, digest]
            self._index_dirty = True
        elif self.files.pop(rel, None) is not None:
            self._index_dirty = True
        return digest

    # -- per-file entries ----------------------------------------------------------------

    def get(self, key: str) -> str | None:
        if self._entries is None:
            self._entries = {}
            body = self._read("entries.jsonl")
            for line in (body or "").splitlines():
                k, _, payload = line.partition(" ")
                if payload:
                    self._entries[k] = payload
        payload = self._entries.get(key)
        if payload is not None:
            self._used.add(key)
        return payload

    def put(self, key: str, payload: str) -> None:
        self._new[key] = payload
        self._used.add(key)

    # -- whole run -----------------------------------------------------------------------

    def run_result(self, run_key: str) -> str | None:
        """The stored result of a run with exactly this input, else None."""
        if self.run is not None and self.run[0] == run_key and isinstance(self.run[1], str):
            return self.run[1]
        return None

    def set_run_result(self, run_key: str, payload: str) -> None:
        if self.run != [run_key, payload]:
            self.run = [run_key, payload]
            self._index_dirty = True

    def save(self, live: set[str] | None = None) -> None:
        """Write what changed, atomically. ``files`` entries not in ``live`` (rel paths of
        this run) are dropped; per-file entries not used in this run are dropped when the
        entries file is rewritten. Failures (read-only directory, full disk) are ignored:
        the cache is an optimisation."""
        if live is not None and any(rel not in live for rel in self.files):
            self.files = {rel: v for rel, v in self.files.items() if rel in live}
            self._index_dirty = True
        try:
            if self._new or (self._entries is not None and len(self._used) != len(self._entries)):
                old = self._entries or {}
                lines = [f"{k} {self._new.get(k) or old[k]}" for k in sorted(self._used) if k in self._new or k in old]
                self._write("entries.jsonl", "\n".join(lines))
            if self._index_dirty:
                self._write("index.json", json.dumps({"files": self.files, "run": self.run}, separators=(",", ":")))
        except (OSError, TypeError, ValueError):
            pass  # the cache is an optimisation; never fail a run over it

    def _write(self, name: str, body: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        gitignore = self.directory / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# Created by convexlint.\n*\n", encoding="utf-8")
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{name}-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self.header)
                f.write("\n")
                f.write(body)
            os.replace(tmp, self.directory / name)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
