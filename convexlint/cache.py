"""A persistent cache, so re-runs skip parsing unchanged files and unchanged projects.

Two files in the cache directory (default ``.convexlint_cache/`` in the working
directory, with its own ``.gitignore``), each starting with a header line naming the
format and a fingerprint of the convexlint version, the resolved configuration and the
enabled rules, so any change to those starts afresh:

- ``index.json``: after the header, a line holding the checksum of the rest, then a JSON
  object: for each file, its size, mtime (ns), inode and content digest, so an
  unchanged file is not even read (a file modified less than ``RACY_NS`` before it was
  read is never trusted by its stat, as git does with "racily clean" entries); and the
  final results of the last ``RUNS_KEPT`` runs, each under the key of its whole input
  (every file's content key, what was named, the generated ``env``), replayed when
  nothing changed, each stored with its own checksum (of run key and payload).
- ``entries.jsonl``: a log of lines ``<key>\t<checksum>\t<rel path as JSON>\t<payload>``
  (the checksum covers the other three), the key
  naming a file's content and how it was linted, the payload its outcome (facts,
  listener diagnostics, suppressions) in the ``convexlint.codec`` encoding. A run
  appends its new entries; the file is rewritten without stale lines once they would
  outnumber the live ones. A torn line (a run killed while appending) decodes as a miss. Decoded only when the run's input changed; project rules
  are then recomputed from every file's facts, so a change to ``schema.ts`` or a wrapper in
  ``convex/lib`` re-judges every file that depends on it.

A corrupt, foreign or unreadable cache (or entry) is ignored and rebuilt, never an error:
a payload whose checksum does not match, or whose decoded shape is not exactly what was
written (checked strictly here for the index, by ``codec`` and the engine for payloads),
is a miss, and any exception while reading or decoding counts as corruption. Only regular
files are read (a FIFO or device where a cache file should be is skipped, never opened
in a way that blocks). Writes are atomic (temporary file + rename) and failures to write
are ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from convexlint.reading import read_regular, read_text

FORMAT = 5
#: Whole-run results kept (a full run and a few partial ones, e.g. a pre-commit hook's).
RUNS_KEPT = 4
#: A file whose mtime is this close to the moment it was read is hashed again next time.
RACY_NS = 2_000_000_000
#: A content digest as ``Cache.digest`` stores it.
_DIGEST = re.compile(r"[0-9a-f]{64}")


def checksum(*parts: str) -> str:
    """A 128-bit hex checksum of ``parts`` (joined unambiguously), stored beside every cache
    payload so that a flipped byte, a truncated or hand-edited line is never trusted."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()[:32]


