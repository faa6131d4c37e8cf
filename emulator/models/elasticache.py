"""ElastiCache (Valkey, Redis OSS): replication groups, users, user groups and subnet groups.

moto 5.2.5's CloudFormation has no ElastiCache model, and its ElastiCache backend lacks
parts of the service: no user groups, no ``DeleteCacheSubnetGroup``, a deleted replication
group or user stays listed as ``deleting``, a replication group gets one node whatever
``NumCacheClusters`` says, has no reader endpoint and no member cache clusters.

These models create each resource through moto's ElastiCache backend and complete it,
so that ``DescribeReplicationGroups``, ``DescribeCacheClusters``, ``DescribeUsers`` and
``DescribeCacheSubnetGroups`` read it back as in AWS, and remove it when the stack
deletes it. User groups live next to moto's backend state; importing this module adds
the read-only ``DescribeUserGroups`` to moto's ElastiCache API (a new action: none of
moto's own changes). What ElastiCache refuses (a user group without a ``default`` user,
user groups without encryption in transit, Multi-AZ without automatic failover, a
failover group of one node, a group or subnet group still in use) fails as in AWS.
No node runs: the endpoints resolve nowhere.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.elasticache.exceptions import (
    CacheSubnetGroupNotFound,
    ElastiCacheException,
    InvalidParameterCombinationException,
    UserNotFound,
)
from moto.elasticache.models import ElastiCacheBackend, elasticache_backends
from moto.elasticache.responses import ElastiCacheResponse

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.rds import generated_identifier
from emulator.models.registry import api_action, registered


def elasticache_backend(account_id: str, region_name: str) -> ElastiCacheBackend:
    return elasticache_backends[account_id][region_name]


def _arn(backend: ElastiCacheBackend, kind: str, name: str) -> str:
    return f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:{kind}:{name}"


def _forget(backend: ElastiCacheBackend, table: dict[str, Any], key: str, arn: str) -> None:
    table.pop(key, None)
    backend.tagging_service.delete_all_tags_for_resource(arn)


class UserGroupState:
    """A user group as ``DescribeUserGroups`` shows it (moto has none)."""

    def __init__(self, backend: ElastiCacheBackend, group_id: str, engine: str, user_ids: list[str]) -> None:
        self.user_group_id = group_id
        self.status = "active"
        self.engine = engine
        self.user_ids = user_ids
        self.replication_groups: list[str] = []
        self.serverless_caches: list[str] = []
        self.arn = _arn(backend, "usergroup", group_id)


def user_groups(backend: ElastiCacheBackend) -> dict[str, UserGroupState]:
    # On the backend instance, so that moto's reset forgets them with the rest of its state.
    return backend.__dict__.setdefault("sandbox_user_groups", {})


@api_action(ElastiCacheResponse, "describe_user_groups")
def describe_user_groups(self: ElastiCacheResponse) -> ActionResult:
    groups = user_groups(self.elasticache_backend)
    wanted = self._get_param("UserGroupId")
    if wanted and wanted not in groups:
        raise ElastiCacheException("UserGroupNotFound", f"User group {wanted} not found.")
    return ActionResult({"UserGroups": [g for g in groups.values() if wanted in (None, g.user_group_id)]})


@registered
class CacheSubnetGroup(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ElastiCache::SubnetGroup"
    NAME_PROPERTY = "CacheSubnetGroupName"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> CacheSubnetGroup:
        p = properties
        # ElastiCache keeps subnet group names in lower case.
        group_name = str(p.get("CacheSubnetGroupName") or generated_identifier(name, 255)).lower()
        group = elasticache_backend(account_id, region_name).create_cache_subnet_group(
            group_name, str(p["Description"]), [str(s) for s in as_list(p["SubnetIds"])], as_list(p.get("Tags"))
        )
        for subnet in group.subnets:
            # moto keeps the zone as a name, where the API has a structure.
            subnet["subnet_availability_zone"] = {"name": subnet["subnet_availability_zone"]}
        return cls(group_name, account_id, region_name, properties)

    def remove(self) -> None:
        backend = elasticache_backend(self.account_id, self.region_name)
        name = self.physical_resource_id
        if any(group.cache_subnet_group_name == name for group in backend.replication_groups.values()):
            # moto retries the deletion once the stack's replication groups are gone.
            raise ElastiCacheException("CacheSubnetGroupInUse", f"Cache subnet group {name} is currently in use.")
        _forget(backend, backend.cache_subnet_groups, name, _arn(backend, "subnetgroup", name))


@registered
class User(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ElastiCache::User"
    ATTRIBUTES = ("Arn", "Status")

    @classmethod
    def create(cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str) -> User:
        p = properties
        mode = p.get("AuthenticationMode") or {}
        passwords = [str(password) for password in as_list(mode.get("Passwords") or p.get("Passwords"))]
        no_password = as_bool(p.get("NoPasswordRequired"))
        kind = mode.get("Type") or ("no-password-required" if no_password else "password")
        user = elasticache_backend(account_id, region_name).create_user(
            user_id=str(p["UserId"]),
            user_name=str(p["UserName"]),
            engine=str(p["Engine"]).lower(),
            passwords=passwords,
            access_string=str(p.get("AccessString", "")),
            no_password_required=kind == "no-password-required",
            authentication_type=kind,
            tags=as_list(p.get("Tags")) or None,
        )
        # A user's Ref is its ID.
        return cls(user.id, account_id, region_name, properties, {"Arn": user.arn, "Status": user.status})

    def remove(self) -> None:
        backend = elasticache_backend(self.account_id, self.region_name)
        user = backend.users.get(self.physical_resource_id)
        if user is not None:
            _forget(backend, backend.users, user.id, user.arn)


@registered
class UserGroup(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ElastiCache::UserGroup"
    ATTRIBUTES = ("Arn", "Status")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> UserGroup:
        p = properties
        backend = elasticache_backend(account_id, region_name)
        group_id = str(p["UserGroupId"])
        user_ids = [str(user_id) for user_id in as_list(p.get("UserIds"))]
        missing = [user_id for user_id in user_ids if user_id not in backend.users]
        if missing:
            raise UserNotFound(missing[0])
        names = [backend.users[user_id].name for user_id in user_ids]
        if "default" not in names:
            raise ElastiCacheException("DefaultUserRequired", "You must add default user to a user group.")
        if len(set(names)) < len(names):
            raise ElastiCacheException("DuplicateUserName", "A user group cannot hold two users of the same name.")
        if group_id in user_groups(backend):
            raise ElastiCacheException("UserGroupAlreadyExists", f"User group {group_id} already exists.")
        group = UserGroupState(backend, group_id, str(p["Engine"]).lower(), user_ids)
        user_groups(backend)[group_id] = group
        for user_id in user_ids:
            backend.users[user_id].user_group_ids.append(group_id)
        if p.get("Tags"):
            backend.tagging_service.tag_resource(group.arn, as_list(p["Tags"]))
        return cls(group_id, account_id, region_name, properties, {"Arn": group.arn, "Status": group.status})

    def remove(self) -> None:
        backend = elasticache_backend(self.account_id, self.region_name)
        group = user_groups(backend).get(self.physical_resource_id)
        if group is None:
            return
        if group.replication_groups:
            raise ElastiCacheException(
                "InvalidUserGroupState",
                f"User group {group.user_group_id} is in use by {', '.join(group.replication_groups)}.",
            )
        for user_id in group.user_ids:
            user = backend.users.get(user_id)
            if user is not None and group.user_group_id in user.user_group_ids:
                user.user_group_ids.remove(group.user_group_id)
        _forget(backend, user_groups(backend), group.user_group_id, group.arn)


@registered
class ReplicationGroup(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ElastiCache::ReplicationGroup"
    NAME_PROPERTY = "ReplicationGroupId"
    ATTRIBUTES = (
        "PrimaryEndPoint.Address",
        "PrimaryEndPoint.Port",
        "ReaderEndPoint.Address",
        "ReaderEndPoint.Port",
        "ReadEndPoint.Addresses",
        "ReadEndPoint.Ports",
        "ReadEndPoint.Addresses.List",
        "ReadEndPoint.Ports.List",
        "ConfigurationEndPoint.Address",
        "ConfigurationEndPoint.Port",
    )

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> ReplicationGroup:
        group_id = str(properties.get("ReplicationGroupId") or generated_identifier(name, 40)).lower()
        attributes = _create_replication_group(elasticache_backend(account_id, region_name), group_id, properties)
        return cls(group_id, account_id, region_name, properties, attributes)

    def remove(self) -> None:
        backend = elasticache_backend(self.account_id, self.region_name)
        group = backend.replication_groups.get(self.physical_resource_id)
        if group is None:
            return
        # ElastiCache deletes the member clusters with the group; moto keeps both, as "deleting".
        for cluster_id in group.member_clusters:
            cluster = backend.cache_clusters.get(cluster_id)
            if cluster is not None:
                _forget(backend, backend.cache_clusters, cluster_id, cluster.arn)
        for user_group_id in group.user_group_ids:
            user_group = user_groups(backend).get(user_group_id)
            if user_group is not None and group.replication_group_id in user_group.replication_groups:
                user_group.replication_groups.remove(group.replication_group_id)
        _forget(backend, backend.replication_groups, group.replication_group_id, group.arn)


def _check_replication_group(backend: ElastiCacheBackend, p: dict[str, Any], clustered: bool) -> None:
    """What ElastiCache refuses of a replication group."""
    failover = as_bool(p.get("AutomaticFailoverEnabled"))
    if as_bool(p.get("MultiAZEnabled")) and not failover:
        raise InvalidParameterCombinationException("Multi-AZ requires automatic failover to be enabled.")
    if failover and not clustered and int(p.get("NumCacheClusters", 1)) < 2:
        raise InvalidParameterCombinationException(
            "Automatic failover needs at least one replica: NumCacheClusters must be at least 2."
        )
    user_group_ids = [str(g) for g in as_list(p.get("UserGroupIds"))]
    if user_group_ids and not as_bool(p.get("TransitEncryptionEnabled")):
        raise InvalidParameterCombinationException(
            "User groups require encryption in transit (TransitEncryptionEnabled)."
        )
    for group_id in user_group_ids:
        if group_id not in user_groups(backend):
            raise ElastiCacheException("UserGroupNotFound", f"User group {group_id} not found.")
    subnet_group = p.get("CacheSubnetGroupName")
    if subnet_group and str(subnet_group).lower() not in backend.cache_subnet_groups:
        raise CacheSubnetGroupNotFound(str(subnet_group))


def _create_replication_group(backend: ElastiCacheBackend, group_id: str, p: dict[str, Any]) -> dict[str, Any]:
    """Create the group and its member clusters as ElastiCache does; its attributes."""
    parameter_group = p.get("CacheParameterGroupName")
    subnet_group = p.get("CacheSubnetGroupName")
    clustered = (
        str(p.get("ClusterMode", "")).lower() == "enabled"
        or int(p.get("NumNodeGroups", 1)) > 1
        or "cluster.on" in str(parameter_group or "")
    )
    _check_replication_group(backend, p, clustered)
    # moto sizes a non-clustered group by its replicas, and ignores NumCacheClusters.
    replicas = int(p.get("ReplicasPerNodeGroup", 0)) if clustered else int(p.get("NumCacheClusters", 1)) - 1
    user_group_ids = [str(g) for g in as_list(p.get("UserGroupIds"))]
    group = backend.create_replication_group(
        replication_group_id=group_id,
        replication_group_description=str(p["ReplicationGroupDescription"]),
        global_replication_group_id=p.get("GlobalReplicationGroupId"),
        primary_cluster_id=p.get("PrimaryClusterId"),
        automatic_failover_enabled=as_bool(p.get("AutomaticFailoverEnabled")),
        multi_az_enabled=as_bool(p.get("MultiAZEnabled")),
        num_cache_clusters=replicas + 1,
        preferred_cache_cluster_azs=[str(az) for az in as_list(p.get("PreferredCacheClusterAZs"))],
        num_node_groups=int(p.get("NumNodeGroups", 1)),
        replicas_per_node_group=replicas,
        node_group_configuration=as_list(p.get("NodeGroupConfiguration")),
        cache_node_type=str(p["CacheNodeType"]),
        engine=str(p.get("Engine", "redis")).lower(),
        engine_version=None if p.get("EngineVersion") is None else str(p["EngineVersion"]),
        cache_parameter_group_name=parameter_group,
        cache_subnet_group_name=None if subnet_group is None else str(subnet_group).lower(),
        cache_security_group_names=as_list(p.get("CacheSecurityGroupNames")),
        security_group_ids=[str(g) for g in as_list(p.get("SecurityGroupIds"))],
        tags=as_list(p.get("Tags")),
        snapshot_arns=as_list(p.get("SnapshotArns")),
        snapshot_name=p.get("SnapshotName"),
        preferred_maintenance_window=p.get("PreferredMaintenanceWindow"),
        port=int(p.get("Port", 6379)),
        notification_topic_arn=p.get("NotificationTopicArn"),
        auto_minor_version_upgrade=as_bool(p.get("AutoMinorVersionUpgrade"), default=True),
        snapshot_retention_limit=int(p.get("SnapshotRetentionLimit", 0)),
        snapshot_window=p.get("SnapshotWindow"),
        auth_token=p.get("AuthToken"),
        transit_encryption_enabled=as_bool(p.get("TransitEncryptionEnabled")),
        at_rest_encryption_enabled=as_bool(p.get("AtRestEncryptionEnabled")),
        kms_key_id=p.get("KmsKeyId"),
        user_group_ids=user_group_ids,
        log_delivery_configurations=as_list(p.get("LogDeliveryConfigurations")),
        data_tiering_enabled=as_bool(p.get("DataTieringEnabled")),
        network_type=p.get("NetworkType"),
        ip_discovery=p.get("IpDiscovery"),
        # ElastiCache requires TLS when encryption in transit is enabled without a mode
        # ("preferred" is only for migrating clients to TLS).
        transit_encryption_mode=p.get("TransitEncryptionMode")
        or ("required" if as_bool(p.get("TransitEncryptionEnabled")) else None),
        cluster_mode="enabled" if clustered else "disabled",
        serverless_cache_snapshot_name=None,
    )
    for user_group_id in user_group_ids:
        user_groups(backend)[user_group_id].replication_groups.append(group_id)
    for node_group in group.node_groups:
        if "reader_endpoint_address" in node_group:
            node_group["reader_endpoint"] = {"address": node_group["reader_endpoint_address"], "port": group.port}
        for member in node_group["node_group_members"]:
            _member_cluster(backend, group, member, p)
    return _endpoints(group)


#: CreateCacheCluster settings that a replication group's member clusters leave unset.
_MEMBER_UNSET = (
    "az_mode",
    "num_cache_nodes",
    "network_type",
    "ip_discovery",
    "snapshot_name",
    "notification_topic_arn",
    "outpost_mode",
    "preferred_outpost_arn",
    "preferred_availability_zones",
    "cache_security_group_names",
    "snapshot_arns",
    "preferred_outpost_arns",
    "cache_node_ids_to_remove",
    "cache_node_ids_to_reboot",
)


def _member_cluster(backend: ElastiCacheBackend, group: Any, member: dict[str, Any], p: dict[str, Any]) -> None:
    """The cache cluster ElastiCache creates for a node of the group (``DescribeCacheClusters``)."""
    cluster = backend.create_cache_cluster(
        **dict.fromkeys(_MEMBER_UNSET),
        cache_cluster_id=member["cache_cluster_id"],
        replication_group_id=group.replication_group_id,
        preferred_availability_zone=member.get("preferred_availability_zone"),
        cache_node_type=group.cache_node_type,
        engine=group.engine,
        engine_version=group.engine_version,
        cache_parameter_group_name=group.cache_parameter_group_name,
        cache_subnet_group_name=group.cache_subnet_group_name,
        transit_encryption_enabled=group.transit_encryption_enabled,
        preferred_maintenance_window=group.preferred_maintenance_window,
        port=group.port,
        auto_minor_version_upgrade=group.auto_minor_version_upgrade,
        snapshot_retention_limit=group.snapshot_retention_limit,
        snapshot_window=group.snapshot_window,
        auth_token=p.get("AuthToken"),
        security_group_ids=group.security_group_ids,
        tags=[],
        log_delivery_configurations=[],
    )
    # What moto sets for Redis OSS clusters only, and what it leaves out of the API's shape.
    cluster.num_cache_nodes = 1
    cluster.replication_group_id = group.replication_group_id
    cluster.snapshot_window = group.snapshot_window
    cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled
    cluster.security_groups = [{"SecurityGroupId": g, "Status": "active"} for g in group.security_group_ids]
    cluster.replication_group_log_delivery_enabled = bool(group.log_delivery_configurations)


def _endpoints(group: Any) -> dict[str, Any]:
    """``Fn::GetAtt`` of the group; ports are strings, as CloudFormation gives them."""
    port = str(group.port)
    if group.cluster_enabled:
        endpoint = group.configuration_endpoint
        return {"ConfigurationEndPoint.Address": endpoint["address"], "ConfigurationEndPoint.Port": port}
    node_group = group.node_groups[0]
    readers = [m["read_endpoint"]["address"] for m in node_group["node_group_members"]]
    return {
        "PrimaryEndPoint.Address": node_group["primary_endpoint"]["address"],
        "PrimaryEndPoint.Port": port,
        "ReaderEndPoint.Address": node_group["reader_endpoint"]["address"],
        "ReaderEndPoint.Port": port,
        "ReadEndPoint.Addresses": ",".join(readers),
        "ReadEndPoint.Ports": ",".join(port for _ in readers),
        "ReadEndPoint.Addresses.List": readers,
        "ReadEndPoint.Ports.List": [port for _ in readers],
    }
