"""invalid-cron: cron definitions Convex rejects when ``crons.ts`` loads.

Source: BE. Duplicate job names; ``minuteUTC`` outside 0-59, ``hourUTC`` outside 0-23,
``day`` outside 1-31; interval fields that are not positive; cron expressions without 5
fields or with out-of-range values; a target that is not a function reference (e.g. a
string).
"""

from __future__ import annotations

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule

_RANGES = {"minuteUTC": (0, 59), "hourUTC": (0, 23), "day": (1, 31)}
_CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def _cron_problem(expr: str) -> tuple[str, dict] | None:
    """The message key and data of what is wrong with a cron expression, or None."""
    fields = expr.split()
    if len(fields) != 5:
        return "cron_field_count", {"expr": expr, "count": len(fields)}
    for value, (lo, hi), name in zip(fields, _CRON_RANGES, ("minute", "hour", "day", "month", "weekday")):
        for part in value.split(","):
            base = part.split("/")[0]
            if base == "*":
                continue
            for number in base.split("-"):
                if number.isdigit() and not lo <= int(number) <= hi:
                    return "cron_out_of_range", {"field": name, "value": number, "low": lo, "high": hi}
    return None


class InvalidCron(Rule):
    id = "invalid-cron"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts in project.files_to_check():
            names: set[str] = set()
            for cron in facts.crons:
                problem: tuple[str, dict] | None = None
                span = cron.span
                if cron.name is not None and cron.name in names:
                    problem, span = ("duplicate_name", {}), cron.name_span or span
                elif cron.method == "interval":
                    bad = [k for k, v in cron.schedule.items() if v <= 0]
                    if bad:
                        problem, span = ("not_positive", {"field": bad[0]}), cron.schedule_span or span
                elif cron.method == "cron" and cron.cron_string is not None:
                    problem = _cron_problem(cron.cron_string)
                    span = cron.schedule_span or span
                else:
                    for key, (lo, hi) in _RANGES.items():
                        value = cron.schedule.get(key)
                        if value is not None and not lo <= value <= hi:
                            problem = ("out_of_range", {"field": key, "value": value, "low": lo, "high": hi})
                            span = cron.schedule_span or span
                            break
                if problem is None and cron.has_ref_arg and cron.ref is None and cron.ref_span is not None:
                    problem, span = ("target_not_reference", {}), cron.ref_span
                if cron.name is not None:
                    names.add(cron.name)
                if problem is not None:
                    message_id, data = problem
                    # A job name that is not a string literal is shown as `…`.
                    ctx.report(self, facts.path, span, message_id, name=cron.name or "…", **data)
