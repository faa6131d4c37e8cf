"""The alarms every load-balanced tier has: what a caller of the ALB would notice."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch.core.alarms import add_alarm, check_email
from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_int

_PERIOD = Duration.minutes(5)


@dataclass(frozen=True)
class TierAlarmOptions:
    """Thresholds of a load-balanced tier's alarms and where they notify.

    :param target_5xx: 5xx answers of the targets in 5 minutes above which to alarm.
    :param load_balancer_5xx: 5xx answers of the load balancer itself (no healthy
        target, timeouts) in 5 minutes.
    :param latency_p99_ms: p99 of the targets' response time.
    :param topic: an SNS topic to notify; ``None`` creates an encrypted one.
    :param email: subscribe this address to the topic created here.
    """

    target_5xx: int = 5
    load_balancer_5xx: int = 5
    latency_p99_ms: int = 2000
    topic: sns.ITopic | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        check_int("target_5xx", self.target_5xx, minimum=0)
        check_int("load_balancer_5xx", self.load_balancer_5xx, minimum=0)
        check_int("latency_p99_ms", self.latency_p99_ms, minimum=1, maximum=4_000_000)
        check_email("email", self.email)
        require(
            self.topic is None or self.email is None,
            "email is only used with the topic created here; subscribe it to your own topic instead",
        )


def load_balancer_alarms(
    scope: Construct,
    *,
    load_balancer: elbv2.IApplicationLoadBalancer | None,
    target_group: elbv2.ApplicationTargetGroup,
    options: TierAlarmOptions,
    topic: sns.ITopic,
) -> list[cloudwatch.Alarm]:
    """Unhealthy targets, target 5xx, p99 target response time, and (when the tier owns
    its load balancer) the load balancer's own 5xx."""
    metrics = target_group.metrics
    found = [
        add_alarm(
            scope,
            "UnhealthyTargetsAlarm",
            metric=metrics.unhealthy_host_count(statistic="Maximum", period=_PERIOD),
            threshold=0,
            description="A target failed the load balancer's health check",
            topic=topic,
        ),
        add_alarm(
            scope,
            "Target5xxAlarm",
            metric=metrics.http_code_target(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, statistic="Sum", period=_PERIOD),
            threshold=options.target_5xx,
            description=f"Targets answered more than {options.target_5xx} 5xx in 5 minutes",
            topic=topic,
        ),
        add_alarm(
            scope,
            "LatencyP99Alarm",
            metric=metrics.target_response_time(statistic="p99", period=_PERIOD),
            # TargetResponseTime is in seconds.
            threshold=options.latency_p99_ms / 1000,
            description=f"p99 target response time above {options.latency_p99_ms} ms over 5 minutes",
            topic=topic,
        ),
    ]
    if load_balancer is not None:
        found.append(
            add_alarm(
                scope,
                "LoadBalancer5xxAlarm",
                metric=load_balancer.metrics.http_code_elb(
                    elbv2.HttpCodeElb.ELB_5XX_COUNT, statistic="Sum", period=_PERIOD
                ),
                threshold=options.load_balancer_5xx,
                description=f"The load balancer answered more than {options.load_balancer_5xx} 5xx in 5 minutes",
                topic=topic,
            )
        )
    return found
