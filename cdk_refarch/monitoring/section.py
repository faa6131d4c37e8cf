"""``Section``: one tier's widgets and alarms, and CloudWatch's dashboard quotas they must fit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_cloudwatch as cloudwatch

from cdk_refarch.core.errors import require

#: CloudWatch's dashboard quotas (CloudWatch service quotas, "Dashboards"; Dashboard Body
#: Structure): widgets in one body, metrics in one widget and in the whole dashboard
#: (the metrics a math expression reads count, shown or not), alarms in one alarm status
#: widget. None of them can be raised.
MAX_WIDGETS = 500
MAX_METRICS_PER_WIDGET = 500
MAX_METRICS = 2500
MAX_ALARMS_PER_WIDGET = 100
#: The dashboard grid is 24 units wide.
GRID_WIDTH = 24


def is_widget(value: object) -> bool:
    """A CloudWatch widget (``GraphWidget``, ``TextWidget``, ``Row``...): jsii's
    interfaces cannot be checked with ``isinstance``, so by what a widget does."""
    return callable(getattr(value, "to_json", None)) and isinstance(getattr(value, "width", None), (int, float))


def widget_metrics(widget: cloudwatch.IWidget) -> int:
    """How many metrics ``widget`` reads, as CloudWatch counts them: each line of every
    metric widget it renders (a math expression's hidden inputs included), one for an
    alarm widget's alarm."""
    count = 0
    for rendered in widget.to_json():
        properties: dict[str, Any] = rendered.get("properties") or {}
        count += len(properties.get("metrics") or [])
        if rendered.get("type") == "metric" and "annotations" in properties:
            count += len((properties["annotations"] or {}).get("alarms") or [])
    return count


@dataclass(frozen=True)
class Section:
    """One tier of an application on the dashboard: a heading, rows of widgets, and the
    status of the tier's alarms.

    Built by the section functions (``api_section(service)``...) from a pattern's
    resources; build your own for anything else.

    :param title: the heading, one line; unique within a dashboard.
    :param rows: widgets, row by row; a row wider than the 24-unit grid wraps.
    :param alarms: the tier's alarms (a pattern's ``.alarms``), shown in an alarm status
        widget under the rows.
    :param description: Markdown shown under the heading (what the graphs mean, what is
        not shown and why).
    """

    title: str
    rows: Sequence[Sequence[cloudwatch.IWidget]]
    alarms: Sequence[cloudwatch.IAlarm] = ()
    description: str | None = None

    def __post_init__(self) -> None:
        require(
            isinstance(self.title, str) and bool(self.title.strip()) and "\n" not in self.title,
            f"section title ({self.title!r}) must be a non-empty line of text",
        )
        require(
            isinstance(self.rows, Sequence) and not isinstance(self.rows, str) and len(self.rows) > 0,
            f"section '{self.title}' rows ({self.rows!r}) must be a non-empty sequence of rows of widgets",
        )
        rows = tuple(tuple(row) if isinstance(row, Sequence) and not isinstance(row, str) else row for row in self.rows)
        for number, row in enumerate(rows, start=1):
            require(
                isinstance(row, tuple) and len(row) > 0 and all(is_widget(widget) for widget in row),
                f"section '{self.title}' row {number} ({row!r}) must be a non-empty sequence of CloudWatch widgets",
            )
            for widget in row:
                metrics = widget_metrics(widget)
                require(
                    metrics <= MAX_METRICS_PER_WIDGET,
                    f"section '{self.title}' row {number} has a widget of {metrics} metrics: CloudWatch "
                    f"allows at most {MAX_METRICS_PER_WIDGET} per widget (math expressions' inputs included)",
                )
        alarms = tuple(self.alarms) if isinstance(self.alarms, Sequence) else self.alarms
        require(
            isinstance(alarms, tuple) and all(isinstance(alarm, cloudwatch.AlarmBase) for alarm in alarms),
            f"section '{self.title}' alarms ({self.alarms!r}) must be a sequence of CloudWatch alarms",
        )
        require(
            self.description is None or isinstance(self.description, str),
            f"section '{self.title}' description ({self.description!r}) must be Markdown text or None",
        )
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "alarms", alarms)


def section_title(kind: str, construct: object, title: str | None) -> str:
    """``title``, or ``<kind> <construct path>`` (unique within an app)."""
    if title is not None:
        return title
    return f"{kind} {construct.node.path}"  # type: ignore[attr-defined]
