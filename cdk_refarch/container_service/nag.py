"""ContainerService's cdk-nag acknowledgments: only findings that are true by design,
each on the one construct it concerns, with the exact names cdk-nag reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import aws_iam as iam

from cdk_refarch.core.nag import acknowledge, wildcard_resources

if TYPE_CHECKING:
    from cdk_refarch.container_service.construct import ContainerService


def acknowledge_by_design(
    service: ContainerService, *, from_ecr: bool, ecs_exec: bool, environment: bool, circuit_breaker: bool
) -> None:
    if from_ecr:
        acknowledge(
            service.execution_role,
            "AwsSolutions-IAM5[Resource::*]",
            "ECR's GetAuthorizationToken supports no resource-level permissions; the image pull "
            "itself is granted on the one repository.",
        )
    if ecs_exec:
        acknowledge(
            service.task_role,
            "AwsSolutions-IAM5[Resource::*]",
            "ECS Exec's ssmmessages channel actions and logs:DescribeLogGroups support no resource-level permissions.",
        )
        for resource in log_stream_resources(service.task_role):
            acknowledge(
                service.task_role,
                f"AwsSolutions-IAM5[Resource::{resource}]",
                "ECS Exec writes each session to its own log stream of the session log group "
                "(log-group:NAME:* names its streams, and only them).",
            )
    if not circuit_breaker:
        acknowledge(
            service.service,
            "Annotation::@aws-cdk/aws-ecs:shouldUseCircuitBreaker",
            "The caller turned the circuit breaker off (circuit_breaker=False): a deployment whose tasks "
            "never become healthy is not stopped and rolled back by ECS.",
        )
    if environment:
        acknowledge(
            service.task_definition,
            "AwsSolutions-ECS2",
            "Only plain settings are environment variables: names that look like secrets are refused, "
            "and secrets come from Secrets Manager or SSM through the task's secrets.",
        )


def log_stream_resources(role: iam.IRole) -> list[str]:
    """The ``log-group:NAME:*`` resources in ``role``'s default policy, as cdk-nag names
    them (``arn:<AWS::Partition>:logs:...:log-group:<Logs1234>:*``)."""
    return wildcard_resources(role, suffix=":*", containing=":log-group:")
