"""CloudWatch alarms, which moto's CloudFormation leaves out, and dashboards, which its
model gets wrong: it drops the tags, names a dashboard without ``DashboardName`` with a
UUID rather than from the stack and logical ID, and stores a body that is not JSON, which
``PutDashboard`` refuses."""

from __future__ import annotations

import json
from typing import Any

from moto.cloudwatch.exceptions import DashboardInvalidInputError
from moto.cloudwatch.models import Dimension, Metric, MetricDataQuery, MetricStat, cloudwatch_backends
from moto.core.common_models import CloudFormationModel

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import overrides, registered


def _metric_query(query: dict[str, Any]) -> MetricDataQuery:
    stat = query.get("MetricStat")
    metric_stat = None
    if stat:
        metric = stat["Metric"]
        dimensions = [Dimension(name=d["Name"], value=d["Value"]) for d in as_list(metric.get("Dimensions"))]
        metric_stat = MetricStat(
            metric=Metric(metric_name=metric["MetricName"], namespace=metric.get("Namespace"), dimensions=dimensions),
            period=stat.get("Period"),
            stat=stat.get("Stat"),
            unit=stat.get("Unit"),
        )
    return MetricDataQuery(
        query_id=query["Id"],
        label=query.get("Label"),
        period=query.get("Period"),
        return_data=query.get("ReturnData", True),
        expression=query.get("Expression"),
        metric_stat=metric_stat,
    )


@registered
class Alarm(SandboxModel, CloudFormationModel):
    TYPE = "AWS::CloudWatch::Alarm"
    NAME_PROPERTY = "AlarmName"
    ATTRIBUTES = ("Arn",)

    @classmethod
    def create(cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str) -> Alarm:
        p = properties
        queries = [_metric_query(query) for query in as_list(p.get("Metrics"))] or None
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=name,
            namespace=p.get("Namespace"),
            metric_name=p.get("MetricName"),
            metric_data_queries=queries,
            comparison_operator=p["ComparisonOperator"],
            evaluation_periods=int(p["EvaluationPeriods"]),
            datapoints_to_alarm=int(p["DatapointsToAlarm"]) if "DatapointsToAlarm" in p else None,
            period=int(p["Period"]) if "Period" in p else None,  # type: ignore[arg-type]
            threshold=float(p["Threshold"]) if "Threshold" in p else None,  # type: ignore[arg-type]
            statistic=p.get("Statistic"),
            extended_statistic=p.get("ExtendedStatistic"),
            description=p.get("AlarmDescription"),
            dimensions=as_list(p.get("Dimensions")),
            alarm_actions=as_list(p.get("AlarmActions")),
            ok_actions=as_list(p.get("OKActions")),
            insufficient_data_actions=as_list(p.get("InsufficientDataActions")),
            unit=p.get("Unit"),
            actions_enabled=as_bool(p.get("ActionsEnabled"), default=True),
            treat_missing_data=p.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=p.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=p.get("ThresholdMetricId"),
            tags=as_list(p.get("Tags")),
        )
        return cls(name, account_id, region_name, properties, {"Arn": alarm.alarm_arn})

    def remove(self) -> None:
        cloudwatch_backends[self.account_id][self.region_name].delete_alarms([self.physical_resource_id])


@overrides("AWS::CloudWatch::Dashboard")
class Dashboard(SandboxModel):
    """A dashboard in moto's CloudWatch backend (``GetDashboard``, ``ListDashboards``), with
    its tags (``ListTagsForResource``), under its ``DashboardName`` or the name the stack
    generates (``stack-LogicalId-SUFFIX``); a body that is not a JSON object fails the
    resource, as ``PutDashboard`` refuses it."""

    TYPE = "AWS::CloudWatch::Dashboard"
    NAME_PROPERTY = "DashboardName"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Dashboard:
        # moto's registry reads the name property from its own model, which has none.
        name = properties.get(cls.NAME_PROPERTY) or name
        body = properties["DashboardBody"]
        try:
            parsed = json.loads(body) if isinstance(body, str) else None
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise DashboardInvalidInputError("The field DashboardBody must be a valid JSON object")
        backend = cloudwatch_backends[account_id][region_name]
        dashboard = backend.put_dashboard(name=name, body=body)
        tags = as_list(properties.get("Tags"))
        if tags:
            backend.tagger.tag_resource(dashboard.arn, tags)
        return cls(name, account_id, region_name, properties)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[override]
        cls,
        original_resource: Dashboard,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Dashboard:
        # A new body or new tags keep the dashboard and its generated name; only a new
        # DashboardName replaces it, as in CloudFormation.
        properties = cloudformation_json.get("Properties") or {}
        name = properties.get(cls.NAME_PROPERTY) or original_resource.physical_resource_id
        original_resource.remove()
        logical_id = getattr(original_resource, "logical_resource_id", new_resource_name)
        return cls.create(name, properties, account_id, region_name, logical_id)

    def remove(self) -> None:
        backend = cloudwatch_backends[self.account_id][self.region_name]
        dashboard = backend.get_dashboard(self.physical_resource_id)
        if dashboard is not None:
            backend.tagger.delete_all_tags_for_resource(dashboard.arn)
            backend.delete_dashboards([self.physical_resource_id])
