"""Smoke checks of the ``application-dashboard`` pattern (see ``deploy/smoke/__init__.py``).

On both targets, read back through the CloudWatch API: the dashboard exists under its
deployed name; its body parses as a dashboard body (widgets on the 24-unit grid) with the
widgets, metric lines and namespaces the template's body declares, every dimension
resolved (no empty value, no unresolved reference, no placeholder of a resource the
emulator skipped); each section reads the namespaces of its kind of tier; every alarm an
alarm widget lists exists. No metric data is read: an idle sandbox has none.
"""

from __future__ import annotations

import json
import re
from typing import Any

from deploy.smoke import SmokeContext

DASHBOARD = "AWS::CloudWatch::Dashboard"
GRID_WIDTH = 24
#: What stands in for a reference when the template's body is parsed.
REFERENCE = "<reference>"
#: The namespaces a section must read, by the kind its default title starts with
#: (``cdk_refarch.monitoring``'s section functions); a title of another kind is not checked.
KIND_NAMESPACES = {
    "Static site": {"AWS/CloudFront"},
    "API": {"AWS/ApiGateway", "AWS/Lambda"},
    "Web tier": {"AWS/ApplicationELB", "AWS/EC2", "AWS/AutoScaling"},
    "Container service": {"AWS/ApplicationELB", "AWS/ECS", "ECS/ContainerInsights"},
    "Database": {"AWS/RDS"},
    "Cache": {"AWS/ElastiCache"},
    "Fan-out": {"AWS/SNS", "AWS/SQS"},
    "Upload pipeline": {"AWS/Events", "AWS/SQS", "AWS/Lambda"},
}
_UNRESOLVED = re.compile(r"\$\{Token\[|Fn::|\{\"Ref\"|^skipped-|^$")


def _declared_body(ctx: SmokeContext) -> dict[str, Any]:
    """The template's body, each reference replaced by :data:`REFERENCE`."""
    (logical_id,) = ctx.tagged(DASHBOARD)
    body = ctx.template["Resources"][logical_id]["Properties"]["DashboardBody"]
    if isinstance(body, str):
        return dict(json.loads(body))
    parts = body["Fn::Join"][1]
    return dict(json.loads("".join(part if isinstance(part, str) else REFERENCE for part in parts)))


def _deployed_body(ctx: SmokeContext) -> dict[str, Any]:
    name = ctx.only(DASHBOARD)
    dashboard = ctx.client("cloudwatch").get_dashboard(DashboardName=name)
    assert dashboard["DashboardName"] == name, dashboard
    return dict(json.loads(dashboard["DashboardBody"]))


def _metric_lines(body: dict[str, Any]) -> list[list[Any]]:
    """Every metric line (``[namespace, name, dimension, value, ..., {options}]``) of every graph."""
    return [
        line
        for widget in body["widgets"]
        if widget["type"] == "metric"
        for line in widget["properties"].get("metrics", [])
        if line and isinstance(line[0], str)  # a math expression's line starts with its options
    ]


def _sections(body: dict[str, Any]) -> dict[str, set[str]]:
    """Section title -> the namespaces its graphs read: a section is its heading and the
    widgets after it, up to the next heading."""
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for widget in body["widgets"]:
        markdown = widget["properties"].get("markdown", "") if widget["type"] == "text" else ""
        if markdown.startswith("## "):
            current = sections.setdefault(markdown[3:].split("\n", 1)[0], set())
        elif widget["type"] == "metric" and current is not None:
            current.update(line[0] for line in _metric_lines({"widgets": [widget]}))
    return sections


def check_dashboard_body_is_the_templates_on_the_grid(ctx: SmokeContext) -> None:
    declared, deployed = _declared_body(ctx), _deployed_body(ctx)
    assert [w["type"] for w in deployed["widgets"]] == [w["type"] for w in declared["widgets"]], deployed
    for widget in deployed["widgets"]:
        assert 0 <= widget["x"] and widget["x"] + widget["width"] <= GRID_WIDTH, widget
    assert len(_metric_lines(deployed)) == len(_metric_lines(declared)) > 0


def check_metrics_name_the_declared_namespaces_with_resolved_dimensions(ctx: SmokeContext) -> None:
    declared, deployed = _declared_body(ctx), _deployed_body(ctx)
    namespaces = {line[0] for line in _metric_lines(deployed)}
    assert namespaces == {line[0] for line in _metric_lines(declared)}, namespaces
    for line in _metric_lines(deployed):
        values = [value for value in line[2:] if not isinstance(value, dict)]
        dimensions = values[1::2]
        unresolved = [value for value in dimensions if _UNRESOLVED.search(str(value))]
        assert not unresolved, f"metric {line[:2]} has unresolved dimensions {unresolved}: {line}"


def check_each_section_reads_the_namespaces_of_its_tier(ctx: SmokeContext) -> None:
    sections = _sections(_deployed_body(ctx))
    assert sections, "the dashboard has no section heading"
    for title, namespaces in sections.items():
        kind = next((kind for kind in KIND_NAMESPACES if title.startswith(f"{kind} ")), None)
        if kind is not None:
            missing = KIND_NAMESPACES[kind] - namespaces
            assert not missing, f"section {title!r} reads no {sorted(missing)}: {sorted(namespaces)}"


def check_alarms_shown_exist(ctx: SmokeContext) -> None:
    arns = {
        arn
        for widget in _deployed_body(ctx)["widgets"]
        if widget["type"] == "alarm"
        for arn in widget["properties"]["alarms"]
    }
    by_region: dict[str, list[str]] = {}
    for arn in arns:
        # arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>
        parts = arn.split(":", 6)
        assert len(parts) == 7 and parts[2] == "cloudwatch" and parts[5] == "alarm", f"not an alarm ARN: {arn}"
        by_region.setdefault(parts[3], []).append(parts[6])
    for region, names in by_region.items():
        client = ctx.client("cloudwatch", region=region)
        found = set()
        for start in range(0, len(names), 100):  # DescribeAlarms takes at most 100 names
            batch = names[start : start + 100]
            found.update(a["AlarmName"] for a in client.describe_alarms(AlarmNames=batch)["MetricAlarms"])
        assert found == set(names), f"alarms shown but missing in {region}: {sorted(set(names) - found)}"
