"""Reporters turn a ``LintResult`` into text, concise text, JSON, SARIF or GitHub
annotations. ``convexlint.report`` picks one by name and writes it.
"""

from __future__ import annotations

FORMATS = ("text", "concise", "json", "sarif", "github")
