"""no-top-of-hour-crons: crons at minute 0.

Source: the official ESLint plugin's rule of the same id. Minute 0 is the busiest minute
on the clock; pick another minute so background work does not pile up with everyone
else's. Mirrors the plugin: ``minuteUTC: 0`` in ``hourly/daily/weekly/monthly`` and cron
expressions whose minute field includes ``0`` (``0``, ``0-5``, ``0/30``), but not
``*/15``.
"""

from __future__ import annotations

import re

from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule


def minute_field_includes_zero(field: str) -> bool:
    return any(re.match(r"^0+([-/]|$)", part) for part in field.split(","))


class NoTopOfHourCrons(Rule):
    id = "no-top-of-hour-crons"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts in project.files_to_check():
            for cron in facts.crons:
                span = cron.schedule_span or cron.span
                name = cron.name or "…"  # a job name that is not a string literal is shown as `…`
                if cron.method in ("hourly", "daily", "weekly", "monthly") and cron.schedule.get("minuteUTC") == 0:
                    ctx.report(self, facts.path, span, "minute_utc_zero", name=name)
                elif cron.method == "cron" and cron.cron_string:
                    fields = cron.cron_string.split()
                    if fields and minute_field_includes_zero(fields[0]):
                        ctx.report(self, facts.path, span, "cron_expression", name=name, expression=cron.cron_string)
