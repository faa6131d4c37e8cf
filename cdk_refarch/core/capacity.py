"""Options every load-balanced tier shares: how many, and how their health is checked."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_int


@dataclass(frozen=True)
class Capacity:
    """How many instances or tasks run: at least ``minimum``, ``desired`` at deploy
    time, at most ``maximum``; scaling moves between the bounds."""

    minimum: int = 1
    desired: int = 1
    maximum: int = 2

    def __post_init__(self) -> None:
        check_int("minimum", self.minimum, minimum=0)
        check_int("desired", self.desired, minimum=0)
        check_int("maximum", self.maximum, minimum=1)
        require(
            self.minimum <= self.maximum,
            f"minimum ({self.minimum}) must not exceed maximum ({self.maximum})",
        )
        require(
            self.minimum <= self.desired <= self.maximum,
            f"desired ({self.desired}) must be within [minimum, maximum] ([{self.minimum}, {self.maximum}])",
        )


@dataclass(frozen=True)
class HealthCheckOptions:
    """The target group's health check.

    :param path: what the load balancer requests; it must start with ``/``.
    :param timeout_seconds: must be below ``interval_seconds`` (the load balancer
        refuses otherwise).
    """

    path: str = "/health"
    interval_seconds: int = 15
    timeout_seconds: int = 5
    healthy_threshold: int = 2
    unhealthy_threshold: int = 3

    def __post_init__(self) -> None:
        require(
            isinstance(self.path, str) and self.path.startswith("/") and len(self.path) <= 1024,
            f"path ({self.path!r}) must start with '/' (at most 1024 characters), e.g. '/health'",
        )
        check_int("interval_seconds", self.interval_seconds, minimum=5, maximum=300)
        check_int("timeout_seconds", self.timeout_seconds, minimum=2, maximum=120)
        require(
            self.timeout_seconds < self.interval_seconds,
            f"timeout_seconds ({self.timeout_seconds}) must be below interval_seconds ({self.interval_seconds})",
        )
        check_int("healthy_threshold", self.healthy_threshold, minimum=2, maximum=10)
        check_int("unhealthy_threshold", self.unhealthy_threshold, minimum=2, maximum=10)

    def to_cdk(self) -> elbv2.HealthCheck:
        return elbv2.HealthCheck(
            path=self.path,
            interval=Duration.seconds(self.interval_seconds),
            timeout=Duration.seconds(self.timeout_seconds),
            healthy_threshold_count=self.healthy_threshold,
            unhealthy_threshold_count=self.unhealthy_threshold,
            healthy_http_codes="200",
        )
