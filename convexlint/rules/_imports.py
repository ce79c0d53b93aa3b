"""Edits of a file's named imports, for fixes that change which names a file uses."""

from __future__ import annotations

import re
from collections.abc import Callable

from convexlint.diagnostics import Edit
from convexlint.model.facts import FileFacts, ImportFact


def mentions(data: bytes, name: str) -> int:
    """How many times the identifier ``name`` appears in ``data`` (code, strings and
    comments alike, but not as a property ``x.name``): an upper bound on its uses."""
    return len(re.findall(rb"(?<![\w$.])" + re.escape(name.encode()) + rb"(?![\w$])", data))


def named_import(facts: FileFacts, name: str, source: Callable[[str], bool]) -> ImportFact | None:
    """The value import ``{ name }`` (not renamed) from a module ``source`` accepts."""
    for imp in facts.imports:
        if imp.imported == name and imp.local == name and not imp.type_only and source(imp.source) and imp.specifier_span is not None:
            return imp
    return None


def swap_import(facts: FileFacts, data: bytes, old: str, new: str, source: Callable[[str], bool], old_uses_left: int) -> list[Edit] | None:
    """Edits making ``new`` imported beside (or, when ``old_uses_left`` is 0, instead of)
    ``old`` in the file's ``import { old } from <source>``: no edit when ``new`` is already
    imported (and ``old`` still used), None when ``old`` is not imported that way."""
    have_new = named_import(facts, new, source)
    have_old = named_import(facts, old, source)
    if have_old is None:
        return None if have_new is None else []
    span = have_old.specifier_span
    assert span is not None
    if old_uses_left > 0:
        return [] if have_new is not None else [Edit(facts.path, span.end_byte, span.end_byte, f", {new}")]
    if have_new is not None:
        return cut_specifier(facts, data, have_old)  # `old` would be left unused
    return [Edit(facts.path, span.start_byte, span.end_byte, new)]


def cut_specifier(facts: FileFacts, data: bytes, imp: ImportFact) -> list[Edit] | None:
    """Edits removing one named import (see ``cut_specifiers``)."""
    return cut_specifiers(facts, data, [imp])


def cut_specifiers(facts: FileFacts, data: bytes, cut: list[ImportFact]) -> list[Edit] | None:
    """Edits removing the named imports ``cut`` of one import statement: each with the
    separator after it, or (after the last one kept) with the separator before it, so the
    braces keep a well-formed list; the whole statement and its line break when nothing is
    kept. None when a default or namespace import shares the statement."""
    stmt = cut[0].span
    siblings = [i for i in facts.imports if i.span == stmt]
    if any(i.specifier_span is None for i in siblings):
        return None  # a default or namespace import in the statement: left to a person
    order = sorted(siblings, key=lambda i: i.specifier_span.start_byte)  # type: ignore[union-attr]
    kept = [k for k, i in enumerate(order) if i not in cut]
    if not kept:
        end = stmt.end_byte + (1 if data[stmt.end_byte : stmt.end_byte + 1] == b"\n" else 0)
        return [Edit(facts.path, stmt.start_byte, end, "")]
    last_kept = kept[-1]
    edits = []
    for k, i in enumerate(order):
        if i in cut and k < last_kept:
            edits.append(Edit(facts.path, i.specifier_span.start_byte, order[k + 1].specifier_span.start_byte, ""))  # type: ignore[union-attr]
    if last_kept + 1 < len(order):  # everything after the last kept name goes with the separator before it
        edits.append(Edit(facts.path, order[last_kept].specifier_span.end_byte, order[-1].specifier_span.end_byte, ""))  # type: ignore[union-attr]
    return edits
