"""ContainerService: an ALB in front of an ECS service on Fargate.

Where the study notes and current AWS practice differ, this construct follows current
practice (see ``shared/PRACTICES.md``):

- Fargate on arm64 (Graviton), not EC2 container instances: no hosts to patch and about
  20% cheaper than x86 Fargate (the notes, 001:3830-3859, present both launch types alike).
- The service replaces failed tasks (003:2752-2780) and also stops a failing deployment
  and rolls it back (circuit breaker), which the notes predate.
- Container Insights (not only the basic ECS metrics) feeds the running-tasks alarm.
- No SSH into containers: ECS Exec, off by default, with sessions encrypted and logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_refarch.container_service import service as builders
from cdk_refarch.container_service.checks import check_container_service
from cdk_refarch.container_service.image import container_image
from cdk_refarch.container_service.monitoring import running_tasks_alarm
from cdk_refarch.container_service.nag import acknowledge_by_design
from cdk_refarch.container_service.options import (
    DEFAULT_IMAGE,
    DEFAULT_PORT,
    EcsExecOptions,
    ListenerRule,
    ScratchVolume,
    TaskSize,
)
from cdk_refarch.container_service.task import app_container, execution_role, task_definition, task_role
from cdk_refarch.core.alarms import alarm_topic
from cdk_refarch.core.capacity import Capacity, HealthCheckOptions
from cdk_refarch.core.front_door import FrontDoorOptions
from cdk_refarch.core.load_balancer import LoadBalancedFrontDoor, LoadBalancerOptions, load_balancer_with_logs
from cdk_refarch.core.load_balancer_alarms import TierAlarmOptions, load_balancer_alarms
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.tags import tag_pattern

_NONE: Mapping[str, Any] = MappingProxyType({})
_DEFAULT_LOAD_BALANCER = LoadBalancerOptions()
_DEFAULT_TASK = TaskSize()
_DEFAULT_SCRATCH = ScratchVolume()


class ContainerService(Construct):
    """ALB (``LoadBalancedFrontDoor``, or your ``existing_listener``) -> a Fargate service
    of one container, in private subnets, on arm64.

    Attributes: ``cluster``, ``service``, ``task_definition``, ``container``,
    ``task_role``, ``execution_role``, ``log_group``, ``security_group``,
    ``target_group``, ``front_door`` (``None`` with ``existing_listener``),
    ``log_bucket`` (likewise), ``scaling``, ``exec_key`` and ``exec_log_group`` (ECS
    Exec only), ``alarm_topic``, ``alarms``, ``url`` (``None`` with
    ``existing_listener``: the listener's owner knows its address).

    Every default and the reason for it is listed in ``cdk_refarch/container_service/README.md``.
    """

    PATTERN = "container-service"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        vpc_subnets: ec2.SubnetSelection | None = None,
        image: str | None = None,
        image_directory: str | None = None,
        container_port: int = DEFAULT_PORT,
        environment: Mapping[str, str] = _NONE,
        secrets: Mapping[str, str | ecs.Secret] = _NONE,
        task: TaskSize = _DEFAULT_TASK,
        readonly_root: bool = True,
        scratch_volume: ScratchVolume | None = _DEFAULT_SCRATCH,
        capacity: Capacity = Capacity(minimum=2, desired=2, maximum=4),
        health_check: HealthCheckOptions = HealthCheckOptions(path="/"),
        health_check_grace_seconds: int = 60,
        minimum_healthy_percent: int = 100,
        maximum_percent: int = 200,
        circuit_breaker: bool = True,
        cpu_target_percent: int = 70,
        requests_per_target: int | None = None,
        allow_all_outbound: bool = False,
        ecs_exec: EcsExecOptions | None = None,
        front_door: FrontDoorOptions = FrontDoorOptions(),
        load_balancer: LoadBalancerOptions = _DEFAULT_LOAD_BALANCER,
        existing_listener: elbv2.IApplicationListener | None = None,
        listener_rule: ListenerRule | None = None,
        existing_log_bucket: s3.IBucket | None = None,
        alarms: TierAlarmOptions = TierAlarmOptions(),
        log_retention_days: int = 365,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        check_container_service(
            self,
            image=image,
            image_directory=image_directory,
            container_port=container_port,
            environment=environment,
            secrets=secrets,
            task=task,
            readonly_root=readonly_root,
            scratch_volume=scratch_volume,
            health_check_grace_seconds=health_check_grace_seconds,
            minimum_healthy_percent=minimum_healthy_percent,
            maximum_percent=maximum_percent,
            circuit_breaker=circuit_breaker,
            cpu_target_percent=cpu_target_percent,
            requests_per_target=requests_per_target,
            allow_all_outbound=allow_all_outbound,
            front_door=front_door,
            load_balancer=load_balancer,
            existing_listener=existing_listener,
            listener_rule=listener_rule,
            existing_log_bucket=existing_log_bucket,
            log_retention_days=log_retention_days,
        )
        tag_pattern(self)
        retention = log_retention("log_retention_days", log_retention_days)
        # The front door first: it refuses HTTPS without a domain before anything else is built.
        self.log_bucket: s3.IBucket | None = None
        self.front_door: LoadBalancedFrontDoor | None = None
        if existing_listener is None:
            self._front_door(vpc, front_door, load_balancer, existing_log_bucket, log_retention_days, removal_policy)

        self.exec_key: kms.IKey | None = None
        self.exec_log_group: logs.LogGroup | None = None
        exec_configuration = None
        if ecs_exec is not None:
            exec_configuration, self.exec_key, self.exec_log_group = builders.exec_settings(
                self, ecs_exec, retention=retention, removal_policy=removal_policy
            )
        self.cluster = builders.cluster(self, vpc, exec_configuration)

        self.task_role = task_role(self)
        self.execution_role = execution_role(self)
        self.task_definition = task_definition(
            self, size=task, task_role=self.task_role, execution_role=self.execution_role
        )
        container_source, from_ecr = container_image(
            self, image=image or DEFAULT_IMAGE, image_directory=image_directory
        )
        self.container, self.log_group = app_container(
            self.task_definition,
            image=container_source,
            port=container_port,
            environment=environment,
            secrets=secrets,
            readonly_root=readonly_root,
            scratch_volume=scratch_volume,
            ecs_exec=ecs_exec is not None,
            retention=retention,
            removal_policy=removal_policy,
        )

        self.security_group = builders.security_group(self, vpc, allow_all_outbound=allow_all_outbound)
        self.service = builders.fargate_service(
            self,
            cluster=self.cluster,
            definition=self.task_definition,
            vpc_subnets=vpc_subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            group=self.security_group,
            capacity=capacity,
            minimum_healthy_percent=minimum_healthy_percent,
            maximum_percent=maximum_percent,
            circuit_breaker=circuit_breaker,
            grace_seconds=health_check_grace_seconds,
            ecs_exec=ecs_exec is not None,
        )
        self.target_group = builders.target_group(
            self, vpc=vpc, service=self.service, port=container_port, health_check=health_check
        )
        self._connect(existing_listener, listener_rule, container_port)
        self.scaling = builders.scaling(
            self.service,
            capacity=capacity,
            cpu_target_percent=cpu_target_percent,
            requests_per_target=requests_per_target,
            group=self.target_group,
        )
        acknowledge_by_design(
            self,
            from_ecr=from_ecr,
            ecs_exec=ecs_exec is not None,
            environment=bool(environment),
            circuit_breaker=circuit_breaker,
        )

        self.alarm_topic = alarms.topic or alarm_topic(self, removal_policy=removal_policy, email=alarms.email)
        self.alarms = load_balancer_alarms(
            self,
            load_balancer=self.front_door.load_balancer if self.front_door else None,
            target_group=self.target_group,
            options=alarms,
            topic=self.alarm_topic,
        )
        self.alarms.append(
            running_tasks_alarm(
                self, cluster=self.cluster, service=self.service, minimum=capacity.minimum, topic=self.alarm_topic
            )
        )
        self.url: str | None = self.front_door.url if self.front_door else None

    def _front_door(
        self,
        vpc: ec2.IVpc,
        front_door: FrontDoorOptions,
        options: LoadBalancerOptions,
        log_bucket: s3.IBucket | None,
        log_retention_days: int,
        removal_policy: RemovalPolicy,
    ) -> None:
        self.log_bucket, self.front_door = load_balancer_with_logs(
            self,
            vpc=vpc,
            existing_log_bucket=log_bucket,
            front_door=front_door,
            options=options,
            log_retention_days=log_retention_days,
            removal_policy=removal_policy,
        )

    def _connect(
        self, existing_listener: elbv2.IApplicationListener | None, rule: ListenerRule | None, port: int
    ) -> None:
        """Traffic reaches the tasks from the load balancer's group only, on the container
        port; on a shared listener, through the service's own rule, and no ingress rule
        is added to the load balancer's group."""
        if self.front_door is not None:
            self.front_door.allow_to(self.security_group, port)
            self.front_door.listener.add_target_groups("Service", target_groups=[self.target_group])
            return
        assert existing_listener is not None and rule is not None  # checked
        self.security_group.connections.allow_from(
            existing_listener, ec2.Port.tcp(port), f"load balancer to the container port {port}"
        )
        builders.listener_rule(self, existing_listener, rule, self.target_group)