def _valid_index(data: Any) -> bool:
    """Whether decoded ``index.json`` data has exactly the shape ``save`` writes:
    ``{"files": {rel: [size, mtime_ns, inode, digest]}, "runs": {run key: [checksum, payload]}}``."""
    if type(data) is not dict or set(data) != {"files", "runs"}:
        return False
    files, runs = data["files"], data["runs"]
    if type(files) is not dict or type(runs) is not dict:
        return False
    for entry in files.values():
        if type(entry) is not list or len(entry) != 4:
            return False
        size, mtime, ino, digest = entry
        if not (type(size) is type(mtime) is type(ino) is int) or type(digest) is not str or not _DIGEST.fullmatch(digest):
            return False
    for entry in runs.values():
        if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not str or type(entry[1]) is not str:
            return False
    return True


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
        self.runs: dict[str, list[str]] = {}  # run key -> [checksum, payload], oldest first
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
                check, _, text = index.partition("\n")
                data = json.loads(text) if check == checksum(text) else None
                if _valid_index(data):
                    self.files, self.runs = data["files"], data["runs"]
                else:
                    self._index_dirty = True  # corrupt: rebuilt and overwritten
            except Exception:  # noqa: BLE001 - any failure (RecursionError too) is a miss
                self._index_dirty = True

    def _read(self, name: str) -> str | None:
        """The body of a cache file after a header matching this run, else None (also when
        it is not a regular file, cannot be read or is not UTF-8)."""
        text = read_text(self.directory / name)
        if text is None:
            return None
        header, _, body = text.partition("\n")
        return body if header == self.header else None

    # -- files ---------------------------------------------------------------------------

    def digest(self, rel: str, path: Path) -> str | None:
        """The content digest of ``path`` (stored under ``rel``), from its stat when it is
        unchanged since a trusted earlier read; None when it cannot be read."""
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None  # a FIFO or device: never read (it could block forever)
        known = self.files.get(rel)
        key = [st.st_size, st.st_mtime_ns, st.st_ino]
        if known is not None and known[:3] == key:
            return known[3]
        data = read_regular(path)
        if data is None:
            return None
        digest = hashlib.sha256(data).hexdigest()
        if st.st_mtime_ns < time.time_ns() - RACY_NS and len(data) == st.st_size:
            self.files[rel] = [*key, digest]
            self._index_dirty = True
        elif self.files.pop(rel, None) is not None:
            self._index_dirty = True
        return digest

    # -- per-file entries ----------------------------------------------------------------

    def _load_entries(self) -> dict[str, tuple[str, str]]:
        """``key -> (rel, payload)`` from the entries file (later lines win); a line whose
        checksum does not match (torn, flipped, edited) is skipped."""
        entries: dict[str, tuple[str, str]] = {}
        body = self._read("entries.jsonl")
        self._appendable = body is not None
        lines = (body or "").splitlines()
        self._lines = len(lines)
        for line in lines:
            parts = line.split("\t", 3)
            if len(parts) != 4:
                continue
            key, check, rel_json, payload = parts
            try:
                if check != checksum(key, rel_json, payload):
                    continue
                rel = json.loads(rel_json)
            except Exception:  # noqa: BLE001 - any failure is a miss
                continue
            if type(rel) is str:
                entries[key] = (rel, payload)
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
        """Store ``payload`` (a string without newlines, e.g. compact JSON) under ``key``
        for the file ``rel``; written by ``save``."""
        self._new[key] = (rel, payload)
        self._used.add(key)

    # -- whole run -----------------------------------------------------------------------

    def run_result(self, run_key: str) -> str | None:
        """The stored result of a run with exactly this input, else None (also when its
        checksum does not match)."""
        stored = self.runs.get(run_key)
        if stored is None:
            return None
        check, payload = stored
        if check != checksum(run_key, payload):
            self.runs.pop(run_key)  # corrupt: dropped, and the index rewritten
            self._index_dirty = True
            return None
        return payload

    def set_run_result(self, run_key: str, payload: str) -> None:
        """Remember ``payload`` (a string) as the result of the run keyed ``run_key``;
        only the last ``RUNS_KEPT`` runs are kept."""
        stored = [checksum(run_key, payload), payload]
        if self.runs.get(run_key) != stored:
            self.runs.pop(run_key, None)
            self.runs[run_key] = stored
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
                text = json.dumps({"files": self.files, "runs": self.runs}, separators=(",", ":"))
                self._write("index.json", f"{checksum(text)}\n{text}")
        except Exception:  # noqa: BLE001 - the cache is an optimisation; never fail a run over it
            pass

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
                lines = "".join("\n" + _entry_line(k, rel, payload) for k, (rel, payload) in self._new.items())
                # Never block on a FIFO put in its place (O_NONBLOCK: no reader is an error).
                flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
                with open(os.open(self.directory / "entries.jsonl", flags), "ab") as f:
                    if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                        return
                    f.write(lines.encode("utf-8", "surrogatepass"))  # one write: concurrent runs do not interleave within a line
            return
        entries = {k: v for k, v in self._load_entries().items() if k in kept}
        entries.update(self._new)
        lines = "\n".join(_entry_line(k, rel, payload) for k, (rel, payload) in sorted(entries.items()))
        self._write("entries.jsonl", lines)

    def _write(self, name: str, body: str) -> None:
        """Replace the cache file ``name`` with the header and ``body``, atomically (also
        when a FIFO or other non-regular file sits at its place)."""
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


def _entry_line(key: str, rel: str, payload: str) -> str:
    """One line of the entries file (see the module docstring)."""
    rel_json = json.dumps(rel)
    return f"{key}\t{checksum(key, rel_json, payload)}\t{rel_json}\t{payload}"
