"""Suppression comments.

Syntax (ids separated by commas or spaces; no ids means every rule; ``-- reason`` optional)::

    // convexlint-disable-next-line no-filter-in-query -- legacy table, tiny
    foo(); // convexlint-disable-line require-internal-reference
    /* convexlint-disable http-action-cors */ ... /* convexlint-enable http-action-cors */
    // convexlint-disable-file index-name-convention

A directive must start the comment. Lines are 1-based. A suppression naming an unknown rule,
and a ``convexlint-disable`` range with no matching ``convexlint-enable`` (it silences the
rest of the file; ``convexlint-disable-file`` says that on purpose), are reported as
``invalid-suppression``; one that suppressed nothing can be reported as
``unused-suppression`` (``--report-unused-disables``).

For teams moving from the official ESLint plugin, ESLint directives that name
``@convex-dev/<id>`` suppress the convexlint rule of the same id::

    // eslint-disable-next-line @convex-dev/no-filter-in-query
    /* eslint-disable @convex-dev/no-process-env */

Other ESLint rule names in those comments are ESLint's business and are ignored, as are
blanket ESLint directives; ESLint directives are never reported as unused.

Where an ESLint directive applies. A convexlint directive covers a finding whose *first*
line it covers. An ESLint directive covers a finding when it covers *any* line of the
finding's span: ESLint matches a directive against the start line of the node the plugin
reports, and convexlint reports the same node (or one starting on the same line) where it
can - then the two agree - but where its node is wider than the plugin's, the plugin's
node, and so the line an existing ``eslint-disable-next-line`` comment was written for,
lies inside convexlint's span. Example: ``no-top-of-hour-crons`` reports the whole schedule
argument, the plugin only its ``minuteUTC: 0`` property, so in a schedule object written
over several lines this suppresses the finding::

    crons.daily("digest", {
      hourUTC: 8,
      // eslint-disable-next-line @convex-dev/no-top-of-hour-crons
      minuteUTC: 0,
    }, internal.mail.digest);

This is the one mechanism: it needs nothing but the finding's span, so it works the same
for per-file and project rules, in worker processes and from the cache. Rule records say
under ``differences:`` where their node differs from the plugin's on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field

from tree_sitter import Node

from convexlint.diagnostics import Diagnostic, Span
from convexlint.parsing import SourceFile

_DIRECTIVE = re.compile(
    r"^(?://|/\*)\s*(convexlint|eslint)-(disable-next-line|disable-line|disable-file|disable|enable)(?![\w-])(.*?)(?:\*/)?\s*$",
    re.DOTALL,
)
_ESLINT_PREFIX = "@convex-dev/"


@dataclass
class Suppression:
    """One directive: what it covers (``rules`` None = every rule) and where it stands."""

    kind: str
    rules: tuple[str, ...] | None
    span: Span
    first_line: int
    last_line: int  # inclusive; for ranges, the line of the matching enable (or EOF)
    used: set[str] = field(default_factory=set)  # rule ids it suppressed ("*" for blanket)
    eslint: bool = False  # an ESLint directive naming @convex-dev/<id> rules

    def covers(self, rule: str, span: Span) -> bool:
        """Whether this directive suppresses a finding of ``rule`` at ``span``: its first line
        is covered, or, for an ESLint directive, any of its lines (see the module docstring)."""
        last = span.end_line if self.eslint else span.start_line
        if self.last_line < span.start_line or self.first_line > last:
            return False
        return self.rules is None or rule in self.rules


def _parse_ids(rest: str) -> tuple[tuple[str, ...] | None, str]:
    body, _, reason = rest.partition("--")
    ids = tuple(i for i in re.split(r"[\s,]+", body.strip()) if i)
    return (ids or None), reason.strip()


@dataclass
class FileSuppressions:
    """The suppressions of one file, and the diagnostics about them."""

    items: list[Suppression]
    problems: list[tuple[Span, str, str, dict]]  # (span, rule id, message key, data) for invalid directives

    def suppresses(self, diag: Diagnostic) -> bool:
        hit = False
        for s in self.items:
            if s.covers(diag.rule, diag.span):
                s.used.add(diag.rule)
                hit = True
        return hit


def parse_suppressions(source: SourceFile, comments: list[Node], known_rules: set[str]) -> FileSuppressions:
    """Read every suppression directive among ``comments`` (tree-sitter comment nodes)."""
    items: list[Suppression] = []
    problems: list[tuple[Span, str, str, dict]] = []
    open_ranges: list[Suppression] = []
    last_line = source.text.count("\n") + 1
    for node in sorted(comments, key=lambda n: n.start_byte):
        raw = source.node_text(node)
        m = _DIRECTIVE.match(raw)
        if m is None:
            continue
        tool, kind, rest = m.group(1), m.group(2), m.group(3)
        rules, _reason = _parse_ids(rest)
        span = source.node_span(node)
        eslint = tool == "eslint"
        if eslint:
            if kind == "enable" and rules is None:  # a bare `eslint-enable` ends every ESLint range open
                for s in [s for s in open_ranges if s.eslint]:
                    s.last_line = span.start_line
                    open_ranges.remove(s)
                continue
            if kind == "disable-file" or rules is None:
                continue  # blanket ESLint directives are ESLint's business
            rules = tuple(r[len(_ESLINT_PREFIX):] for r in rules if r.startswith(_ESLINT_PREFIX))
            rules = tuple(r for r in rules if r in known_rules)
            if not rules:
                continue
        elif rules is not None:
            unknown = [r for r in rules if r not in known_rules]
            for r in unknown:
                problems.append((span, "invalid-suppression", "unknown_rule", {"directive": f"convexlint-{kind}", "rule": r}))
            rules = tuple(r for r in rules if r in known_rules) or (None if not unknown else ())
            if rules == ():
                continue
        line = span.start_line
        if kind == "disable-next-line":
            items.append(Suppression(kind, rules, span, span.end_line + 1, span.end_line + 1, eslint=eslint))
        elif kind == "disable-line":
            items.append(Suppression(kind, rules, span, line, line, eslint=eslint))
        elif kind == "disable-file":
            items.append(Suppression(kind, rules, span, 1, last_line))
        elif kind == "disable":
            s = Suppression(kind, rules, span, line, last_line, eslint=eslint)
            items.append(s)
            open_ranges.append(s)
        elif kind == "enable":
            # A blanket enable closes every open range; a named one the latest range it matches.
            for s in reversed(list(open_ranges)):
                if rules is None or s.rules is None or set(rules) & set(s.rules):
                    s.last_line = line
                    open_ranges.remove(s)
                    if rules is not None:
                        break
    for s in open_ranges:  # a range never closed silences the rest of the file
        if not s.eslint:  # ESLint's block form is commonly left open on purpose; `-file` is ours
            directive = "convexlint-disable" + (f" {', '.join(s.rules)}" if s.rules else "")
            problems.append((s.span, "invalid-suppression", "unclosed", {"directive": directive}))
    return FileSuppressions(items, problems)


def id_removal(comment: bytes, rule: str) -> tuple[int, int] | None:
    """The bytes of ``comment`` (a directive's text) to delete to drop ``rule`` from its id
    list, separator included (``a, b, c`` -> ``a, c``; ``a b`` -> ``a``), as offsets into
    ``comment``; None when the id is not found in the list (before ``--`` or ``*/``)."""
    text = comment.decode("utf-8", errors="replace")
    ids_from = text.find("-disable") + len("-disable")
    end = min(i for i in (text.find("--", ids_from), text.find("*/"), len(text)) if i >= 0)
    m = re.search(r"(?<=[\s,])" + re.escape(rule) + r"(?=[\s,]|$)", text[:end])
    if m is None:
        return None
    start, stop = m.start(), m.end()
    after = re.match(r"\s*,\s*|\s+(?=\S)", text[stop:end])
    if after is not None and text[stop + after.end() : end].strip():
        stop += after.end()  # an id follows: take the separator after this one
    else:
        before = re.search(r"\s*,\s*$|\s+$", text[:start])  # the last id: take the separator before it
        start = before.start() if before is not None else start
    return len(text[:start].encode()), len(text[:stop].encode())


def unused(file_supps: FileSuppressions, enabled: Container[str]) -> list[tuple[Span, str, dict, str | None]]:
    """``(span, message key, data, rule)`` (``unused-suppression``'s messages) for each
    directive (or named id) that suppressed nothing; ``rule`` is None when the directive as
    a whole suppressed nothing (removing the comment is the fix), else the id to drop from
    its list (``id_removal``). Ids of rules not ``enabled`` for the file are never unused:
    a run with ``--select`` or without ``--preview`` cannot know whether they suppress
    something, and its ``--fix`` must not strip them."""
    out = []
    for s in file_supps.items:
        if s.eslint:
            continue
        if s.rules is None:
            if not s.used:
                out.append((s.span, "unused", {"directive": f"convexlint-{s.kind}"}, None))
            continue
        whole = not any(r in s.used or r not in enabled for r in s.rules)
        for r in s.rules:
            if r not in s.used and r in enabled:
                out.append((s.span, "unused", {"directive": f"convexlint-{s.kind} {r}"}, None if whole else r))
    return out
