"""Cron jobs: ``crons.<method>(name, schedule, functionRef, args?)`` on a ``cronJobs()``
value.

Source: Convex's ``cronJobs`` and ``Crons.interval``/``cron``/``hourly``/``daily``/
``weekly``/``monthly``.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.model.extract.scan import FileScan
from convexlint.model.facts import CronFact
from convexlint.syntax import call_arguments, object_properties, resolve_value, static_string_value, text, unwrap


def read_cron(scan: FileScan, call: Node, method: str, recv: Node | None) -> None:
    """Record ``recv.<method>(...)`` when ``recv`` is a ``cronJobs()`` value."""
    if recv is None or recv.type != "identifier":
        return
    value = resolve_value(recv)
    if value is None or value.type != "call_expression":
        return
    fn = value.child_by_field_name("function")
    if fn is None or text(fn) != "cronJobs":
        return
    args = call_arguments(call)
    src = scan.source
    schedule: dict[str, int] = {}
    cron_string = None
    sched = resolve_value(args[1]) if len(args) > 1 else None
    if sched is not None and sched.type == "object":
        props, _ = object_properties(sched)
        for key, value in props.items():
            v = unwrap(value)
            if v is not None and v.type == "number":
                try:
                    schedule[key] = int(text(v), 0)
                except ValueError:
                    pass
            elif v is not None and static_string_value(v) is not None and key == "dayOfWeek":
                schedule[key] = -1  # a day name: checked by name, not range
    elif sched is not None:
        cron_string = static_string_value(sched)
    scan.facts.crons.append(
        CronFact(
            method=method,
            name=static_string_value(args[0]) if args else None,
            ref=scan.function_reference(args[2]) if len(args) > 2 else None,
            span=src.node_span(call),
            name_span=src.node_span(args[0]) if args else None,
            ref_span=src.node_span(args[2]) if len(args) > 2 else None,
            schedule=schedule,
            schedule_span=src.node_span(args[1]) if len(args) > 1 else None,
            cron_string=cron_string,
            has_ref_arg=len(args) > 2,
        )
    )
