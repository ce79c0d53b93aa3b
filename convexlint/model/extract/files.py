"""What kind of file this is, from its path alone: a Convex entry point, a test file."""

from __future__ import annotations

import re


def is_entry_point(relpath: str) -> bool:
    """Whether Convex bundles a file of the functions directory as a module of its own.

    Mirrors Convex's bundler (and the ESLint plugin's ``isEntryPoint``): not under
    ``_generated/``, the base name not starting with ``.`` or ``#``, not ``schema.ts``, at
    most one dot before the extension (``auth.config.ts``, ``foo.test.ts`` are not), and
    no spaces. ``relpath`` is relative to the functions directory, with its extension.
    """
    base = relpath.rsplit("/", 1)[-1]
    if "_generated/" in relpath or base.startswith((".", "#")) or " " in relpath:
        return False
    if base in ("schema.ts", "schema.js"):
        return False
    return base.count(".") <= 1


_LEADING_COMMENTS = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_GENERATED = re.compile(rb"auto-?generated|@generated|do not (?:edit|modify)", re.IGNORECASE)


def declares_generated(data: bytes) -> bool:
    """Whether the file's leading comments (before any code, first 2 KiB) say a tool
    generated it: ``// This file is auto-generated… Do not edit``, ``@generated``."""
    head = _LEADING_COMMENTS.match(data[:2048])
    return head is not None and bool(_GENERATED.search(head.group(0)))


def is_test_file(path: str) -> bool:
    """``*.test.*``, ``*.spec.*`` and files under ``__tests__/``."""
    base = path.rsplit("/", 1)[-1]
    return ".test." in base or ".spec." in base or "__tests__/" in path
