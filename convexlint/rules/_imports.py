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
    """Edits removing one named import: with the separator after it (or, when it is the
    last, before it); the whole statement and its line break when it is the only name."""
    siblings = sorted((i for i in facts.imports if i.span == imp.span), key=lambda i: i.span.start_byte if i.specifier_span is None else i.specifier_span.start_byte)
    if any(i.specifier_span is None for i in siblings) or imp.specifier_span is None:
        return None  # a default or namespace import in the statement: left to a person
    if len(siblings) == 1:
        end = imp.span.end_byte + (1 if data[imp.span.end_byte : imp.span.end_byte + 1] == b"\n" else 0)
        return [Edit(facts.path, imp.span.start_byte, end, "")]
    k = siblings.index(imp)
    if k + 1 < len(siblings):
        return [Edit(facts.path, imp.specifier_span.start_byte, siblings[k + 1].specifier_span.start_byte, "")]  # type: ignore[union-attr]
    return [Edit(facts.path, siblings[k - 1].specifier_span.end_byte, imp.specifier_span.end_byte, "")]  # type: ignore[union-attr]
