"""Suppression comments: every directive form, unknown ids, unused directives."""

from __future__ import annotations

from conftest import lint, write_files

HEAD = 'import { internalQuery as query } from "./_generated/server";\nimport { v } from "convex/values";\n'
F = 'export const f{n} = query({{ args: {{}}, returns: v.any(), handler: async (ctx) => ctx.db.query("t").filter((q) => true).take(1) }});'


def rules_by_line(tmp_path, body, **kw):
    write_files(tmp_path, {"convex/a.ts": HEAD + body})
    return sorted((d.span.start_line, d.rule) for d in lint(["convex"], tmp_path, **kw).diagnostics)


def test_disable_next_line_with_reason(tmp_path):
    body = "// convexlint-disable-next-line no-filter-in-query -- tiny table\n" + F.format(n=1) + "\n" + F.format(n=2) + "\n"
    assert rules_by_line(tmp_path, body) == [(5, "no-filter-in-query")]


def test_disable_line_and_blanket(tmp_path):
    body = F.format(n=1) + " // convexlint-disable-line\n" + F.format(n=2) + " // convexlint-disable-line require-returns-validator\n"
    assert rules_by_line(tmp_path, body) == [(4, "no-filter-in-query")]


def test_block_range(tmp_path):
    body = "/* convexlint-disable no-filter-in-query */\n" + F.format(n=1) + "\n/* convexlint-enable no-filter-in-query */\n" + F.format(n=2) + "\n"
    assert rules_by_line(tmp_path, body) == [(6, "no-filter-in-query")]


def test_disable_file_and_multiple_ids(tmp_path):
    body = F.format(n=1) + "\n// convexlint-disable-file no-filter-in-query, require-returns-validator\n" + F.format(n=2) + "\n"
    assert rules_by_line(tmp_path, body) == []


def test_directive_must_start_the_comment_and_strings_do_not_count(tmp_path):
    body = '// see convexlint-disable-line no-filter-in-query\nconst s = "// convexlint-disable-next-line";\n' + F.format(n=1) + "\n"
    assert rules_by_line(tmp_path, body) == [(5, "no-filter-in-query")]


def test_unknown_rule_is_reported(tmp_path):
    body = "// convexlint-disable-next-line no-filter, no-filter-in-query\n" + F.format(n=1) + "\n"
    assert rules_by_line(tmp_path, body) == [(3, "invalid-suppression")]


def test_unused_only_with_flag(tmp_path):
    body = "// convexlint-disable-next-line require-internal-reference\n" + F.format(n=1) + "\n"
    assert rules_by_line(tmp_path, body) == [(4, "no-filter-in-query")]
    assert rules_by_line(tmp_path, body, report_unused=True) == [(3, "unused-suppression"), (4, "no-filter-in-query")]


def test_blanket_enable_closes_every_open_range(tmp_path):
    body = (
        "/* convexlint-disable no-filter-in-query */\n/* convexlint-disable require-returns-validator */\n"
        + F.format(n=1) + "\n/* convexlint-enable */\n" + F.format(n=2).replace("returns: v.any(), ", "") + "\n"
    )
    assert rules_by_line(tmp_path, body) == [(7, "no-filter-in-query"), (7, "require-returns-validator")]


def test_eslint_convex_dev_directives_suppress_the_same_rule(tmp_path):
    body = (
        "// eslint-disable-next-line @convex-dev/no-filter-in-query -- migrated from ESLint\n" + F.format(n=1) + "\n"
        + F.format(n=2) + " // eslint-disable-line @convex-dev/no-filter-in-query, no-console\n"
        + "/* eslint-disable @convex-dev/no-filter-in-query */\n" + F.format(n=3) + "\n"
        + "/* eslint-enable @convex-dev/no-filter-in-query */\n" + F.format(n=4) + "\n"
        + "// eslint-disable-next-line no-console\n" + F.format(n=5) + "\n"
        + "// eslint-disable-next-line\n" + F.format(n=6) + "\n"
    )
    assert rules_by_line(tmp_path, body, report_unused=True) == [(9, "no-filter-in-query"), (11, "no-filter-in-query"), (13, "no-filter-in-query")]


COLLECT = (
    'export const g{n} = query({{ args: {{}}, returns: v.any(), handler: async (ctx) => {{\n'
    "{comment}"
    "  const rows = await ctx.db\n"
    '    .query("t")\n'
    "    .collect();\n"
    "  return rows;\n"
    "}} }});\n"
)


