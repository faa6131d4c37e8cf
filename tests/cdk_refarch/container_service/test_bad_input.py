"""ContainerService refuses bad input at synth, naming the property, the value and what is allowed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_secretsmanager as secretsmanager

from cdk_refarch import FrontDoorOptions, LoadBalancerOptions, PatternConfigError
from cdk_refarch.container_service import ContainerService, ListenerRule, ScratchVolume, TaskSize
from cdk_refarch.core.capacity import Capacity, HealthCheckOptions
from tests.cdk_refarch.container_service.variants import APP_DIR, DB_SECRET, ENV, LISTENER_ARN, vpc
from tests.synthesis import CDK_CONTEXT


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _stack() -> Stack:
    return Stack(App(context=CDK_CONTEXT), "T", env=ENV)


def _service(stack: Stack | None = None, **props: Any) -> ContainerService:
    stack = stack or _stack()
    props.setdefault("load_balancer", LoadBalancerOptions(plain_http=True))
    return ContainerService(stack, "Service", vpc=vpc(stack), **props)


def _listener(stack: Stack) -> elbv2.IApplicationListener:
    group = ec2.SecurityGroup.from_security_group_id(stack, "AlbGroup", "sg-0123456789abcdef0")
    return elbv2.ApplicationListener.from_application_listener_attributes(
        stack, "Listener", listener_arn=LISTENER_ARN, security_group=group
    )


# Capacity and the health check (shared with WebTier through cdk_refarch.core.capacity).


def test_min_capacity_above_max() -> None:
    with _raises("minimum (5) must not exceed maximum (2)"):
        Capacity(minimum=5, desired=5, maximum=2)


@pytest.mark.parametrize("desired", [1, 9])
def test_desired_outside_min_max(desired: int) -> None:
    with _raises(f"desired ({desired}) must be within [minimum, maximum] ([2, 8])"):
        Capacity(minimum=2, desired=desired, maximum=8)


@pytest.mark.parametrize("path", ["healthz", "", "http://x/"])
def test_health_check_path_must_start_with_a_slash(path: str) -> None:
    with _raises(f"path ({path!r}) must start with '/'"):
        HealthCheckOptions(path=path)


@pytest.mark.parametrize(("interval", "timeout"), [(10, 10), (10, 12)])
def test_health_check_timeout_not_below_interval(interval: int, timeout: int) -> None:
    with _raises(f"timeout_seconds ({timeout}) must be below interval_seconds ({interval})"):
        HealthCheckOptions(interval_seconds=interval, timeout_seconds=timeout)


# Fargate's task sizes.


@pytest.mark.parametrize(
    ("cpu", "memory", "allowed"),
    [
        (256, 4096, "512, 1024 or 2048"),
        (512, 512, "1024 to 4096 in steps of 1024"),
        (1024, 1536, "2048 to 8192 in steps of 1024"),
        (2048, 20480, "4096 to 16384 in steps of 1024"),
        (4096, 32768, "8192 to 30720 in steps of 1024"),
        (8192, 18432, "16384 to 61440 in steps of 4096"),
        (16384, 36864, "32768 to 122880 in steps of 8192"),
    ],
)
def test_cpu_memory_pair_fargate_does_not_run(cpu: int, memory: int, allowed: str) -> None:
    with _raises(f"memory_mib ({memory}) is not a Fargate size for cpu {cpu}: allowed {allowed} MiB"):
        TaskSize(cpu=cpu, memory_mib=memory)


@pytest.mark.parametrize("cpu", [128, 300, 32768, True, 256.0])
def test_cpu_not_a_fargate_size(cpu: Any) -> None:
    with _raises(
        f"cpu ({cpu!r}) must be one of Fargate's task sizes: 256, 512, 1024, 2048, 4096, 8192, 16384 "
        "(CPU units; 1024 = 1 vCPU)"
    ):
        TaskSize(cpu=cpu, memory_mib=512)


def test_every_fargate_size_is_accepted() -> None:
    # The edges of each row of Fargate's table.
    for cpu, memory in [(256, 512), (256, 2048), (512, 1024), (4096, 30720), (8192, 61440), (16384, 122880)]:
        TaskSize(cpu=cpu, memory_mib=memory)


@pytest.mark.parametrize("size", [20, 201])
def test_ephemeral_storage_outside_fargate_range(size: int) -> None:
    with _raises(f"ephemeral_storage_gib ({size}) must be an integer from 21 to 200 GiB"):
        TaskSize(ephemeral_storage_gib=size)


# The front door.


def test_https_without_a_certificate_or_domain() -> None:
    with _raises("HTTPS needs a certificate: pass FrontDoorOptions(domain_name=..., hosted_zone=...)"):
        _service(load_balancer=LoadBalancerOptions())


def test_an_environment_agnostic_stack_cannot_log_its_load_balancer() -> None:
    stack = Stack(App(context=CDK_CONTEXT), "T")
    with _raises("the stack's region is not set (environment-agnostic): give the stack env=Environment(region=...)"):
        _service(stack)


# The container.


@pytest.mark.parametrize("port", [0, 65536, -1, True, 80.5])
def test_container_port_outside_tcp(port: Any) -> None:
    with _raises(f"container_port ({port!r}) must be an integer from 1 to 65535"):
        _service(container_port=port)


@pytest.mark.parametrize(
    "image",
    ["nginx", "nginx:latest", "public.ecr.aws/nginx/nginx-unprivileged", "registry.example.com/app:latest"],
)
def test_image_must_be_pinned(image: str) -> None:
    with _raises(f"image ({image!r}) must be pinned: a tag other than 'latest' (REPOSITORY:TAG) or a digest"):
        _service(image=image)


@pytest.mark.parametrize("image", ["", "Nginx:1.27", "nginx:1.27 ", "nginx@sha256:abc", "a//b:1"])
def test_image_must_be_a_reference(image: str) -> None:
    with _raises(f"image ({image!r}) must be an image reference such as"):
        _service(image=image)


def test_pinned_images_are_accepted() -> None:
    for image in (
        "nginx:1.27",
        "localhost:5000/app:1",
        "nginx:latest@sha256:" + "0" * 64,
        "ghcr.io/o/app@sha256:" + "a" * 64,
    ):
        _service(image=image)


def test_image_and_image_directory_together() -> None:
    with _raises("pass either image (a registry reference) or image_directory"):
        _service(image="nginx:1.27", image_directory=APP_DIR)


def test_image_directory_needs_a_dockerfile(tmp_path: Any) -> None:
    with _raises(f"image_directory ({str(tmp_path)!r}) must be a folder holding a Dockerfile"):
        _service(image_directory=str(tmp_path))


def test_secret_looking_environment_variable() -> None:
    with _raises(
        "environment variable DB_PASSWORD looks like a secret, and environment variables are plain text in the "
        "template and the console: pass secrets={'DB_PASSWORD': '<ARN of a Secrets Manager secret or SSM "
        "parameter>'}, and ECS sets the value when the container starts"
    ):
        _service(environment={"DB_PASSWORD": "hunter2"})


@pytest.mark.parametrize("arn", ["hunter2", "arn:aws:s3:::bucket/key", DB_SECRET.replace("111111111111", "1")])
def test_secret_must_be_an_arn(arn: str) -> None:
    with _raises(f"secrets variable DB_PASSWORD ({arn!r}) must be the ARN of a Secrets Manager secret"):
        _service(secrets={"DB_PASSWORD": arn})


def test_variable_in_environment_and_secrets() -> None:
    with _raises("environment and secrets both set MODE"):
        _service(environment={"MODE": "a"}, secrets={"MODE": DB_SECRET})


def test_variable_in_environment_and_an_ecs_secret() -> None:
    stack = _stack()
    secret = ecs.Secret.from_secrets_manager(
        secretsmanager.Secret.from_secret_complete_arn(stack, "Db", DB_SECRET), "username"
    )
    with _raises("environment and secrets both set DB_USER"):
        _service(stack, environment={"DB_USER": "a"}, secrets={"DB_USER": secret})


def test_environment_variable_name() -> None:
    with _raises("environment variable name ('1ST') must match [A-Za-z_][A-Za-z0-9_]*"):
        _service(environment={"1ST": "x"})


@pytest.mark.parametrize("path", ["/", "tmp", "/tmp/../etc", "/tmp//x", ""])
def test_scratch_volume_path(path: str) -> None:
    with _raises(f"scratch_volume path ({path!r}) must be an absolute directory such as '/tmp', not '/'"):
        ScratchVolume(path=path)


def test_scratch_volume_larger_than_the_task() -> None:
    with _raises("scratch_volume size_mib (512) must be below the task's memory_mib (512)"):
        _service(scratch_volume=ScratchVolume(size_mib=512))


@pytest.mark.parametrize(
    ("prop", "value"), [("readonly_root", "yes"), ("circuit_breaker", 1), ("allow_all_outbound", None)]
)
def test_switches_are_booleans(prop: str, value: Any) -> None:
    with _raises(f"{prop} ({value!r}) must be True or False"):
        _service(**{prop: value})


# Deployments, scaling, logs.


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("minimum_healthy_percent", 101, "minimum_healthy_percent (101) must be an integer from 0 to 100"),
        ("minimum_healthy_percent", -1, "minimum_healthy_percent (-1) must be an integer from 0 to 100"),
        ("maximum_percent", 99, "maximum_percent (99) must be an integer at least 100"),
        ("health_check_grace_seconds", 7201, "health_check_grace_seconds (7201) must be an integer from 0 to 7200"),
        ("cpu_target_percent", 95, "cpu_target_percent (95) must be an integer from 10 to 90"),
        ("cpu_target_percent", float("nan"), "cpu_target_percent (nan) must be an integer from 10 to 90"),
        ("requests_per_target", 0, "requests_per_target (0) must be an integer at least 1"),
        ("log_retention_days", 2, "log_retention_days (2) must be one of the CloudWatch Logs retention periods"),
    ],
)
def test_numbers(prop: str, value: Any, message: str) -> None:
    with _raises(message):
        _service(**{prop: value})


def test_maximum_percent_must_leave_room_to_deploy() -> None:
    with _raises("maximum_percent (100) must be above minimum_healthy_percent (100)"):
        _service(maximum_percent=100)


def test_maximum_percent_of_100_turns_az_rebalancing_off() -> None:
    # Rebalancing needs room above 100%; a service that must never double keeps its deploys.
    service = _service(minimum_healthy_percent=50, maximum_percent=100)
    resource = service.service.node.default_child
    assert isinstance(resource, ecs.CfnService)
    assert resource.availability_zone_rebalancing == "DISABLED"


# An existing listener.


def test_existing_listener_needs_a_rule() -> None:
    stack = _stack()
    with _raises("existing_listener needs listener_rule=ListenerRule(priority=..., path_patterns=(...))"):
        _service(stack, existing_listener=_listener(stack))


def test_listener_rule_without_existing_listener() -> None:
    with _raises("listener_rule is only used with existing_listener"):
        _service(listener_rule=ListenerRule(priority=1, path_patterns=("/api/*",)))


def test_existing_listener_with_options_of_a_created_load_balancer() -> None:
    stack = _stack()
    zone = route53.HostedZone.from_hosted_zone_attributes(stack, "Zone", hosted_zone_id="Z1", zone_name="example.com")
    with _raises("front_door, load_balancer and existing_log_bucket describe a load balancer created here"):
        _service(
            stack,
            load_balancer=LoadBalancerOptions(),
            front_door=FrontDoorOptions(domain_name="app.example.com", hosted_zone=zone),
            existing_listener=_listener(stack),
            listener_rule=ListenerRule(priority=1, path_patterns=("/",)),
        )


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"priority": 0, "path_patterns": ("/",)}, "priority (0) must be an integer from 1 to 50000"),
        ({"priority": 1}, "ListenerRule needs at least one path pattern or host header"),
        (
            {
                "priority": 1,
                "path_patterns": ("/a", "/b", "/c"),
                "host_headers": ("a.example.com", "b.example.com", "c"),
            },
            "ListenerRule has 6 condition values: an ALB rule takes at most 5",
        ),
        ({"priority": 1, "path_patterns": ("api/*",)}, "path_patterns entry ('api/*') must start with '/'"),
        ({"priority": 1, "host_headers": ("Shop.Example.com",)}, "host_headers entry ('Shop.Example.com') must be"),
    ],
)
def test_bad_listener_rule(props: dict[str, Any], message: str) -> None:
    with _raises(message):
        ListenerRule(**props)
