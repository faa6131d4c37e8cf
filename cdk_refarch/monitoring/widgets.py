"""Widget builders every section shares: graphs, percentiles, a Lambda function's golden
signals, headings and alarm status."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_

from cdk_refarch.monitoring.section import GRID_WIDTH, MAX_ALARMS_PER_WIDGET

#: Every graph's period: the period the patterns' alarms evaluate, so a graph shows what
#: an alarm saw. The dashboard's "auto" period override still coarsens long time ranges.
PERIOD = Duration.minutes(5)
#: Latency is read as its distribution, never an average that hides the slow tail.
PERCENTILES = ("p50", "p90", "p99")
#: Four graphs to a row: requests, errors, latency, saturation.
QUARTER = GRID_WIDTH // 4
THIRD = GRID_WIDTH // 3
HALF = GRID_WIDTH // 2
GRAPH_HEIGHT = 6
#: About this many characters of Markdown fill one line of a full-width text widget.
_LINE_CHARACTERS = 180

T = TypeVar("T")


def graph(
    title: str,
    left: Sequence[cloudwatch.IMetric],
    *,
    width: int = QUARTER,
    unit: str | None = None,
    right: Sequence[cloudwatch.IMetric] = (),
    right_unit: str | None = None,
) -> cloudwatch.GraphWidget:
    """A line graph whose left axis starts at zero (a small change must not look like a cliff)."""
    return cloudwatch.GraphWidget(
        title=title,
        left=list(left),
        right=list(right) or None,
        width=width,
        height=GRAPH_HEIGHT,
        left_y_axis=cloudwatch.YAxisProps(min=0, label=unit, show_units=unit is None),
        right_y_axis=cloudwatch.YAxisProps(min=0, label=right_unit, show_units=right_unit is None) if right else None,
    )


def line(metric: cloudwatch.Metric, label: str, statistic: str | None = None) -> cloudwatch.Metric:
    """``metric`` with a legend label, a statistic and the dashboard's period."""
    return metric.with_(label=label, statistic=statistic, period=PERIOD)


def percentiles(metric: cloudwatch.Metric, prefix: str = "") -> list[cloudwatch.Metric]:
    """p50, p90 and p99 of ``metric``, labelled ``<prefix>p50``..."""
    return [line(metric, f"{prefix}{statistic}", statistic) for statistic in PERCENTILES]


def per_item(
    items: Mapping[str, T], metric: Callable[[T], cloudwatch.Metric], statistic: str, suffix: str = ""
) -> list[cloudwatch.Metric]:
    """One line per named item (queue, function, node), labelled with its name."""
    return [line(metric(item), f"{name}{suffix}", statistic) for name, item in items.items()]


def function_widgets(
    functions: Mapping[str, lambda_.IFunction], *, what: str = "Functions"
) -> list[cloudwatch.IWidget]:
    """A Lambda function's golden signals, one line per function: invocations, errors
    and throttles, duration p50/p90/p99, concurrent executions."""
    many = len(functions) > 1
    durations: list[cloudwatch.IMetric] = []
    for name, function in functions.items():
        durations.extend(percentiles(function.metric_duration(), f"{name} " if many else ""))
    errors = [line(f.metric_errors(), f"{n} errors", "Sum") for n, f in functions.items()]
    errors += [line(f.metric_throttles(), f"{n} throttles", "Sum") for n, f in functions.items()]
    return [
        graph(f"{what}: invocations", per_item(functions, lambda f: f.metric_invocations(), "Sum"), unit="Count"),
        graph(f"{what}: errors and throttles", errors, unit="Count"),
        graph(f"{what}: duration", durations, unit="ms"),
        graph(
            f"{what}: concurrent executions",
            per_item(functions, lambda f: f.metric("ConcurrentExecutions"), "Maximum"),
            unit="Count",
        ),
    ]


def heading(title: str, description: str | None) -> cloudwatch.TextWidget:
    """A section's title as a Markdown heading, its description under it, tall enough to read."""
    if not description:
        return cloudwatch.TextWidget(markdown=f"## {title}", width=GRID_WIDTH, height=1)
    lines = sum(max(1, math.ceil(len(paragraph) / _LINE_CHARACTERS)) for paragraph in description.split("\n"))
    return cloudwatch.TextWidget(markdown=f"## {title}\n{description}", width=GRID_WIDTH, height=1 + lines)


def alarm_status(
    title: str,
    alarms: Sequence[cloudwatch.IAlarm],
    *,
    states: Sequence[cloudwatch.AlarmState] | None = None,
    height: int | None = None,
) -> list[cloudwatch.AlarmStatusWidget]:
    """Alarm status widgets of at most 100 alarms each (CloudWatch's limit), full
    width, the latest state change first; tall enough for every alarm unless ``height``."""
    chunks = [alarms[start : start + MAX_ALARMS_PER_WIDGET] for start in range(0, len(alarms), MAX_ALARMS_PER_WIDGET)]
    return [
        cloudwatch.AlarmStatusWidget(
            title=title if len(chunks) == 1 else f"{title} ({number}/{len(chunks)})",
            alarms=list(chunk),
            states=list(states) if states else None,
            sort_by=cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
            width=GRID_WIDTH,
            # About four alarms to a line at full width, a line of heading.
            height=height or max(3, 1 + math.ceil(len(chunk) / 4)),
        )
        for number, chunk in enumerate(chunks, start=1)
    ]
