"""Cache: an ElastiCache (Valkey or Redis OSS) replication group in isolated subnets,
encrypted at rest and in transit, reached only from given security groups, with IAM
authentication.

ElastiCache has no stable CDK L2 (aws-cdk #6908), so this is built from L1 resources.
Clients authenticate as one RBAC user with IAM (``grant_connect``), not with an AUTH
token: no long-lived shared password to store, rotate and leak. An RBAC user group must
hold a user named ``default``; the one here replaces ElastiCache's open ``default`` user
with a disabled one (``off``). The group is of engine ``redis``, which ElastiCache accepts
for Valkey and Redis OSS caches alike and which takes a password-less disabled user.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from cdk_refarch.core.alarms import alarm_topic
from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.database.checks import check_cache, check_peers, selected_subnets, warn_when_unreachable
from cdk_refarch.database.engines import CACHE_ENGINES, PRODUCTION_NODE, SANDBOX_NODE
from cdk_refarch.database.instance import (
    allow_peer,
    encryption_key,
    helper_policy,
    resource_identifier,
    security_group,
)
from cdk_refarch.database.monitoring import cache_alarms
from cdk_refarch.database.nag import acknowledge_cache
from cdk_refarch.database.options import CacheAlarmOptions, CacheOptions

_DEFAULT_OPTIONS = CacheOptions()
_DEFAULT_ALARMS = CacheAlarmOptions()


class Cache(Construct):
    """An ElastiCache replication group (cluster mode disabled) with IAM authentication.

    Attributes: ``replication_group``, ``security_group``, ``key``, ``subnet_group``,
    ``user`` (the app's IAM user), ``default_user`` (the disabled one), ``user_group``,
    ``user_name`` (the name to connect as), ``endpoint_address`` / ``endpoint_port`` (the
    primary), ``reader_endpoint_address``, ``alarm_topic``, ``alarms``.
    Connect with TLS, as ``user_name``, with an IAM auth token as the password.
    """

    PATTERN = "cache"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        vpc_subnets: ec2.SubnetSelection | None = None,
        options: CacheOptions = _DEFAULT_OPTIONS,
        production: bool = True,
        allowed_peers: Sequence[ec2.IConnectable] = (),
        removal_policy: RemovalPolicy | None = None,
        alarms: CacheAlarmOptions = _DEFAULT_ALARMS,
    ) -> None:
        super().__init__(scope, construct_id)
        check_cache(options=options, production=production, removal_policy=removal_policy, allowed_peers=allowed_peers)
        tag_pattern(self)
        engine = CACHE_ENGINES[options.engine]
        replicas = options.replicas if options.replicas is not None else (1 if production else 0)
        policy = removal_policy or (RemovalPolicy.SNAPSHOT if production else RemovalPolicy.DESTROY)
        subnets = selected_subnets(
            vpc, vpc_subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED), "vpc_subnets"
        )

        self.key: kms.IKey = options.existing_key or encryption_key(
            self, description="Encrypts the cache at rest: nodes and snapshots", removal_policy=policy
        )
        self.security_group = security_group(self, vpc, what="Cache")
        self.subnet_group = elasticache.CfnSubnetGroup(
            self, "SubnetGroup", description="Cache: isolated subnets", subnet_ids=subnets.subnet_ids
        )
        self._users(engine_name="redis", access_string=options.access_string)
        self.replication_group = elasticache.CfnReplicationGroup(
            self,
            "ReplicationGroup",
            replication_group_description="Cache in front of the database",
            engine=engine.name,
            engine_version=options.engine_version or engine.default_version,
            cache_node_type=options.node_type or (PRODUCTION_NODE if production else SANDBOX_NODE),
            num_cache_clusters=1 + replicas,
            automatic_failover_enabled=replicas > 0,
            multi_az_enabled=replicas > 0,
            cache_subnet_group_name=self.subnet_group.ref,
            security_group_ids=[self.security_group.security_group_id],
            port=options.port,
            at_rest_encryption_enabled=True,
            kms_key_id=self.key.key_arn,
            transit_encryption_enabled=True,
            user_group_ids=[self.user_group.ref],
            snapshot_retention_limit=(
                options.snapshot_retention_days
                if options.snapshot_retention_days is not None
                else (7 if production else 1)
            ),
            snapshot_window=options.snapshot_window,
            preferred_maintenance_window=options.maintenance_window,
            auto_minor_version_upgrade=True,
        )
        self.replication_group.apply_removal_policy(policy)
        for helper in (self.subnet_group, self.user, self.default_user, self.user_group):
            helper.apply_removal_policy(helper_policy(policy))
        self.security_group.apply_removal_policy(helper_policy(policy))
        self.endpoint_address = self.replication_group.attr_primary_end_point_address
        self.endpoint_port = self.replication_group.attr_primary_end_point_port
        self.reader_endpoint_address = self.replication_group.attr_reader_end_point_address
        acknowledge_cache(
            group=self.replication_group,
            replicas=replicas,
            default_port=engine.name == "redis" and options.port == engine.default_port,
        )

        self._port = options.port
        self._peers: list[ec2.IConnectable] = []
        for peer in allowed_peers:
            self.allow_from(peer)
        warn_when_unreachable(self, reachable=lambda: bool(self._peers), what="cache")
        self.alarm_topic = alarms.topic or alarm_topic(self, removal_policy=helper_policy(policy), email=alarms.email)
        self.alarms = cache_alarms(
            self, group=self.replication_group, nodes=1 + replicas, options=alarms, topic=self.alarm_topic
        )

    def _users(self, *, engine_name: str, access_string: str) -> None:
        base = resource_identifier(self, prefix="cache", max_length=32)
        # IAM authentication requires the user's name to equal its ID.
        self.user_name = f"{base}-app"
        self.user = elasticache.CfnUser(
            self,
            "AppUser",
            engine=engine_name,
            user_id=self.user_name,
            user_name=self.user_name,
            access_string=access_string,
            authentication_mode={"Type": "iam"},
        )
        self.default_user = elasticache.CfnUser(
            self,
            "DefaultUser",
            engine=engine_name,
            user_id=f"{base}-default",
            user_name="default",
            access_string="off -@all",
            authentication_mode={"Type": "no-password-required"},
        )
        self.user_group = elasticache.CfnUserGroup(
            self,
            "UserGroup",
            engine=engine_name,
            user_group_id=f"{base}-users",
            user_ids=[self.default_user.user_id, self.user.user_id],
        )
        # The group names its users by ID, not by reference: order them explicitly.
        self.user_group.node.add_dependency(self.user, self.default_user)

    def allow_from(self, peer: ec2.IConnectable) -> None:
        """Open the cache port to ``peer``'s security group (and let it reach the port);
        see ``instance.allow_peer`` for where the rules go."""
        check_peers([peer])
        allow_peer(self.security_group, peer, self._port, f"cache port {self._port}")
        self._peers.append(peer)

    def grant_connect(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` connect as ``user_name`` with an IAM auth token
        (``elasticache:Connect`` on the replication group and the user)."""
        group_arn = Stack.of(self).format_arn(
            service="elasticache",
            resource="replicationgroup",
            resource_name=self.replication_group.ref,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        return iam.Grant.add_to_principal(
            grantee=grantee, actions=["elasticache:Connect"], resource_arns=[group_arn, self.user.attr_arn]
        )
