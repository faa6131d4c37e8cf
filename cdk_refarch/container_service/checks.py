"""ContainerService's cross-field input checks, in one function called before anything is built."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Stack, Token
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.container_service.image import check_image_directory, parse_image
from cdk_refarch.container_service.options import ListenerRule, ScratchVolume, TaskSize
from cdk_refarch.core.errors import require
from cdk_refarch.core.front_door import FrontDoorOptions
from cdk_refarch.core.load_balancer import LoadBalancerOptions
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.validation import check_bool, check_env_var_names, check_environment, check_int


def check_container_service(
    scope: Construct,
    *,
    image: str | None,
    image_directory: str | None,
    container_port: int,
    environment: Mapping[str, str],
    secrets: Mapping[str, str | ecs.Secret],
    task: TaskSize,
    readonly_root: bool,
    scratch_volume: ScratchVolume | None,
    health_check_grace_seconds: int,
    minimum_healthy_percent: int,
    maximum_percent: int,
    circuit_breaker: bool,
    cpu_target_percent: int,
    requests_per_target: int | None,
    allow_all_outbound: bool,
    front_door: FrontDoorOptions,
    load_balancer: LoadBalancerOptions,
    existing_listener: elbv2.IApplicationListener | None,
    listener_rule: ListenerRule | None,
    existing_log_bucket: s3.IBucket | None,
    log_retention_days: int,
) -> None:
    """Every rule on ContainerService's input that concerns more than one field, or a
    plain (non-dataclass) property."""
    log_retention("log_retention_days", log_retention_days)
    require(
        image is None or image_directory is None,
        "pass either image (a registry reference) or image_directory (a folder built as an image asset), not both",
    )
    if image_directory is not None:
        check_image_directory(image_directory)
    elif image is not None:
        parse_image(image)
    check_int("container_port", container_port, minimum=1, maximum=65535)
    # Secrets given as ecs.Secret (e.g. a field of a database's secret) bring their own grant.
    arns = {name: value for name, value in secrets.items() if not isinstance(value, ecs.Secret)}
    check_environment(environment, arns, read="ECS sets the value when the container starts")
    check_env_var_names("secrets variable", secrets)
    both = sorted(set(environment) & set(secrets))
    require(not both, f"environment and secrets both set {', '.join(both)}")
    check_bool("readonly_root", readonly_root)
    check_bool("circuit_breaker", circuit_breaker)
    check_bool("allow_all_outbound", allow_all_outbound)
    if scratch_volume is not None:
        require(
            scratch_volume.size_mib < task.memory_mib,
            f"scratch_volume size_mib ({scratch_volume.size_mib}) must be below the task's memory_mib "
            f"({task.memory_mib}): a tmpfs volume lives in the task's memory",
        )
    check_int("health_check_grace_seconds", health_check_grace_seconds, minimum=0, maximum=7200)
    check_int("minimum_healthy_percent", minimum_healthy_percent, minimum=0, maximum=100)
    check_int("maximum_percent", maximum_percent, minimum=100)
    require(
        maximum_percent > minimum_healthy_percent,
        f"maximum_percent ({maximum_percent}) must be above minimum_healthy_percent ({minimum_healthy_percent}): "
        "otherwise a deployment can neither start a new task nor stop an old one",
    )
    check_int("cpu_target_percent", cpu_target_percent, minimum=10, maximum=90)
    if requests_per_target is not None:
        check_int("requests_per_target", requests_per_target, minimum=1)
    _check_listener(existing_listener, listener_rule, front_door, load_balancer, existing_log_bucket)
    if existing_listener is None:
        require(
            not Token.is_unresolved(Stack.of(scope).region),
            "ContainerService creates a load balancer whose access logs need the stack's region, but the "
            "stack's region is not set (environment-agnostic): give the stack env=Environment(region=...), "
            "or pass existing_listener",
        )


def _check_listener(
    listener: elbv2.IApplicationListener | None,
    rule: ListenerRule | None,
    front_door: FrontDoorOptions,
    load_balancer: LoadBalancerOptions,
    log_bucket: s3.IBucket | None,
) -> None:
    """With ``existing_listener``: a rule to sit behind, and none of the options of a
    load balancer created here. (Its security group, which the tasks accept, comes with
    it: CDK's import requires it.)"""
    if listener is None:
        require(rule is None, "listener_rule is only used with existing_listener")
        return
    require(
        rule is not None,
        "existing_listener needs listener_rule=ListenerRule(priority=..., path_patterns=(...)) or host_headers: "
        "the listener's default action stays its owner's",
    )
    require(
        front_door == FrontDoorOptions() and load_balancer == LoadBalancerOptions() and log_bucket is None,
        "front_door, load_balancer and existing_log_bucket describe a load balancer created here: with "
        "existing_listener, its domain, certificate, WAF and logs are its owner's",
    )
