"""ApplicationDashboard over every pattern (variants.py, synthesized once per module with
cdk-nag): what each section graphs, the alarm widgets, the quotas, and the gates."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import CfnResource

from cdk_refarch.monitoring import (
    MAX_BODY_BYTES,
    MAX_METRICS,
    MAX_METRICS_PER_WIDGET,
    MAX_WIDGETS,
    ApplicationDashboard,
)
from tests.cdk_refarch.monitoring.variants import (
    ADDITIONAL_TITLE,
    ALARM_EMAIL,
    APPLICATION,
    DASHBOARD_NAME,
    MONITORING,
    TIERS,
    build,
)
from tests.quality.test_gates import lint_findings
from tests.synthesis import Synthesized, synthesize

LATENCY = {"p50", "p90", "p99"}


def _of(namespace: str, names: str) -> set[tuple[str, str]]:
    return {(namespace, name) for name in names.split()}


ALB = _of(
    "AWS/ApplicationELB",
    "RequestCount HTTPCode_Target_5XX_Count HTTPCode_Target_4XX_Count HTTPCode_ELB_5XX_Count TargetResponseTime "
    "HealthyHostCount UnHealthyHostCount RequestCountPerTarget ActiveConnectionCount",
)
LAMBDA = _of("AWS/Lambda", "Invocations Errors Throttles Duration ConcurrentExecutions")
SQS = _of(
    "AWS/SQS", "ApproximateNumberOfMessagesVisible ApproximateAgeOfOldestMessage ApproximateNumberOfMessagesNotVisible"
)
CLOUDFRONT = _of("AWS/CloudFront", "Requests 4xxErrorRate 5xxErrorRate TotalErrorRate BytesDownloaded")
RDS = _of(
    "AWS/RDS",
    "ReadIOPS WriteIOPS ReadLatency WriteLatency DatabaseConnections CPUUtilization FreeableMemory FreeStorageSpace "
    "DiskQueueDepth ReplicaLag",
)
CACHE = _of(
    "AWS/ElastiCache",
    "CacheHits CacheMisses SuccessfulReadRequestLatency SuccessfulWriteRequestLatency Evictions EngineCPUUtilization "
    "DatabaseMemoryUsagePercentage CurrConnections",
)
#: Each section of the Application dashboard, in order: (title, pattern's construct id, metrics).
SECTIONS: list[tuple[str, str, set[tuple[str, str]]]] = [
    ("Static site Application/Site", "Site", CLOUDFRONT),
    (ADDITIONAL_TITLE, "Site", CLOUDFRONT | _of("AWS/CloudFront", "OriginLatency CacheHitRate")),
    (
        "API Application/Items",
        "Items",
        _of("AWS/ApiGateway", "Count 4XXError 5XXError Latency IntegrationLatency")
        | LAMBDA
        | _of("AWS/DynamoDB", "ConsumedReadCapacityUnits ConsumedWriteCapacityUnits ThrottledRequests"),
    ),
    (
        "Web tier Application/Web",
        "Web",
        ALB | _of("AWS/EC2", "CPUUtilization") | _of("AWS/AutoScaling", "GroupInServiceInstances GroupDesiredCapacity"),
    ),
    (
        "Container service Application/Shop",
        "Shop",
        ALB
        | _of("AWS/ECS", "CPUUtilization MemoryUtilization")
        | _of("ECS/ContainerInsights", "RunningTaskCount DesiredTaskCount"),
    ),
    ("Database Application/Db", "Db", RDS | CACHE),
    (
        "Fan-out Application/Orders",
        "Orders",
        _of(
            "AWS/SNS",
            "NumberOfMessagesPublished NumberOfNotificationsDelivered NumberOfNotificationsFilteredOut "
            "NumberOfNotificationsFailed",
        )
        | SQS
        | _of("AWS/SQS", "NumberOfMessagesSent")
        | LAMBDA,
    ),
    (
        "Upload pipeline Application/Uploads",
        "Uploads",
        _of("AWS/Events", "MatchedEvents Invocations FailedInvocations") | SQS | LAMBDA,
    ),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("monitoring"), build)


def _token(part: dict[str, Any]) -> str:
    """A CloudFormation value inside the body's ``Fn::Join``, as readable text without quotes."""
    if "Ref" in part:
        return f"<Ref {part['Ref']}>"
    if "Fn::GetAtt" in part:
        return f"<GetAtt {'.'.join(part['Fn::GetAtt'])}>"
    return "<" + json.dumps(part, sort_keys=True).replace('"', "'") + ">"


def _dashboard(app: Synthesized, stack: str) -> dict[str, Any]:
    _, resource = app.only(stack, "AWS::CloudWatch::Dashboard")
    return resource["Properties"]


def _body(app: Synthesized, stack: str) -> dict[str, Any]:
    """The dashboard body, tokens rendered as ``<Ref X>``, ``<GetAtt X.Arn>``."""
    separator, parts = _dashboard(app, stack)["DashboardBody"]["Fn::Join"]
    return json.loads(separator.join(part if isinstance(part, str) else _token(part) for part in parts))


