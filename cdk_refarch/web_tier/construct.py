"""WebTier: an internet-facing ALB in front of an Auto Scaling group of EC2 instances.

Where the study notes and current AWS practice differ, this construct follows current
practice (see ``shared/PRACTICES.md``):

- A launch template, never a launch configuration (no new launch configurations since
  2023; they cannot require IMDSv2 or use gp3).
- No SSH key and no port 22: Systems Manager Session Manager reaches the instances.
- Graviton (arm64) instances on Amazon Linux 2023 by default.
- Target tracking at 70% average CPU (notes 001:1294) rather than step alarms.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from cdk_refarch.core.alarms import add_alarm, alarm_topic
from cdk_refarch.core.capacity import Capacity, HealthCheckOptions
from cdk_refarch.core.front_door import FrontDoorOptions
from cdk_refarch.core.load_balancer import LoadBalancerOptions, load_balancer_with_logs
from cdk_refarch.core.load_balancer_alarms import TierAlarmOptions, load_balancer_alarms
from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.web_tier.checks import check_web_tier
from cdk_refarch.web_tier.instances import instance_role, launch_template, user_data
from cdk_refarch.web_tier.options import Architecture, WebAppOptions

_DEFAULT_LOAD_BALANCER = LoadBalancerOptions()


class WebTier(Construct):
    """ALB (``LoadBalancedFrontDoor``) -> Auto Scaling group of Amazon Linux 2023 instances
    in private subnets, running ``app`` as a systemd service.

    Attributes: ``front_door`` (the ALB, its security group and listener),
    ``target_group``, ``group`` (the Auto Scaling group), ``launch_template``,
    ``instance_role``, ``security_group``, ``log_bucket``, ``alarm_topic``, ``alarms``,
    ``url``.

    Every default and the reason for it is listed in ``cdk_refarch/web_tier/README.md``.
    """

    PATTERN = "web-tier"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        app: WebAppOptions,
        vpc_subnets: ec2.SubnetSelection | None = None,
        existing_log_bucket: s3.IBucket | None = None,
        front_door: FrontDoorOptions = FrontDoorOptions(),
        load_balancer: LoadBalancerOptions = _DEFAULT_LOAD_BALANCER,
        instance_type: str = "t4g.micro",
        architecture: Architecture = "arm64",
        root_volume_gib: int = 8,
        capacity: Capacity = Capacity(minimum=1, desired=1, maximum=2),
        health_check: HealthCheckOptions = HealthCheckOptions(),
        health_check_grace_seconds: int = 300,
        cpu_target_percent: int = 70,
        requests_per_target: int | None = None,
        alarms: TierAlarmOptions = TierAlarmOptions(),
        log_retention_days: int = 365,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        resolved_type = check_web_tier(
            instance_type=instance_type,
            architecture=architecture,
            root_volume_gib=root_volume_gib,
            health_check_grace_seconds=health_check_grace_seconds,
            cpu_target_percent=cpu_target_percent,
            requests_per_target=requests_per_target,
            log_retention_days=log_retention_days,
        )
        tag_pattern(self)
        self.log_bucket, self.front_door = load_balancer_with_logs(
            self,
            vpc=vpc,
            existing_log_bucket=existing_log_bucket,
            front_door=front_door,
            options=load_balancer,
            log_retention_days=log_retention_days,
            removal_policy=removal_policy,
        )
        self.security_group = ec2.SecurityGroup(
            self, "InstanceSecurityGroup", vpc=vpc, description="Web tier instances: the app port from the ALB only"
        )
        self.front_door.allow_to(self.security_group, app.port)
        # Tool caches and dotfiles (.ruff_cache, .pytest_cache) are no part of the app.
        asset = s3_assets.Asset(self, "App", path=app.source, exclude=["__pycache__", "*.pyc", ".*"])
        self.instance_role = instance_role(self, asset, app)
        self.launch_template = launch_template(
            self,
            instance_type=resolved_type,
            architecture=architecture,
            role=self.instance_role,
            security_group=self.security_group,
            data=user_data(asset, app),
            root_volume_gib=root_volume_gib,
        )
        self.alarm_topic = alarms.topic or alarm_topic(self, removal_policy=removal_policy, email=alarms.email)
        self.group = self._group(vpc, vpc_subnets, capacity, health_check_grace_seconds)
        self.target_group = self.front_door.listener.add_targets(
            "Targets",
            port=app.port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[self.group],
            health_check=health_check.to_cdk(),
            deregistration_delay=Duration.seconds(30),
        )
        self._scaling(cpu_target_percent, requests_per_target)
        self.alarms = load_balancer_alarms(
            self,
            load_balancer=self.front_door.load_balancer,
            target_group=self.target_group,
            options=alarms,
            topic=self.alarm_topic,
        )
        self.alarms.append(self._in_service_alarm(capacity))
        self.url = self.front_door.url

    def _group(
        self,
        vpc: ec2.IVpc,
        vpc_subnets: ec2.SubnetSelection | None,
        capacity: Capacity,
        grace_seconds: int,
    ) -> autoscaling.AutoScalingGroup:
        """In private subnets; ELB health checks; a rolling replacement whenever the launch
        template changes; every scaling event sent to the alarm topic."""
        group = autoscaling.AutoScalingGroup(
            self,
            "Group",
            vpc=vpc,
            vpc_subnets=vpc_subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            launch_template=self.launch_template,
            min_capacity=capacity.minimum,
            max_capacity=capacity.maximum,
            # Unset unless it differs from the minimum: a set desired capacity resets the
            # group's size on every deploy.
            desired_capacity=capacity.desired if capacity.desired != capacity.minimum else None,
            health_checks=autoscaling.HealthChecks.with_additional_checks(
                additional_types=[autoscaling.AdditionalHealthCheckType.ELB],
                grace_period=Duration.seconds(grace_seconds),
            ),
            update_policy=autoscaling.UpdatePolicy.rolling_update(
                min_instances_in_service=capacity.minimum, pause_time=Duration.minutes(5)
            ),
            capacity_rebalance=True,
            group_metrics=[autoscaling.GroupMetrics.all()],
            notifications=[autoscaling.NotificationConfiguration(topic=self.alarm_topic)],
        )
        if capacity.desired != capacity.minimum:
            acknowledge(
                group,
                "Annotation::@aws-cdk/aws-autoscaling:desiredCapacitySet",
                "The stage sets a desired size above the minimum on purpose; each deploy resets the "
                "group to it, and target tracking moves it again within [minimum, maximum].",
            )
        return group

    def _scaling(self, cpu_target_percent: int, requests_per_target: int | None) -> None:
        self.group.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=cpu_target_percent)
        if requests_per_target is not None:
            self.group.scale_on_request_count("RequestScaling", target_requests_per_minute=requests_per_target)

    def _in_service_alarm(self, capacity: Capacity) -> cloudwatch.Alarm:
        """Fewer instances in service than the minimum: the group cannot replace them."""
        metric = cloudwatch.Metric(
            namespace="AWS/AutoScaling",
            metric_name="GroupInServiceInstances",
            dimensions_map={"AutoScalingGroupName": self.group.auto_scaling_group_name},
            statistic="Minimum",
            period=Duration.minutes(5),
        )
        return add_alarm(
            self,
            "InServiceBelowMinimumAlarm",
            metric=metric,
            threshold=capacity.minimum,
            description=f"Fewer than {capacity.minimum} instances in service",
            topic=self.alarm_topic,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        )
