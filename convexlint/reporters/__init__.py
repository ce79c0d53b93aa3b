"""Reporters turn a ``LintResult`` into text, JSON, SARIF or GitHub annotations.

Each module exposes ``render(result, records, **options) -> str``.
"""

from __future__ import annotations

FORMATS = ("text", "json", "sarif", "github")