def _widgets(app: Synthesized, stack: str = APPLICATION) -> list[dict[str, Any]]:
    return _body(app, stack)["widgets"]


def _heading(widget: dict[str, Any]) -> str | None:
    markdown = widget["properties"].get("markdown", "") if widget["type"] == "text" else ""
    return markdown.splitlines()[0].removeprefix("## ") if markdown.startswith("## ") else None


def _sections(app: Synthesized, stack: str = APPLICATION) -> dict[str, list[dict[str, Any]]]:
    """Each section's widgets under its heading, by title."""
    found: dict[str, list[dict[str, Any]]] = {}
    current: list[dict[str, Any]] = []
    for widget in _widgets(app, stack):
        title = _heading(widget)
        if title is not None:
            current = found.setdefault(title, [])
        else:
            current.append(widget)
    return found


def _lines(widgets: list[dict[str, Any]]) -> list[list[Any]]:
    """Every metric line (not expressions) of the metric widgets."""
    return [
        line
        for widget in widgets
        if widget["type"] == "metric"
        for line in widget["properties"]["metrics"]
        if isinstance(line[0], str)
    ]


def _names(widgets: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(line[0], line[1]) for line in _lines(widgets)}


def _alarm_arns(app: Synthesized, stack: str, construct: Any) -> set[str]:
    resolve = app.stacks[stack].resolve
    return {f"<GetAtt {resolve(alarm.node.default_child.logical_id)}.Arn>" for alarm in construct.alarms}


@pytest.mark.parametrize("stack", [APPLICATION, TIERS, MONITORING])
def test_nag_lint_and_warnings_are_clean(app: Synthesized, stack: str) -> None:
    assert app.error is None
    assert app.violations_of(stack) == []
    assert lint_findings(app, stack) == []
    assert app.warnings_of(stack) == []


def test_one_named_dashboard_tagged_with_its_pattern(app: Synthesized) -> None:
    dashboard = _dashboard(app, APPLICATION)
    assert dashboard["DashboardName"] == DASHBOARD_NAME
    assert dashboard["Tags"] == [{"Key": "Pattern", "Value": "application-dashboard"}]
    assert {k: v for k, v in _body(app, APPLICATION).items() if k != "widgets"} == {
        "start": "-PT3H",
        "periodOverride": "inherit",
    }
    # Without a name CloudFormation names it: two stages never overwrite each other's.
    assert "DashboardName" not in _dashboard(app, MONITORING)


def test_the_dashboard_creates_nothing_but_itself(app: Synthesized) -> None:
    dashboard = app.stacks[APPLICATION].node.find_child("Dashboard")
    assert isinstance(dashboard, ApplicationDashboard)
    resources = [c for c in dashboard.node.find_all() if isinstance(c, CfnResource)]
    assert [r.cfn_resource_type for r in resources] == ["AWS::CloudWatch::Dashboard"]
    # Every alarm of the stack is a pattern's, and on the dashboard.
    assert len(dashboard.alarms) == len(app.resources(APPLICATION, "AWS::CloudWatch::Alarm")) == 35


def test_sections_in_order_each_under_a_heading(app: Synthesized) -> None:
    headings = [title for widget in _widgets(app) if (title := _heading(widget))]
    assert headings == [title for title, _, _ in SECTIONS]


def test_alarms_firing_on_top_list_every_alarm(app: Synthesized) -> None:
    top = _widgets(app)[0]
    assert (top["type"], top["x"], top["y"], top["width"], top["height"]) == ("alarm", 0, 0, 24, 4)
    properties = top["properties"]
    assert (properties["title"], properties["states"], properties["sortBy"]) == (
        "Alarms firing",
        ["ALARM"],
        "stateUpdatedTimestamp",
    )
    assert set(properties["alarms"]) == {
        f"<GetAtt {logical_id}.Arn>" for logical_id in app.resources(APPLICATION, "AWS::CloudWatch::Alarm")
    }


def test_every_alarm_notifies_the_application_topic_which_mails(app: Synthesized) -> None:
    topic, _ = app.only(APPLICATION, "AWS::SNS::Topic", "AlarmTopic")
    for alarm in app.resources(APPLICATION, "AWS::CloudWatch::Alarm").values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}]
        assert alarm["Properties"]["OKActions"] == [{"Ref": topic}]
    (mail,) = [
        s["Properties"]
        for s in app.resources(APPLICATION, "AWS::SNS::Subscription").values()
        if s["Properties"]["Protocol"] == "email"
    ]
    assert (mail["Endpoint"], mail["TopicArn"]) == (ALARM_EMAIL, {"Ref": topic})


@pytest.mark.parametrize(("title", "construct_id", "metrics"), SECTIONS, ids=[t for t, _, _ in SECTIONS])
def test_each_section_graphs_its_golden_signals(
    app: Synthesized, title: str, construct_id: str, metrics: set[tuple[str, str]]
) -> None:
    assert _names(_sections(app)[title]) == metrics


