"""ContainerService's own alarm, beside the load-balanced tier's (``core.load_balancer_alarms``)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch.core.alarms import add_alarm

#: Minutes in a row with fewer tasks running than desired before the alarm fires: a
#: task that crashes is replaced within a minute or two, one that cannot start is not.
RUNNING_BELOW_DESIRED_MINUTES = 5


def running_tasks_alarm(
    scope: Construct, *, cluster: ecs.ICluster, service: ecs.FargateService, minimum: int, topic: sns.ITopic
) -> cloudwatch.Alarm:
    """Fewer tasks running than desired for 5 minutes in a row (Container Insights).

    Container Insights reports a service only while at least one of its tasks runs, so
    with a ``minimum`` of one or more, no data means no task at all: missing data is
    breaching here, unlike every other alarm (an idle service still has its tasks).
    """

    def metric(name: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="ECS/ContainerInsights",
            metric_name=name,
            dimensions_map={"ClusterName": cluster.cluster_name, "ServiceName": service.service_name},
            statistic="Average",
            period=Duration.minutes(1),
        )

    missing = cloudwatch.MathExpression(
        expression="desired - running",
        using_metrics={"desired": metric("DesiredTaskCount"), "running": metric("RunningTaskCount")},
        label="Tasks missing",
        period=Duration.minutes(1),
    )
    alarm = add_alarm(
        scope,
        "RunningTasksAlarm",
        metric=missing,
        threshold=0,
        evaluation_periods=RUNNING_BELOW_DESIRED_MINUTES,
        description=f"Fewer tasks running than desired for {RUNNING_BELOW_DESIRED_MINUTES} minutes",
        topic=topic,
    )
    if minimum > 0:
        resource = alarm.node.default_child
        assert isinstance(resource, cloudwatch.CfnAlarm)
        resource.treat_missing_data = "breaching"
    return alarm
