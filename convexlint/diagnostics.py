"""The linting vocabulary: severities, spans and diagnostics.

Spans carry both machine and human coordinates so they can be cached and rendered without
the source: ``start_byte``/``end_byte`` are 0-based UTF-8 byte offsets into the file
(end exclusive); ``start_line``/``end_line`` are 1-based; ``start_col``/``end_col`` are
1-based columns counted in UTF-16 code units (what editors and SARIF's
``utf16CodeUnits`` column kind expect), with ``end_col`` pointing just past the last
character of the span.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.IntEnum):
    """How much a diagnostic matters. Ordered so that ``ERROR > WARNING > INFO``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Severity":
        """``"error" | "warning" | "info"`` -> Severity; raises ``ValueError`` otherwise."""
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(slots=True, unsafe_hash=True)
class Span:
    """A region of one source file (see the module docstring for units). Treat it as
    immutable: it is hashable, but not ``frozen`` because frozen dataclasses are several
    times slower to create and the model creates one for nearly every fact."""

    start_byte: int
    end_byte: int
    start_line: int
    start_col: int
    end_line: int
    end_col: int

    def to_dict(self) -> dict:
        return {
            "start_byte": self.start_byte,
            "end_byte": self.end_byte,
            "start_line": self.start_line,
            "start_col": self.start_col,
            "end_line": self.end_line,
            "end_col": self.end_col,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Span":
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace bytes ``[start_byte, end_byte)`` of the file at ``path`` (relative to the
    working directory, ``/`` separators) with ``text``. Offsets are 0-based byte offsets
    into the file as read; an insertion has ``start_byte == end_byte``."""

    path: str
    start_byte: int
    end_byte: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A diagnostic's fix: non-overlapping ``edits`` (possibly in several files), applied
    together or not at all. ``applicability`` is ``"safe"`` (meaning preserved: applied by
    ``--fix``) or ``"unsafe"`` (may change behaviour: only with ``--unsafe-fixes``), from
    the rule's record."""

    edits: tuple[Edit, ...]
    applicability: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding of one rule in one file.

    ``path`` is the file's path relative to the working directory, with ``/`` separators.
    ``help`` is an imperative sentence saying what to do; ``url`` links the rule's docs.
    """

    rule: str
    severity: Severity
    message: str
    path: str
    span: Span
    help: str = ""
    url: str = ""
    fix: Fix | None = None
    # Sort key pieces are derived; nothing else is stored.

    def sort_key(self) -> tuple:
        return (self.path, self.span.start_byte, self.span.end_byte, self.rule, self.message)


@dataclass(slots=True)
class LintResult:
    """What one lint run produced: diagnostics (sorted, deduplicated) and counts."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0
    sources: Mapping[str, str] = field(default_factory=dict)  # rel path -> text, for code frames
    elapsed: float = 0.0
    #: Findings the baseline (``convexlint-suppressions.json``) hides: not reported, not
    #: failing; SARIF lists them as suppressed (see ``baseline``).
    baselined: list[Diagnostic] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


class SourceTexts(Mapping):
    """``rel path -> text`` of the reported files, each read (strict UTF-8) on first use:
    reporters need the text of the few files with findings, not of every file checked.
    ``overlay`` (absolute path -> bytes): text read instead of the disk (what the linter
    linted: ``--stdin-filename``, ``--fix`` passes). A file that can no longer be read or
    decoded is absent."""

    def __init__(self, paths: dict[str, Path], overlay: Mapping[Path, bytes] | None = None):
        self._paths = paths
        self._overlay = overlay if overlay is not None else {}
        self._texts: dict[str, str | None] = {}

    def __getitem__(self, rel: str) -> str:
        if rel not in self._texts:
            path = self._paths[rel]
            try:
                data = self._overlay.get(path)
                self._texts[rel] = (data if data is not None else path.read_bytes()).decode("utf-8")
            except (OSError, UnicodeDecodeError):
                self._texts[rel] = None
        text = self._texts[rel]
        if text is None:
            raise KeyError(rel)
        return text

    def __iter__(self):
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)
