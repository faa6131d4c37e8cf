"""A load-balanced tier's section: the ALB and its target group, then what runs behind
it (an Auto Scaling group of instances, or an ECS service on Fargate)."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from cdk_refarch.container_service import ContainerService
from cdk_refarch.core.errors import require
from cdk_refarch.monitoring.section import Section, section_title
from cdk_refarch.monitoring.widgets import PERIOD, THIRD, graph, line, percentiles
from cdk_refarch.web_tier import WebTier

_NOTE = (
    "The load balancer and target group, then what runs behind it. "
    "Target response time is measured by the load balancer, in seconds."
)


def load_balancer_section(tier: WebTier | ContainerService, *, title: str | None = None) -> Section:
    """Requests, target and load balancer 5xx and target 4xx, target response time
    p50/p90/p99 and healthy/unhealthy targets; then saturation: instances' CPU and
    instances in service (``WebTier``) or tasks' CPU and memory and running tasks
    (``ContainerService``), and requests per target with the load balancer's active
    connections; the tier's alarms."""
    require(isinstance(tier, (WebTier, ContainerService)), f"tier ({tier!r}) must be a WebTier or a ContainerService")
    load_balancer = tier.front_door.load_balancer if tier.front_door is not None else None
    if isinstance(tier, WebTier):
        kind, saturation = "Web tier", _instances(tier)
    else:
        kind, saturation = "Container service", _tasks(tier)
    return Section(
        title=section_title(kind, tier, title),
        rows=[_front(tier.target_group, load_balancer), [*saturation, _load(tier.target_group, load_balancer)]],
        alarms=tier.alarms,
        description=_NOTE,
    )


def _target_metric(
    group: elbv2.ApplicationTargetGroup,
    load_balancer: elbv2.IApplicationLoadBalancer | None,
    metric_name: str,
    *,
    per_target: bool = False,
) -> cloudwatch.Metric:
    """A target group's metric, its dimensions the group's and the load balancer's full
    names: attributes, which a dashboard in another stack reads as they are. CDK's
    ``group.metrics`` derive the load balancer's name by splitting the listener's ARN,
    which in another stack becomes ``Fn::Split`` over ``Fn::GetStackOutput``: not a
    function ``Fn::Split`` takes (cfn-lint E1022, and the ``Fn::Split`` reference)."""
    if load_balancer is None:
        return group.metrics.custom(metric_name, period=PERIOD)
    dimensions = {"TargetGroup": group.target_group_full_name}
    if not per_target:  # RequestCountPerTarget is published per target group only.
        dimensions["LoadBalancer"] = load_balancer.load_balancer_full_name
    return cloudwatch.Metric(
        namespace="AWS/ApplicationELB", metric_name=metric_name, dimensions_map=dimensions, period=PERIOD
    )


def _front(
    group: elbv2.ApplicationTargetGroup, load_balancer: elbv2.IApplicationLoadBalancer | None
) -> list[cloudwatch.IWidget]:
    def metric(metric_name: str) -> cloudwatch.Metric:
        return _target_metric(group, load_balancer, metric_name)

    errors = [
        line(metric("HTTPCode_Target_5XX_Count"), "Target 5xx", "Sum"),
        line(metric("HTTPCode_Target_4XX_Count"), "Target 4xx", "Sum"),
    ]
    if load_balancer is not None:
        # The load balancer's own 5xx: no healthy target, a target that timed out or reset.
        errors.append(line(load_balancer.metrics.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT), "ALB 5xx", "Sum"))
    return [
        graph("Requests", [line(metric("RequestCount"), "Requests", "Sum")], unit="Count"),
        graph("Errors", errors, unit="Count"),
        graph("Target response time", percentiles(metric("TargetResponseTime")), unit="Seconds"),
        graph(
            "Targets",
            [
                line(metric("HealthyHostCount"), "Healthy", "Minimum"),
                line(metric("UnHealthyHostCount"), "Unhealthy", "Maximum"),
            ],
            unit="Count",
        ),
    ]


def _load(
    group: elbv2.ApplicationTargetGroup, load_balancer: elbv2.IApplicationLoadBalancer | None
) -> cloudwatch.IWidget:
    connections = []
    if load_balancer is not None:
        connections = [line(load_balancer.metrics.active_connection_count(), "Active connections", "Sum")]
    per_target = _target_metric(group, load_balancer, "RequestCountPerTarget", per_target=True)
    return graph(
        "Load",
        [line(per_target, "Requests per target", "Sum")],
        width=THIRD,
        unit="Count",
        right=connections,
        right_unit="Connections" if connections else None,
    )


def _instances(tier: WebTier) -> list[cloudwatch.IWidget]:
    name = {"AutoScalingGroupName": tier.group.auto_scaling_group_name}

    def metric(namespace: str, metric_name: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(namespace=namespace, metric_name=metric_name, dimensions_map=name, period=PERIOD)

    cpu = metric("AWS/EC2", "CPUUtilization")
    return [
        graph(
            "Instance CPU", [line(cpu, "Average", "Average"), line(cpu, "Busiest", "Maximum")], width=THIRD, unit="%"
        ),
        graph(
            "Instances",
            [
                # Published because the group turns on every group metric.
                line(metric("AWS/AutoScaling", "GroupInServiceInstances"), "In service", "Minimum"),
                line(metric("AWS/AutoScaling", "GroupDesiredCapacity"), "Desired", "Maximum"),
            ],
            width=THIRD,
            unit="Count",
        ),
    ]


def _tasks(tier: ContainerService) -> list[cloudwatch.IWidget]:
    service = tier.service
    cpu, memory = service.metric_cpu_utilization(), service.metric_memory_utilization()

    def insight(metric_name: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="ECS/ContainerInsights",
            metric_name=metric_name,
            dimensions_map={"ClusterName": tier.cluster.cluster_name, "ServiceName": service.service_name},
            period=PERIOD,
        )

    return [
        graph(
            "Task CPU and memory",
            [
                line(cpu, "CPU", "Average"),
                line(cpu, "CPU, busiest", "Maximum"),
                line(memory, "Memory", "Average"),
                line(memory, "Memory, fullest", "Maximum"),
            ],
            width=THIRD,
            unit="%",
        ),
        graph(
            "Tasks",
            [
                line(insight("RunningTaskCount"), "Running", "Minimum"),
                line(insight("DesiredTaskCount"), "Desired", "Maximum"),
            ],
            width=THIRD,
            unit="Count",
        ),
    ]
