"""ApplicationDashboard and the sections refuse bad input, naming the property, the value
and what is allowed: at construction, or (what needs resolved references) at synth."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import App, Aws, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns

from cdk_refarch import FanOut, PatternConfigError, QueueOptions, StaticSite
from cdk_refarch.core.alarms import alarm_topic
from cdk_refarch.monitoring import (
    ApplicationDashboard,
    Section,
    api_section,
    database_section,
    load_balancer_section,
    pipeline_section,
    queue_section,
    static_site_section,
)
from tests.cdk_refarch.fan_out.variants import consumer_function
from tests.cdk_refarch.monitoring.variants import ENV
from tests.synthesis import CDK_CONTEXT

NAME_RULE = (
    "must be 1 to 255 characters of A-Z, a-z, 0-9, - and _ (CloudWatch's dashboard names), e.g. 'shop-production'"
)


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _stack(app: App | None = None) -> Stack:
    return Stack(app or App(context=CDK_CONTEXT), "T", env=ENV)


def _text(number: int = 0) -> cloudwatch.TextWidget:
    return cloudwatch.TextWidget(markdown=f"widget {number}", width=6, height=1)


def _section(title: str = "Tier", **props: Any) -> Section:
    return Section(title=title, rows=[[_text()]], **props)


def _metrics(count: int) -> list[cloudwatch.IMetric]:
    return [cloudwatch.Metric(namespace="Shop", metric_name=f"Metric{number}") for number in range(count)]


def _fan_out(stack: Stack) -> FanOut:
    queues = {"orders": QueueOptions(), "audit": QueueOptions()}
    return FanOut(stack, "Orders", queues=queues, removal_policy=RemovalPolicy.DESTROY)


# The dashboard.


def test_no_section() -> None:
    with _raises("sections ([]) must list at least one Section, e.g. sections=[api_section(service)]"):
        ApplicationDashboard(_stack(), "Dashboard", sections=[])


def test_not_a_section() -> None:
    with _raises("sections[1] ('api') must be a Section, e.g. api_section(service) or Section(title=..., rows=...)"):
        ApplicationDashboard(_stack(), "Dashboard", sections=[_section(), "api"])  # type: ignore[list-item]


def test_duplicate_section_titles() -> None:
    stack = _stack()
    site = StaticSite(stack, "Site")
    with _raises(
        "section titles must be unique, and 'Static site T/Site' appears more than once: pass title=... to the "
        "section functions to tell them apart"
    ):
        ApplicationDashboard(stack, "Dashboard", sections=[static_site_section(site), static_site_section(site)])


@pytest.mark.parametrize("name", ["shop prod", "shop.prod", "shop/prod", "", "x" * 256, 42])
def test_dashboard_name_cloudwatch_refuses(name: Any) -> None:
    with _raises(f"dashboard_name ({name!r}) {NAME_RULE}"):
        ApplicationDashboard(_stack(), "Dashboard", dashboard_name=name, sections=[_section()])


# A token's text differs between processes, so it is built in the test, not in its id.
@pytest.mark.parametrize("name", ["x" * 255, "Shop_prod-2", "token"], ids=["255-characters", "plain", "token"])
def test_dashboard_names_cloudwatch_takes(name: str) -> None:
    name = f"{Aws.STACK_NAME}-dashboard" if name == "token" else name
    dashboard = ApplicationDashboard(_stack(), "Dashboard", dashboard_name=name, sections=[_section()])
    assert dashboard.dashboard_name


def test_alarm_topic_not_a_topic() -> None:
    topic = "arn:aws:sns:us-east-1:111111111111:ops"
    with _raises(f"alarm_topic ({topic!r}) must be an SNS topic (the application's alarm topic) or None"):
        ApplicationDashboard(_stack(), "Dashboard", sections=[_section()], alarm_topic=topic)  # type: ignore[arg-type]


def test_more_widgets_than_cloudwatch_allows() -> None:
    # 500 widgets and the section's heading.
    section = Section(title="Many", rows=[[_text(number) for number in range(500)]])
    with _raises(
        "the dashboard has 501 widgets (headings and alarm status included): CloudWatch allows at most 500; "
        "split the sections over several dashboards"
    ):
        ApplicationDashboard(_stack(), "Dashboard", sections=[section])


def test_more_metrics_than_cloudwatch_allows() -> None:
    metrics = _metrics(450)
    section = Section(title="Busy", rows=[[cloudwatch.GraphWidget(left=metrics) for _ in range(6)]])
    with _raises(
        "the dashboard reads 2700 metrics (math expressions' inputs included): CloudWatch allows at most 2500 in "
        "one dashboard; split the sections over several dashboards"
    ):
        ApplicationDashboard(_stack(), "Dashboard", sections=[section])


# Sections.


@pytest.mark.parametrize("title", ["", "  ", "two\nlines", 3])
def test_section_title(title: Any) -> None:
    with _raises(f"section title ({title!r}) must be a non-empty line of text"):
        _section(title)


def test_section_without_rows() -> None:
    with _raises("section 'Tier' rows ([]) must be a non-empty sequence of rows of widgets"):
        Section(title="Tier", rows=[])


@pytest.mark.parametrize("row", [[], ["graph"], "graph"])
def test_section_row_not_widgets(row: Any) -> None:
    shown = tuple(row) if isinstance(row, list) else row
    with _raises(f"section 'Tier' row 1 ({shown!r}) must be a non-empty sequence of CloudWatch widgets"):
        Section(title="Tier", rows=[row])


def test_widget_with_more_metrics_than_cloudwatch_allows() -> None:
    with _raises(
        "section 'Tier' row 2 has a widget of 501 metrics: CloudWatch allows at most 500 per widget "
        "(math expressions' inputs included)"
    ):
        Section(title="Tier", rows=[[_text()], [cloudwatch.GraphWidget(left=_metrics(501))]])


def test_section_alarms_not_alarms() -> None:
    alarms = ["arn:aws:cloudwatch:us-east-1:111111111111:alarm:x"]
    with _raises(f"section 'Tier' alarms ({alarms!r}) must be a sequence of CloudWatch alarms"):
        _section(alarms=alarms)


def test_section_description_not_text() -> None:
    with _raises("section 'Tier' description (3) must be Markdown text or None"):
        _section(description=3)


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (static_site_section, "site ('x') must be a StaticSite"),
        (api_section, "service ('x') must be a ServerlessApi"),
        (load_balancer_section, "tier ('x') must be a WebTier or a ContainerService"),
        (database_section, "db ('x') must be a Database or a Cache"),
        (queue_section, "fan_out ('x') must be a FanOut"),
        (pipeline_section, "pipeline ('x') must be an UploadPipeline"),
    ],
)
def test_section_of_the_wrong_pattern(function: Callable[..., Section], message: str) -> None:
    with _raises(message):
        function("x")


def test_additional_metrics_not_a_bool() -> None:
    stack = _stack()
    with _raises("additional_metrics ('yes') must be True or False"):
        static_site_section(StaticSite(stack, "Site"), additional_metrics="yes")  # type: ignore[arg-type]


def test_consumers_not_a_mapping() -> None:
    with _raises("consumers (['orders']) must map queue names to functions"):
        queue_section(_fan_out(_stack()), consumers=["orders"])  # type: ignore[arg-type]


def test_consumer_of_no_queue() -> None:
    stack = _stack()
    consumer = consumer_function(stack, "Consumer", timeout_seconds=5)
    with _raises("consumers names 'billing', which is not a queue of the fan-out; queues: audit, orders"):
        queue_section(_fan_out(stack), consumers={"billing": consumer})


def test_consumer_not_a_function() -> None:
    with _raises("consumers['orders'] ('fn') must be a function"):
        queue_section(_fan_out(_stack()), consumers={"orders": "fn"})  # type: ignore[dict-item]


# At synth, once references are resolved.


def test_alarm_that_does_not_notify_the_application_topic() -> None:
    app = App(context=CDK_CONTEXT)
    stack = _stack(app)
    ops = alarm_topic(stack, removal_policy=RemovalPolicy.DESTROY)
    orders = _fan_out(stack)  # its alarms go to a topic of its own
    dashboard = ApplicationDashboard(stack, "Dashboard", sections=[queue_section(orders)], alarm_topic=ops)
    message = (
        f"alarm {orders.alarms[0].node.path} does not notify alarm_topic (T/AlarmTopic): pass the application's "
        "topic to its pattern (e.g. alarms=TierAlarmOptions(topic=topic))"
    )
    errors = dashboard.node.validate()
    assert len(errors) == len(orders.alarms) == 6
    assert errors[0] == message
    with pytest.raises(RuntimeError, match=re.escape(message)):
        app.synth()


def test_alarm_topic_of_a_stack_the_alarms_never_reference() -> None:
    app = App(context=CDK_CONTEXT)
    elsewhere = Stack(app, "Elsewhere", env=ENV)
    topic = sns.Topic(elsewhere, "Ops")
    stack = _stack(app)
    orders = _fan_out(stack)
    dashboard = ApplicationDashboard(stack, "Dashboard", sections=[queue_section(orders)], alarm_topic=topic)
    errors = dashboard.node.validate()
    assert len(errors) == 6
    assert errors[0].startswith(f"alarm {orders.alarms[0].node.path} does not notify alarm_topic (Elsewhere/Ops)")


def test_body_larger_than_a_template() -> None:
    section = Section(title="Wordy", rows=[[cloudwatch.TextWidget(markdown="x" * 1_100_000, width=24)]])
    dashboard = ApplicationDashboard(_stack(), "Dashboard", sections=[section])
    (error,) = dashboard.node.validate()
    assert re.fullmatch(
        r"the dashboard body is \d+ bytes in the template: CloudFormation takes templates of at most 1048576 "
        r"bytes; split the sections over several dashboards",
        error,
    )