@pytest.mark.parametrize(("title", "construct_id", "metrics"), SECTIONS, ids=[t for t, _, _ in SECTIONS])
def test_each_section_ends_with_its_patterns_alarms(
    app: Synthesized, title: str, construct_id: str, metrics: set[tuple[str, str]]
) -> None:
    pattern = app.stacks[APPLICATION].node.find_child(construct_id)
    alarm_widgets = [w for w in _sections(app)[title] if w["type"] == "alarm"]
    if not hasattr(pattern, "alarms"):  # StaticSite creates none
        assert alarm_widgets == []
        return
    (widget,) = alarm_widgets
    assert widget["properties"]["title"] == f"Alarms: {title}"
    assert set(widget["properties"]["alarms"]) == _alarm_arns(app, APPLICATION, pattern) != set()
    assert widget == _sections(app)[title][-1]


@pytest.mark.parametrize(
    "name",
    [
        "Latency",
        "IntegrationLatency",
        "Duration",
        "TargetResponseTime",
        "OriginLatency",
        "SuccessfulReadRequestLatency",
        "SuccessfulWriteRequestLatency",
    ],
)
def test_latency_is_read_as_p50_p90_p99(app: Synthesized, name: str) -> None:
    graphs = [w for w in _widgets(app) if w["type"] == "metric" and any(m[1] == name for m in _lines([w]))]
    assert graphs
    for graph in graphs:
        # Per graph, each resource (function, node...) has the three percentiles.
        by_resource: dict[str, set[str]] = {}
        for line in _lines([graph]):
            by_resource.setdefault(json.dumps(line[2:-1]), set()).add(line[-1]["stat"])
        assert all(stats == LATENCY for stats in by_resource.values()), by_resource


def test_cloudfront_metrics_are_global_and_read_in_us_east_1(app: Synthesized) -> None:
    lines = [line for line in _lines(_widgets(app)) if line[0] == "AWS/CloudFront"]
    assert len(lines) == 2 * 5 + 3 + 1
    for line in lines:
        assert line[2:6] == ["DistributionId", "<Ref SiteDistribution390DED28>", "Region", "Global"]
        assert line[-1]["region"] == "us-east-1"


def test_cache_lines_are_one_per_node(app: Synthesized) -> None:
    nodes = {line[3] for line in _lines(_widgets(app)) if line[0] == "AWS/ElastiCache"}
    group = app.stacks[APPLICATION].resolve(app.stacks[APPLICATION].node.find_child("Db").cache.replication_group.ref)
    assert nodes == {f"<Ref {group['Ref']}>-001", f"<Ref {group['Ref']}>-002"}  # a primary and its replica


def test_database_lines_are_one_per_instance(app: Synthesized) -> None:
    (cpu,) = [w for w in _sections(app)["Database Application/Db"] if w["properties"].get("title") == "CPU"]
    assert [line[-1]["label"] for line in _lines([cpu])] == ["primary", "replica 1"]


def test_fan_out_dead_letters_include_the_delivery_queue(app: Synthesized) -> None:
    (widget,) = [
        w
        for w in _sections(app)["Fan-out Application/Orders"]
        if w["properties"].get("title") == "Dead letters waiting"
    ]
    assert [line[-1]["label"] for line in _lines([widget])] == ["billing DLQ", "audit DLQ", "delivery DLQ"]


@pytest.mark.parametrize("stack", [APPLICATION, MONITORING])
def test_the_layout_fits_the_grid_and_the_quotas(app: Synthesized, stack: str) -> None:
    widgets = _widgets(app, stack)
    assert len(widgets) <= MAX_WIDGETS
    for widget in widgets:
        assert widget["x"] + widget["width"] <= 24
        assert len(widget["properties"].get("metrics", [])) <= MAX_METRICS_PER_WIDGET
    assert sum(len(w["properties"].get("metrics", [])) for w in widgets) <= MAX_METRICS
    assert len(json.dumps(_dashboard(app, stack)["DashboardBody"], separators=(",", ":"))) <= MAX_BODY_BYTES
    # Rows do not overlap: each widget starts below the ones before it, or beside them.
    cells = {
        (x, y) for w in widgets for x in range(w["x"], w["x"] + w["width"]) for y in range(w["y"], w["y"] + w["height"])
    }
    assert len(cells) == sum(w["width"] * w["height"] for w in widgets)


def test_a_dashboard_stack_of_its_own_reads_the_other_stack(app: Synthesized) -> None:
    _, parts = _dashboard(app, MONITORING)["DashboardBody"]["Fn::Join"]
    references = [part for part in parts if not isinstance(part, str)]
    outputs = [part for part in references if "Fn::GetStackOutput" in part]
    assert outputs and all(part["Fn::GetStackOutput"]["StackName"] == TIERS for part in outputs)
    # Weak references: outputs of the tiers' stack, no exports that would lock its resources.
    assert all("Export" not in output for output in app.template_json(TIERS)["Outputs"].values())
    assert all("Fn::GetStackOutput" in part or part == {"Ref": "AWS::Region"} for part in references)
    sections = _sections(app, MONITORING)
    assert list(sections) == ["Fan-out Tiers/Events", "Cache Tiers/Cache"]
    tiers = app.stacks[TIERS]
    assert len(sections["Cache Tiers/Cache"][-1]["properties"]["alarms"]) == len(tiers.node.find_child("Cache").alarms)