def test_eslint_directive_on_the_plugins_line_suppresses_no_collect_in_query(tmp_path):
    # The plugin reports the whole `….collect()` call: its line is the chain's first one.
    placed = "  // eslint-disable-next-line @convex-dev/no-collect-in-query\n"
    body = COLLECT.format(n=1, comment=placed) + COLLECT.format(n=2, comment="")
    assert rules_by_line(tmp_path, body, select=["no-collect-in-query"]) == [(11, "no-collect-in-query")]


CRON_HEAD = 'import { cronJobs } from "convex/server";\nimport { internal } from "./_generated/api";\nconst crons = cronJobs();\n'
CRON = 'crons.daily("c{n}", {{\n  hourUTC: 7,\n{comment}  minuteUTC: 0,\n}}, internal.a.b);\n'


def cron_lines(tmp_path, body):
    write_files(tmp_path, {"convex/crons.ts": CRON_HEAD + body + "export default crons;\n"})
    result = lint(["convex"], tmp_path, select=["no-top-of-hour-crons", "unused-suppression"], report_unused=True)
    return sorted((d.span.start_line, d.rule) for d in result.diagnostics)


def test_eslint_directive_inside_a_wider_span_suppresses(tmp_path):
    # The plugin reports `minuteUTC: 0`, convexlint the schedule object around it.
    placed = "  // eslint-disable-next-line @convex-dev/no-top-of-hour-crons\n"
    assert cron_lines(tmp_path, CRON.format(n=1, comment=placed) + CRON.format(n=2, comment="")) == [(9, "no-top-of-hour-crons")]


def test_eslint_directive_outside_the_span_or_convexlint_inside_it_does_not(tmp_path):
    body = (
        "// eslint-disable-next-line @convex-dev/no-top-of-hour-crons\n\n"  # covers a blank line
        + CRON.format(n=1, comment="")
        # convexlint's own directives still cover a finding's first line only
        + CRON.format(n=2, comment="  // convexlint-disable-next-line no-top-of-hour-crons\n")
    )
    assert cron_lines(tmp_path, body) == [(6, "no-top-of-hour-crons"), (10, "no-top-of-hour-crons"), (12, "unused-suppression")]


def _unclosed(tmp_path, body):
    write_files(tmp_path, {"convex/a.ts": HEAD + body})
    return [(d.span.start_line, d.span.start_col, d.message) for d in lint(["convex"], tmp_path).diagnostics if d.rule == "invalid-suppression"]


def test_a_range_without_enable_is_reported_at_the_directive_and_still_suppresses(tmp_path):
    body = F.format(n=1) + "\n  /* convexlint-disable no-filter-in-query */\n" + F.format(n=2) + "\n" + F.format(n=3) + "\n"
    assert rules_by_line(tmp_path, body) == [(3, "no-filter-in-query"), (4, "invalid-suppression")]
    assert _unclosed(tmp_path, body) == [
        (4, 3, "`convexlint-disable no-filter-in-query` has no matching `convexlint-enable`: it silences the rest of the file.")
    ]


def test_a_blanket_range_without_enable_is_reported(tmp_path):
    body = "// convexlint-disable\n" + F.format(n=1) + "\n"
    assert _unclosed(tmp_path, body) == [(3, 1, "`convexlint-disable` has no matching `convexlint-enable`: it silences the rest of the file.")]


def test_an_enable_naming_another_rule_leaves_the_range_open(tmp_path):
    body = "/* convexlint-disable no-filter-in-query */\n" + F.format(n=1) + "\n/* convexlint-enable require-returns-validator */\n"
    assert [line for line, _, _ in _unclosed(tmp_path, body)] == [3]


def test_closed_ranges_file_directives_and_eslint_blocks_are_not_unclosed(tmp_path):
    body = (
        "// convexlint-disable-file require-returns-validator\n"
        "/* eslint-disable @convex-dev/no-filter-in-query */\n"
        "/* convexlint-disable no-filter-in-query */\n" + F.format(n=1) + "\n/* convexlint-enable no-filter-in-query */\n"
        "/* convexlint-disable */\n" + F.format(n=2) + "\n/* convexlint-enable */\n"
    )
    assert _unclosed(tmp_path, body) == []


def test_a_bare_eslint_enable_ends_an_eslint_range(tmp_path):
    # the README's and the official plugin's form: a named disable, a bare enable
    body = "/* eslint-disable @convex-dev/no-filter-in-query */\n" + F.format(n=1) + "\n/* eslint-enable */\n" + F.format(n=2) + "\n"
    assert rules_by_line(tmp_path, body) == [(6, "no-filter-in-query")]
    # a named enable of another plugin's rule leaves ours open
    body = "/* eslint-disable @convex-dev/no-filter-in-query */\n" + F.format(n=1) + "\n/* eslint-enable no-console */\n" + F.format(n=2) + "\n"
    assert rules_by_line(tmp_path, body) == []
