"""A persistent cache, so re-runs skip parsing unchanged files and unchanged projects.

Two files in the cache directory (default ``.convexlint_cache/`` in the working
directory, with its own ``.gitignore``), each starting with a header line naming the
format and a fingerprint of the convexlint version, the resolved configuration and the
enabled rules, so any change to those starts afresh:

- ``index.json``: for each file, its size, mtime (ns), inode and content digest, so an
  unchanged file is not even read (a file modified less than ``RACY_NS`` before it was
  read is never trusted by its stat, as git does with "racily clean" entries); and the
  final results of the last ``RUNS_KEPT`` runs, each under the key of its whole input
  (every file's content key, what was named, the generated ``env``), replayed when
  nothing changed.
- ``entries.jsonl``: a log of lines ``<key>\t<rel path as JSON>\t<payload>``, the key
  naming a file's content and how it was linted, the payload its outcome (facts,
  listener diagnostics, suppressions) in the ``convexlint.codec`` encoding. A run
  appends its new entries; the file is rewritten without stale lines once they would
  outnumber the live ones. A torn line (a run killed while appending) decodes as a miss. Decoded only when the run's input changed; project rules
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
#: Whole-run results kept (a full run and a few partial ones, e.g. a pre-commit hook's).
RUNS_KEPT = 4
#: A file whose mtime is this close to the moment it was read is hashed again next time.
RACY_NS = 2_000_000_000


def fingerprint(*parts: Any) -> str:
    """A stable hash of JSON-serializable parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def entry_key(digest: str, rel: str, functions_dir: str | None, is_server: bool, extra: str = "") -> str:
    """The key of one file's outcome: its content digest and how it was linted (``extra``:
    anything else its facts depend on, e.g. how a client file's imports resolve)."""
    return hashlib.sha256(f"{digest}\0{rel}\0{functions_dir}\0{is_server}\0{extra}".encode()).hexdigest()


class Cache:
    """The cache of one run: ``digest`` files, ``get``/``put`` per-file payloads (strings),
    ``run_result``/``set_run_result`` for the whole run, then ``save``."""

    def __init__(self, directory: Path, run_fingerprint: str):
        self.directory = directory
        self.fingerprint = run_fingerprint
        self.header = json.dumps({"format": FORMAT, "fingerprint": run_fingerprint}, separators=(",", ":"))
        self.files: dict[str, list] = {}
        self.runs: dict[str, str] = {}  # run key -> payload, oldest first
        self._entries: dict[str, str] | None = None  # key -> rel, loaded on first get()
        self._payloads: dict[str, str] = {}  # key -> payload not yet taken by get()
        self._new: dict[str, tuple[str, str]] = {}
        self._used: set[str] = set()
        self._lines = 0  # entry lines in the entries file (stale ones included)
        self._appendable = False  # the entries file exists with this run's header
        self._index_dirty = False
        index = self._read("index.json")
        if index is not None:
            try:
                data = json.loads(index)
                files, runs = data["files"], data["runs"]
                if isinstance(files, dict) and isinstance(runs, dict):
                    self.files, self.runs = files, runs
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

    def _load_entries(self) -> dict[str, tuple[str, str]]:
        """``key -> (rel, payload)`` from the entries file (later lines win)."""
        entries: dict[str, tuple[str, str]] = {}
        body = self._read("entries.jsonl")
        self._appendable = body is not None
        lines = (body or "").splitlines()
        self._lines = len(lines)
        for line in lines:
            parts = line.split("\t", 2)
            if len(parts) == 3:
                try:
                    entries[parts[0]] = (json.loads(parts[1]), parts[2])
                except ValueError:
                    continue
        return entries

    def get(self, key: str) -> str | None:
        """The payload stored under ``key``, at most once per run (it is then dropped from
        memory; a compaction reads it from the file again)."""
        if self._entries is None:
            loaded = self._load_entries()
            self._entries = {k: rel for k, (rel, _) in loaded.items()}
            self._payloads = {k: payload for k, (_, payload) in loaded.items()}
        payload = self._payloads.pop(key, None)
        if payload is not None:
            self._used.add(key)
        return payload

    def put(self, key: str, rel: str, payload: str) -> None:
        self._new[key] = (rel, payload)
        self._used.add(key)

    # -- whole run -----------------------------------------------------------------------

    def run_result(self, run_key: str) -> str | None:
        """The stored result of a run with exactly this input, else None."""
        payload = self.runs.get(run_key)
        return payload if isinstance(payload, str) else None

    def set_run_result(self, run_key: str, payload: str) -> None:
        if self.runs.get(run_key) != payload:
            self.runs.pop(run_key, None)
            self.runs[run_key] = payload
            while len(self.runs) > RUNS_KEPT:
                del self.runs[next(iter(self.runs))]
            self._index_dirty = True

    def save(self, root: Path, live: set[str]) -> None:
        """Write what changed (the index atomically; entries see ``_save_entries``). ``live``: the rel paths (under ``root``) this run
        read. Stale data is dropped: entries of a live path not used by this run (its old
        contents) and anything about paths that no longer exist; what belongs to files this
        run did not read is kept, so linting a few files does not forget the rest.
        Failures (read-only directory, full disk) are ignored: the cache is an optimisation."""

        def keep(rel: str) -> bool:
            return rel in live or os.path.exists(root / rel)

        try:
            if self._entries is not None:
                self._save_entries(live, keep)
            if self._index_dirty:
                self.files = {rel: v for rel, v in self.files.items() if keep(rel)}
                self._write("index.json", json.dumps({"files": self.files, "runs": self.runs}, separators=(",", ":")))
        except (OSError, TypeError, ValueError):
            pass  # the cache is an optimisation; never fail a run over it

    def _save_entries(self, live: set[str], keep) -> None:
        """Append this run's new entries to the entries file (a log: on load, later lines
        win), or rewrite it with only the live entries once stale lines would outnumber
        them (compaction)."""
        assert self._entries is not None
        kept = {k for k, rel in self._entries.items() if k in self._used or (rel not in live and keep(rel))}
        kept.update(self._new)
        stale = self._lines + len(self._new) - len(kept)
        if self._appendable and stale <= max(len(kept), 64):
            if self._new:
                lines = "".join(f"\n{k}\t{json.dumps(rel)}\t{payload}" for k, (rel, payload) in self._new.items())
                with open(self.directory / "entries.jsonl", "a", encoding="utf-8") as f:
                    f.write(lines)  # one write: concurrent runs do not interleave within a line
            return
        entries = {k: v for k, v in self._load_entries().items() if k in kept}
        entries.update(self._new)
        lines = "\n".join(f"{k}\t{json.dumps(rel)}\t{payload}" for k, (rel, payload) in sorted(entries.items()))
        self._write("entries.jsonl", lines)

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
