"""ElastiCache replication groups, users, user groups and subnet groups, shaped as CDK's
``aws_elasticache`` L1 constructs synthesize them for an encrypted Valkey cache with
IAM-authenticated users (aws-cdk-lib 2.275)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.emulator.conftest import Cloud
from tests.emulator.templates import KEY, TWO_ZONES, two_zone_network

APP_USER: dict[str, Any] = {
    "Type": "AWS::ElastiCache::User",
    "Properties": {
        "AccessString": "on ~* +@all",
        "AuthenticationMode": {"Type": "iam"},
        "Engine": "valkey",
        "UserId": "app",
        "UserName": "app",
    },
}
# ElastiCache wants a user named "default" in every user group; this one can do nothing.
DEFAULT_USER: dict[str, Any] = {
    "Type": "AWS::ElastiCache::User",
    "Properties": {
        "AccessString": "off -@all",
        "AuthenticationMode": {"Type": "no-password-required"},
        "Engine": "valkey",
        "UserId": "app-default",
        "UserName": "default",
    },
}
USERS: dict[str, Any] = {
    "Type": "AWS::ElastiCache::UserGroup",
    "Properties": {
        "Engine": "valkey",
        "UserGroupId": "app-users",
        "UserIds": [{"Ref": "AppUser"}, {"Ref": "DefaultUser"}],
    },
    "DependsOn": ["AppUser", "DefaultUser"],
}
SUBNET_GROUP: dict[str, Any] = {
    "Type": "AWS::ElastiCache::SubnetGroup",
    "Properties": {"Description": "cache", "SubnetIds": TWO_ZONES},
}
CACHE: dict[str, Any] = {
    "Type": "AWS::ElastiCache::ReplicationGroup",
    "Properties": {
        "AtRestEncryptionEnabled": True,
        "AutoMinorVersionUpgrade": True,
        "AutomaticFailoverEnabled": True,
        "CacheNodeType": "cache.t4g.micro",
        "CacheSubnetGroupName": {"Ref": "SubnetGroup"},
        "Engine": "valkey",
        "EngineVersion": "8.0",
        "KmsKeyId": {"Ref": "Key"},
        "LogDeliveryConfigurations": [
            {
                "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": "slow"}},
                "DestinationType": "cloudwatch-logs",
                "LogFormat": "json",
                "LogType": "slow-log",
            }
        ],
        "MultiAZEnabled": True,
        "NumCacheClusters": 2,
        "Port": 6379,
        "PreferredMaintenanceWindow": "sun:05:00-sun:07:00",
        "ReplicationGroupDescription": "cache",
        "SecurityGroupIds": [{"Fn::GetAtt": ["Group", "GroupId"]}],
        "SnapshotRetentionLimit": 7,
        "SnapshotWindow": "03:00-05:00",
        "Tags": [{"Key": "Pattern", "Value": "database"}],
        "TransitEncryptionEnabled": True,
        "TransitEncryptionMode": "required",
        "UserGroupIds": [{"Ref": "Users"}],
    },
}
OUTPUTS = {
    "Primary": {"Value": {"Fn::GetAtt": ["Cache", "PrimaryEndPoint.Address"]}},
    "PrimaryPort": {"Value": {"Fn::GetAtt": ["Cache", "PrimaryEndPoint.Port"]}},
    "Reader": {"Value": {"Fn::GetAtt": ["Cache", "ReaderEndPoint.Address"]}},
    "ReaderPort": {"Value": {"Fn::GetAtt": ["Cache", "ReaderEndPoint.Port"]}},
    "UserArn": {"Value": {"Fn::GetAtt": ["AppUser", "Arn"]}},
}


def cache(**resources: Any) -> dict[str, Any]:
    defaults = {
        "Key": KEY,
        "AppUser": APP_USER,
        "DefaultUser": DEFAULT_USER,
        "Users": USERS,
        "SubnetGroup": SUBNET_GROUP,
        "Cache": CACHE,
    }
    return two_zone_network(**{**defaults, **resources})


def with_properties(resource: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {**resource, "Properties": {**resource["Properties"], **properties}}


def test_an_encrypted_valkey_replication_group_reads_back_as_in_aws(cloud: Cloud) -> None:
    stack = cloud.deploy(cache(), outputs=OUTPUTS)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    elasticache, group_id = cloud.client("elasticache"), cloud.physical_id("Cache")
    [group] = elasticache.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"]
    assert group_id == group_id.lower() and len(group_id) <= 40
    assert (group["Engine"], group["CacheNodeType"], group["Description"]) == ("valkey", "cache.t4g.micro", "cache")
    assert (group["AtRestEncryptionEnabled"], group["KmsKeyId"]) == (True, cloud.physical_id("Key"))
    assert (group["TransitEncryptionEnabled"], group["TransitEncryptionMode"]) == (True, "required")
    assert (group["MultiAZ"], group["AutomaticFailover"], group["ClusterEnabled"]) == ("enabled", "enabled", False)
    assert (group["SnapshotRetentionLimit"], group["SnapshotWindow"]) == (7, "03:00-05:00")
    assert group["UserGroupIds"] == ["app-users"] and group["AutoMinorVersionUpgrade"] is True
    [log] = group["LogDeliveryConfigurations"]
    assert (log["LogType"], log["DestinationDetails"]) == ("slow-log", {"CloudWatchLogsDetails": {"LogGroup": "slow"}})
    [node_group] = group["NodeGroups"]
    assert len(group["MemberClusters"]) == 2 == len(node_group["NodeGroupMembers"])
    outputs = cloud.outputs(stack)
    assert outputs["Primary"] == node_group["PrimaryEndpoint"]["Address"] and outputs["PrimaryPort"] == "6379"
    assert outputs["Reader"] == node_group["ReaderEndpoint"]["Address"] and outputs["ReaderPort"] == "6379"
    tags = elasticache.list_tags_for_resource(ResourceName=group["ARN"])["TagList"]
    assert tags == [{"Key": "Pattern", "Value": "database"}]

    # Engine version, network and maintenance window are the member clusters'.
    clusters = elasticache.describe_cache_clusters(ShowCacheNodeInfo=True)["CacheClusters"]
    assert sorted(c["CacheClusterId"] for c in clusters) == sorted(group["MemberClusters"])
    for cluster in clusters:
        assert (cluster["Engine"], cluster["EngineVersion"], cluster["ReplicationGroupId"]) == (
            "valkey",
            "8.0",
            group_id,
        )
        assert cluster["CacheSubnetGroupName"] == cloud.physical_id("SubnetGroup")
        assert cluster["SecurityGroups"] == [{"SecurityGroupId": cloud.physical_id("Group"), "Status": "active"}]
        assert cluster["PreferredMaintenanceWindow"] == "sun:05:00-sun:07:00"
    [subnet_group] = elasticache.describe_cache_subnet_groups()["CacheSubnetGroups"]
    assert sorted(
        (s["SubnetIdentifier"], s["SubnetAvailabilityZone"]["Name"]) for s in subnet_group["Subnets"]
    ) == sorted([(cloud.physical_id("SubnetA"), "us-east-1a"), (cloud.physical_id("SubnetB"), "us-east-1b")])

    assert cloud.delete() == "DELETE_COMPLETE"
    assert elasticache.describe_replication_groups()["ReplicationGroups"] == []
    assert elasticache.describe_cache_clusters()["CacheClusters"] == []
    assert elasticache.describe_cache_subnet_groups()["CacheSubnetGroups"] == []


def test_encryption_in_transit_without_a_mode_requires_tls(cloud: Cloud) -> None:
    properties = {k: v for k, v in CACHE["Properties"].items() if k != "TransitEncryptionMode"}
    cloud.deploy(cache(Cache={**CACHE, "Properties": properties}))
    [group] = cloud.client("elasticache").describe_replication_groups(ReplicationGroupId=cloud.physical_id("Cache"))[
        "ReplicationGroups"
    ]
    assert group["TransitEncryptionMode"] == "required"


def test_users_and_their_user_group(cloud: Cloud) -> None:
    stack = cloud.deploy(cache(), outputs=OUTPUTS)
    elasticache = cloud.client("elasticache")
    [app] = elasticache.describe_users(UserId="app")["Users"]
    assert (app["UserName"], app["Engine"], app["AccessString"]) == ("app", "valkey", "on ~* +@all")
    assert app["Authentication"] == {"Type": "iam"} and app["UserGroupIds"] == ["app-users"]
    assert cloud.outputs(stack)["UserArn"] == app["ARN"] and cloud.physical_id("AppUser") == "app"
    [default] = elasticache.describe_users(UserId="app-default")["Users"]
    assert (default["UserName"], default["Authentication"]["Type"]) == ("default", "no-password")
    [group] = elasticache.describe_user_groups(UserGroupId="app-users")["UserGroups"]
    assert (group["Engine"], group["Status"], sorted(group["UserIds"])) == ("valkey", "active", ["app", "app-default"])
    assert group["ReplicationGroups"] == [cloud.physical_id("Cache")]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert elasticache.describe_user_groups()["UserGroups"] == []
    assert [user["UserId"] for user in elasticache.describe_users()["Users"]] == ["default"]  # ElastiCache's own
    with pytest.raises(ClientError, match="UserGroupNotFound"):
        elasticache.describe_user_groups(UserGroupId="app-users")


def test_password_users_and_users_without_a_password(cloud: Cloud) -> None:
    password = with_properties(
        APP_USER, AuthenticationMode={"Type": "password", "Passwords": ["a-password-of-20-chars"]}
    )
    open_user = {
        "Type": "AWS::ElastiCache::User",
        "Properties": {
            "AccessString": "off -@all",
            "Engine": "redis",
            "NoPasswordRequired": True,
            "UserId": "open",
            "UserName": "default",
        },
    }
    cloud.deploy({"AppUser": password, "Open": open_user})
    elasticache = cloud.client("elasticache")
    [described] = elasticache.describe_users(UserId="app")["Users"]
    assert described["Authentication"] == {"Type": "password", "PasswordCount": 1}
    [described] = elasticache.describe_users(UserId="open")["Users"]
    assert (described["Engine"], described["Authentication"]) == ("redis", {"Type": "no-password"})


def test_a_user_group_without_a_default_user_is_refused(cloud: Cloud) -> None:
    users = with_properties(USERS, UserIds=[{"Ref": "AppUser"}])
    users["DependsOn"] = ["AppUser"]
    assert cloud.deploy({"AppUser": APP_USER, "Users": users})["StackStatus"] == "CREATE_FAILED"
    assert "You must add default user to a user group" in cloud.events()["Users"][1]


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ({"AutomaticFailoverEnabled": False}, "Multi-AZ requires automatic failover"),
        ({"MultiAZEnabled": False, "NumCacheClusters": 1}, "NumCacheClusters must be at least 2"),
        (
            {"TransitEncryptionEnabled": False, "TransitEncryptionMode": None},
            "User groups require encryption in transit",
        ),
    ],
)
def test_what_elasticache_refuses_of_a_replication_group(
    cloud: Cloud, properties: dict[str, Any], message: str
) -> None:
    group = with_properties(CACHE, **properties)
    group["Properties"] = {k: v for k, v in group["Properties"].items() if v is not None}
    assert cloud.deploy(cache(Cache=group))["StackStatus"] == "CREATE_FAILED"
    assert message in cloud.events()["Cache"][1]


def test_a_cluster_mode_group_has_a_configuration_endpoint(cloud: Cloud) -> None:
    clustered = with_properties(CACHE, NumNodeGroups=2, ReplicasPerNodeGroup=1, ClusterMode="Enabled")
    del clustered["Properties"]["NumCacheClusters"]
    stack = cloud.deploy(
        cache(Cache=clustered),
        outputs={"Config": {"Value": {"Fn::GetAtt": ["Cache", "ConfigurationEndPoint.Address"]}}},
    )
    [group] = cloud.client("elasticache").describe_replication_groups()["ReplicationGroups"]
    assert group["ClusterEnabled"] is True and len(group["NodeGroups"]) == 2 and len(group["MemberClusters"]) == 4
    assert cloud.outputs(stack)["Config"] == group["ConfigurationEndpoint"]["Address"]
