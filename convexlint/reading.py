"""Reading input files without ever blocking: only regular files are opened.

A FIFO (named pipe) inside ``convex/`` or where a cache file should be would block
``open()``/``read()`` forever; a socket or device is no source file either. Everything that
reads a file the user did not write for convexlint (sources, ``package.json``, configs,
cache files) goes through here or checks ``is_regular`` first.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

_COMMENT = re.compile(r'("(?:[^"\\\n]|\\.)*")|//[^\n]*|/\*.*?\*/', re.S)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def is_regular(path: Path | str) -> bool:
    """Whether ``path`` is a regular file (symlinks followed); False when it cannot be
    stat'ed."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_regular(path: Path | str, *, errors: bool = False) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (symlinks followed), else None: a FIFO,
    socket, device or directory is never read, and the check cannot block (the file is
    opened with ``O_NONBLOCK`` where the platform has it and checked with ``fstat`` on
    the open descriptor, so no stat-then-open race either).
    None also when it cannot be opened or read, unless ``errors``: then that ``OSError``
    (or ``ValueError`` for a NUL in the path) is raised, so the caller can say why."""
    try:
        # A read-only O_NONBLOCK open returns at once even for a FIFO; fstat then decides.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            return f.read()
    except (OSError, ValueError):
        if errors:
            raise
        return None


def read_text(path: Path | str) -> str | None:
    """The UTF-8 text of a regular file (``read_regular``), or None when it is missing, not
    a regular file, unreadable or not UTF-8."""
    data = read_regular(path)
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_json(path: Path | str, *, jsonc: bool = False):
    """A JSON file's value, or None when it cannot be read or parsed; ``jsonc`` accepts
    comments and trailing commas (``tsconfig.json``)."""
    text = read_text(path)
    if text is None:
        return None
    if jsonc:
        text = _COMMENT.sub(lambda m: m.group(1) or "", text)
        text = _TRAILING_COMMA.sub(r"\1", text)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def upward(start: Path, stop: Path | None = None) -> Iterator[Path]:
    """``start`` and its parents, up to ``stop`` (included) or the file system's root."""
    d = start
    while True:
        yield d
        if d == stop or d.parent == d:
            return
        d = d.parent
