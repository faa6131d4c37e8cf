"""Where each widget goes: the alarms firing on top, then each section's heading, rows
and alarm status."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_cloudwatch as cloudwatch

from cdk_refarch.monitoring.section import Section
from cdk_refarch.monitoring.widgets import alarm_status, heading

#: The top widget's title: the application's alarms, only those in ALARM.
FIRING_TITLE = "Alarms firing"
FIRING_HEIGHT = 4


def unique_alarms(sections: Sequence[Section]) -> list[cloudwatch.IAlarm]:
    """Every section's alarms, each once (by construct path), in section order."""
    seen: dict[str, cloudwatch.IAlarm] = {}
    for section in sections:
        for alarm in section.alarms:
            seen.setdefault(alarm.node.path, alarm)
    return list(seen.values())


def dashboard_rows(sections: Sequence[Section]) -> list[list[cloudwatch.IWidget]]:
    """The dashboard, row by row. On top, one status of every alarm that is firing (an
    empty widget when none is), so an incident is the first thing on the page."""
    rows: list[list[cloudwatch.IWidget]] = []
    alarms = unique_alarms(sections)
    if alarms:
        # Only firing alarms show: a few lines, not one per alarm of the application.
        rows.append(
            list(alarm_status(FIRING_TITLE, alarms, states=[cloudwatch.AlarmState.ALARM], height=FIRING_HEIGHT))
        )
    for section in sections:
        rows.append([heading(section.title, section.description)])
        rows.extend(list(row) for row in section.rows)
        if section.alarms:
            rows.append(list(alarm_status(f"Alarms: {section.title}", section.alarms)))
    return rows
