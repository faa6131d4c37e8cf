"""ContainerService stacks for the option assertions, synthesized once per test module with cdk-nag."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App, Environment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from cdk_nag import AwsSolutionsChecks

from cdk_refarch import FrontDoorOptions, LoadBalancerOptions, WebAclOptions
from cdk_refarch.container_service import ContainerService, EcsExecOptions, ListenerRule, ScratchVolume, TaskSize
from cdk_refarch.core.capacity import Capacity, HealthCheckOptions
from cdk_refarch.core.load_balancer_alarms import TierAlarmOptions

ENV = Environment(region="eu-west-1")
APP_DIR = str(Path(__file__).resolve().parent / "app")
PRIVATE_IMAGE = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop/web:2.4.1@sha256:" + "ab" * 32
DB_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:shop/db-AbCdEf"
API_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:shop/api"
FLAG_PARAMETER = "arn:aws:ssm:eu-west-1:111111111111:parameter/shop/signing-token"
LISTENER_ARN = (
    "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/shared/0123456789abcdef/fedcba9876543210"
)
ALB_GROUP = "sg-0123456789abcdef0"
DEFAULTS, OPTIONS, SHARED = "ContainerDefaults", "ContainerOptions", "ContainerShared"


def vpc(stack: Stack) -> ec2.IVpc:
    """An existing VPC with public and private subnets in two AZs: the Network pattern's
    own tests cover networks, and an imported one adds nothing to synthesize."""
    return ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0a1b2c3d4e5f60718",
        availability_zones=["eu-west-1a", "eu-west-1b"],
        public_subnet_ids=["subnet-0a00000000000000a", "subnet-0b00000000000000b"],
        private_subnet_ids=["subnet-0c00000000000000c", "subnet-0d00000000000000d"],
        public_subnet_route_table_ids=["rtb-0a00000000000000a", "rtb-0a00000000000000a"],
        private_subnet_route_table_ids=["rtb-0c00000000000000c", "rtb-0d00000000000000d"],
    )


def build(app: App) -> list[Stack]:
    # Every default but the listener: no domain here, so plain HTTP, asked for.
    defaults = Stack(app, DEFAULTS, env=ENV)
    ContainerService(defaults, "Web", vpc=vpc(defaults), load_balancer=LoadBalancerOptions(plain_http=True))

    # HTTPS with a domain and a WAF, ECS Exec, secrets, request-count scaling, a private
    # ECR image by digest, a bigger task and every number changed.
    full = Stack(app, OPTIONS, env=ENV)
    zone = route53.HostedZone.from_hosted_zone_attributes(full, "Zone", hosted_zone_id="Z123", zone_name="example.com")
    ContainerService(
        full,
        "Shop",
        vpc=vpc(full),
        image=PRIVATE_IMAGE,
        container_port=3000,
        environment={"FEATURE_FLAGS": "checkout"},
        secrets={
            "DB_PASSWORD": DB_SECRET,
            "API_KEY": API_SECRET,
            "SIGNING_TOKEN": FLAG_PARAMETER,
            # A field of a secret object, as a database construct hands it out.
            "DB_USER": ecs.Secret.from_secrets_manager(
                secretsmanager.Secret.from_secret_complete_arn(full, "DbSecret", DB_SECRET), "username"
            ),
        },
        task=TaskSize(cpu=1024, memory_mib=3072, ephemeral_storage_gib=30),
        scratch_volume=ScratchVolume(path="/app/cache", size_mib=256),
        capacity=Capacity(minimum=2, desired=3, maximum=8),
        health_check=HealthCheckOptions(path="/healthz", interval_seconds=10, timeout_seconds=4),
        health_check_grace_seconds=120,
        minimum_healthy_percent=50,
        maximum_percent=150,
        cpu_target_percent=60,
        requests_per_target=400,
        ecs_exec=EcsExecOptions(),
        front_door=FrontDoorOptions(domain_name="shop.example.com", hosted_zone=zone, web_acl=WebAclOptions()),
        load_balancer=LoadBalancerOptions(deletion_protection=True),
        alarms=TierAlarmOptions(email="ops@example.com", latency_p99_ms=800, target_5xx=20),
        log_retention_days=30,
        removal_policy=RemovalPolicy.DESTROY,
    )

    # Behind someone else's ALB: an imported listener and its group, an image built from a
    # folder, a writable root, no circuit breaker, all outbound traffic, a given topic.
    shared = Stack(app, SHARED, env=ENV)
    listener = elbv2.ApplicationListener.from_application_listener_attributes(
        shared,
        "SharedListener",
        listener_arn=LISTENER_ARN,
        security_group=ec2.SecurityGroup.from_security_group_id(shared, "SharedAlbGroup", ALB_GROUP),
    )
    topic_key = kms.Key(shared, "TopicKey", enable_key_rotation=True)
    ContainerService(
        shared,
        "Api",
        vpc=vpc(shared),
        image_directory=APP_DIR,
        existing_listener=listener,
        listener_rule=ListenerRule(priority=20, path_patterns=("/api/*",), host_headers=("shop.example.com",)),
        readonly_root=False,
        scratch_volume=None,
        circuit_breaker=False,
        allow_all_outbound=True,
        requests_per_target=300,
        alarms=TierAlarmOptions(topic=sns.Topic(shared, "OpsTopic", master_key=topic_key, enforce_ssl=True)),
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return [defaults, full, shared]
