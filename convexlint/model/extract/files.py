"""What kind of file this is, from its path alone: a Convex entry point, a test file."""

from __future__ import annotations


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


def is_test_file(path: str) -> bool:
    """``*.test.*``, ``*.spec.*`` and files under ``__tests__/``."""
    base = path.rsplit("/", 1)[-1]
    return ".test." in base or ".spec." in base or "__tests__/" in path
