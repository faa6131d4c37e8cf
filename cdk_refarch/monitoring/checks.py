"""ApplicationDashboard's input checks, in one function called before anything is built."""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns

from cdk_refarch.core.errors import require
from cdk_refarch.monitoring.layout import dashboard_rows
from cdk_refarch.monitoring.section import MAX_METRICS, MAX_WIDGETS, Section, widget_metrics

#: CloudWatch's dashboard names (PutDashboard): 1 to 255 of these characters.
_DASHBOARD_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


def check_dashboard_name(name: str | None) -> None:
    if name is None or (isinstance(name, str) and Token.is_unresolved(name)):
        return
    require(
        isinstance(name, str) and bool(_DASHBOARD_NAME.fullmatch(name)),
        f"dashboard_name ({name!r}) must be 1 to 255 characters of A-Z, a-z, 0-9, - and _ "
        "(CloudWatch's dashboard names), e.g. 'shop-production'",
    )


def check_application_dashboard(
    *, dashboard_name: str | None, sections: Sequence[Section], alarm_topic: sns.ITopic | None
) -> list[list[cloudwatch.IWidget]]:
    """Every rule on the dashboard's input; the dashboard's rows, checked against
    CloudWatch's quotas (widgets and metrics in one dashboard)."""
    check_dashboard_name(dashboard_name)
    require(
        isinstance(sections, Sequence) and not isinstance(sections, str) and len(sections) > 0,
        f"sections ({sections!r}) must list at least one Section, e.g. sections=[api_section(service)]",
    )
    for index, section in enumerate(sections):
        require(
            isinstance(section, Section),
            f"sections[{index}] ({section!r}) must be a Section, e.g. api_section(service) "
            "or Section(title=..., rows=...)",
        )
    titles = [section.title for section in sections]
    repeated = sorted({title for title in titles if titles.count(title) > 1})
    require(
        not repeated,
        f"section titles must be unique, and {', '.join(repr(title) for title in repeated)} appears more than once: "
        "pass title=... to the section functions to tell them apart",
    )
    require(
        alarm_topic is None or isinstance(alarm_topic, sns.TopicBase),
        f"alarm_topic ({alarm_topic!r}) must be an SNS topic (the application's alarm topic) or None",
    )
    rows = dashboard_rows(sections)
    widgets = sum(len(widget.to_json()) for row in rows for widget in row)
    require(
        widgets <= MAX_WIDGETS,
        f"the dashboard has {widgets} widgets (headings and alarm status included): CloudWatch allows at most "
        f"{MAX_WIDGETS}; split the sections over several dashboards",
    )
    metrics = sum(widget_metrics(widget) for row in rows for widget in row)
    require(
        metrics <= MAX_METRICS,
        f"the dashboard reads {metrics} metrics (math expressions' inputs included): CloudWatch allows at most "
        f"{MAX_METRICS} in one dashboard; split the sections over several dashboards",
    )
    return rows
