"""Smoke checks of the ``container-service`` pattern (see ``deploy/smoke/__init__.py``).

On both targets: the load balancer (scheme, attributes, listeners), the target group's
health check, the ECS service (desired count, circuit breaker with rollback, no public
IP, Fargate) and its task definition (CPU, memory, arm64, read-only root, and each
secret it injects: the secret exists and holds the key named).
"""

from __future__ import annotations

from typing import Any

from deploy.smoke import SmokeContext, _load_balancer, _secrets

SERVICE = "AWS::ECS::Service"
TASK_DEFINITION = "AWS::ECS::TaskDefinition"
CLUSTER = "AWS::ECS::Cluster"


def check_load_balancer_scheme_and_attributes(ctx: SmokeContext) -> None:
    _load_balancer.scheme_and_attributes(ctx)


def check_listeners(ctx: SmokeContext) -> None:
    _load_balancer.listeners(ctx)


def check_target_group_health_check(ctx: SmokeContext) -> None:
    _load_balancer.target_group_health_check(ctx)


def _service(ctx: SmokeContext) -> dict[str, Any]:
    described = ctx.client("ecs").describe_services(cluster=ctx.only(CLUSTER), services=[ctx.only(SERVICE)])
    (service,) = described["services"]
    return dict(service)


def check_service_desired_count_and_launch_type(ctx: SmokeContext) -> None:
    declared = _load_balancer.properties_of(ctx, SERVICE)
    service = _service(ctx)
    wanted = declared.get("DesiredCount")
    if wanted is not None:
        assert service["desiredCount"] == wanted, service["desiredCount"]
    assert service.get("launchType") == "FARGATE" or service.get("capacityProviderStrategy"), service


def check_service_rolls_back_failed_deployments(ctx: SmokeContext) -> None:
    configuration = _service(ctx)["deploymentConfiguration"]
    breaker = configuration["deploymentCircuitBreaker"]
    assert breaker == {"enable": True, "rollback": True}, breaker
    assert configuration["minimumHealthyPercent"] >= 100 or configuration["maximumPercent"] <= 100, configuration


def check_tasks_get_no_public_ip(ctx: SmokeContext) -> None:
    awsvpc = _service(ctx)["networkConfiguration"]["awsvpcConfiguration"]
    assert awsvpc["assignPublicIp"] == "DISABLED", awsvpc


def check_task_size_architecture_and_read_only_root(ctx: SmokeContext) -> None:
    declared = _load_balancer.properties_of(ctx, TASK_DEFINITION)
    task = ctx.client("ecs").describe_task_definition(taskDefinition=ctx.only(TASK_DEFINITION))["taskDefinition"]
    assert (task["cpu"], task["memory"]) == (declared["Cpu"], declared["Memory"]), (task["cpu"], task["memory"])
    assert task["runtimePlatform"]["cpuArchitecture"] == "ARM64", task["runtimePlatform"]
    assert task["requiresCompatibilities"] == ["FARGATE"] and task["networkMode"] == "awsvpc", task
    (container,) = [c for c in task["containerDefinitions"] if c.get("essential", True)]
    assert container["readonlyRootFilesystem"] is True, container


def check_container_secrets_name_existing_secrets_and_keys(ctx: SmokeContext) -> None:
    """Each ``secrets`` entry names a Secrets Manager secret that exists and, for a JSON key
    (``ARN:key::``), holds that key: otherwise ECS cannot start a task. Only key names are
    compared and reported, never a value."""
    task = ctx.client("ecs").describe_task_definition(taskDefinition=ctx.only(TASK_DEFINITION))["taskDefinition"]
    (container,) = [c for c in task["containerDefinitions"] if c.get("essential", True)]
    for secret in container.get("secrets", []):
        value_from = secret["valueFrom"]
        if ":secretsmanager:" not in value_from:
            continue  # an SSM parameter
        parts = value_from.split(":")
        arn, key = ":".join(parts[:7]), (parts[7] if len(parts) > 7 else "")
        fields = _secrets.secret_fields(ctx, arn)
        assert not key or key in fields, f"{secret['name']}: secret {arn} has no key {key!r} (keys: {sorted(fields)})"
