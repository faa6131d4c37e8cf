"""The cluster (with ECS Exec's settings), the Fargate service, its security group, its
target group and its scaling."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_refarch.container_service.options import EcsExecOptions, ListenerRule
from cdk_refarch.container_service.task import CONTAINER_NAME
from cdk_refarch.core.capacity import Capacity, HealthCheckOptions

#: Target tracking scales out a minute after the last scale-out, and in five minutes
#: after the last scale-in (notes 001:1246): quick to add, slow to remove.
SCALE_OUT_COOLDOWN = Duration.seconds(60)
SCALE_IN_COOLDOWN = Duration.seconds(300)
#: Requests in flight get this long to finish when a task leaves the target group;
#: the ALB's default of 300 s slows every deploy.
DEREGISTRATION_DELAY = Duration.seconds(30)


def exec_settings(
    scope: Construct, options: EcsExecOptions, *, retention: logs.RetentionDays, removal_policy: RemovalPolicy
) -> tuple[ecs.ExecuteCommandConfiguration, kms.IKey, logs.LogGroup]:
    """ECS Exec's cluster settings: sessions under ``ExecKey`` (or the given key), every
    session logged to ``ExecLogs``, encrypted with the same key."""
    key = options.kms_key or _exec_key(scope, removal_policy)
    log_group = logs.LogGroup(scope, "ExecLogs", retention=retention, removal_policy=removal_policy, encryption_key=key)
    configuration = ecs.ExecuteCommandConfiguration(
        kms_key=key,
        logging=ecs.ExecuteCommandLogging.OVERRIDE,
        log_configuration=ecs.ExecuteCommandLogConfiguration(
            cloud_watch_log_group=log_group, cloud_watch_encryption_enabled=True
        ),
    )
    return configuration, key, log_group


def _exec_key(scope: Construct, removal_policy: RemovalPolicy) -> kms.Key:
    """A rotated key; CDK lets CloudWatch Logs use it for this account's log groups when
    the session log group is encrypted with it."""
    return kms.Key(
        scope,
        "ExecKey",
        enable_key_rotation=True,
        description="Encrypts ECS Exec sessions and their logs",
        removal_policy=removal_policy,
        pending_window=Duration.days(7),
    )


def cluster(scope: Construct, vpc: ec2.IVpc, exec_configuration: ecs.ExecuteCommandConfiguration | None) -> ecs.Cluster:
    """A cluster with Container Insights (the running-tasks alarm reads its metrics)."""
    return ecs.Cluster(
        scope,
        "Cluster",
        vpc=vpc,
        container_insights_v2=ecs.ContainerInsights.ENABLED,
        execute_command_configuration=exec_configuration,
    )


def security_group(scope: Construct, vpc: ec2.IVpc, *, allow_all_outbound: bool) -> ec2.SecurityGroup:
    """The tasks' group: no ingress until the load balancer's group is allowed on the
    container port; out, HTTPS only (image pulls, logs, secrets, ECS Exec) unless
    ``allow_all_outbound``."""
    group = ec2.SecurityGroup(
        scope,
        "SecurityGroup",
        vpc=vpc,
        allow_all_outbound=allow_all_outbound,
        description="Container service tasks: the container port from the load balancer only",
    )
    if not allow_all_outbound:
        group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS: image pulls, logs, secrets, ECS Exec")
    return group


def fargate_service(
    scope: Construct,
    *,
    cluster: ecs.ICluster,
    definition: ecs.FargateTaskDefinition,
    vpc_subnets: ec2.SubnetSelection,
    group: ec2.ISecurityGroup,
    capacity: Capacity,
    minimum_healthy_percent: int,
    maximum_percent: int,
    circuit_breaker: bool,
    grace_seconds: int,
    ecs_exec: bool,
) -> ecs.FargateService:
    """Private subnets without public IPs; rolling deploys stopped and rolled back by
    the circuit breaker; tasks kept spread over the AZs; tasks tagged like the service."""
    return ecs.FargateService(
        scope,
        "Service",
        cluster=cluster,
        task_definition=definition,
        vpc_subnets=vpc_subnets,
        security_groups=[group],
        assign_public_ip=False,
        platform_version=ecs.FargatePlatformVersion.LATEST,
        # Unset unless it differs from the minimum: a set desired count resets the service
        # to it on every deploy; unset, ECS starts one task and auto scaling raises the
        # count to the minimum when it registers the service.
        desired_count=capacity.desired if capacity.desired != capacity.minimum else None,
        min_healthy_percent=minimum_healthy_percent,
        max_healthy_percent=maximum_percent,
        circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True) if circuit_breaker else None,
        health_check_grace_period=Duration.seconds(grace_seconds),
        enable_execute_command=ecs_exec,
        propagate_tags=ecs.PropagatedTagSource.SERVICE,
        enable_ecs_managed_tags=True,
        # Rebalancing starts a task in the emptier AZ before stopping one: it needs room above 100%.
        availability_zone_rebalancing=(
            ecs.AvailabilityZoneRebalancing.ENABLED
            if maximum_percent > 100
            else ecs.AvailabilityZoneRebalancing.DISABLED
        ),
    )


def target_group(
    scope: Construct, *, vpc: ec2.IVpc, service: ecs.FargateService, port: int, health_check: HealthCheckOptions
) -> elbv2.ApplicationTargetGroup:
    """IP targets (each task's own address) on the container port."""
    return elbv2.ApplicationTargetGroup(
        scope,
        "TargetGroup",
        vpc=vpc,
        port=port,
        protocol=elbv2.ApplicationProtocol.HTTP,
        target_type=elbv2.TargetType.IP,
        targets=[service.load_balancer_target(container_name=CONTAINER_NAME, container_port=port)],
        health_check=health_check.to_cdk(),
        deregistration_delay=DEREGISTRATION_DELAY,
    )


def listener_rule(
    scope: Construct,
    listener: elbv2.IApplicationListener,
    rule: ListenerRule,
    group: elbv2.IApplicationTargetGroup,
) -> elbv2.ApplicationListenerRule:
    """The service's rule on a shared listener, forwarding what it matches."""
    conditions = []
    if rule.path_patterns:
        conditions.append(elbv2.ListenerCondition.path_patterns(list(rule.path_patterns)))
    if rule.host_headers:
        conditions.append(elbv2.ListenerCondition.host_headers(list(rule.host_headers)))
    return elbv2.ApplicationListenerRule(
        scope,
        "ListenerRule",
        listener=listener,
        priority=rule.priority,
        conditions=conditions,
        target_groups=[group],
    )


def scaling(
    service: ecs.FargateService,
    *,
    capacity: Capacity,
    cpu_target_percent: int,
    requests_per_target: int | None,
    group: elbv2.ApplicationTargetGroup,
) -> ecs.ScalableTaskCount:
    """Target tracking on average CPU, and on requests per target when asked."""
    count = service.auto_scale_task_count(min_capacity=capacity.minimum, max_capacity=capacity.maximum)
    cooldowns = {"scale_in_cooldown": SCALE_IN_COOLDOWN, "scale_out_cooldown": SCALE_OUT_COOLDOWN}
    count.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=cpu_target_percent, **cooldowns)
    if requests_per_target is not None:
        count.scale_on_request_count(
            "RequestScaling", requests_per_target=requests_per_target, target_group=group, **cooldowns
        )
    return count
