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


def _cron_problem(expr: str) -> str | None:
    fields = expr.split()
    if len(fields) != 5:
        return f"`{expr}` needs 5 fields (minute hour day month weekday), it has {len(fields)}"
    for value, (lo, hi), name in zip(fields, _CRON_RANGES, ("minute", "hour", "day", "month", "weekday")):
        for part in value.split(","):
            base = part.split("/")[0]
            if base == "*":
                continue
            for number in base.split("-"):
                if number.isdigit() and not lo <= int(number) <= hi:
                    return f"{name} `{number}` is outside {lo}-{hi}"
    return None


class InvalidCron(Rule):
    id = "invalid-cron"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts in project.files.values():
            names: set[str] = set()
            for cron in facts.crons:
                problem = None
                span = cron.span
                if cron.name is not None and cron.name in names:
                    problem, span = f"a job named `{cron.name}` already exists", cron.name_span or span
                elif cron.method == "interval":
                    bad = [k for k, v in cron.schedule.items() if v <= 0]
                    if bad:
                        problem, span = f"`{bad[0]}` must be positive", cron.schedule_span or span
                elif cron.method == "cron" and cron.cron_string is not None:
                    problem = _cron_problem(cron.cron_string)
                    span = cron.schedule_span or span
                else:
                    for key, (lo, hi) in _RANGES.items():
                        value = cron.schedule.get(key)
                        if value is not None and not lo <= value <= hi:
                            problem, span = f"`{key}: {value}` is outside {lo}-{hi}", cron.schedule_span or span
                            break
                if problem is None and cron.has_ref_arg and cron.ref is None and cron.ref_span is not None:
                    problem, span = "the target must be a function reference such as `internal.module.fn`", cron.ref_span
                if cron.name is not None:
                    names.add(cron.name)
                if problem is not None:
                    ctx.report(self, facts.path, span, f"Invalid cron `{cron.name}`: {problem}.")
