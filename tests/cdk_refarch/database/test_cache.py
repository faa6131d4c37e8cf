"""Cache on its own: defaults (production) and the non-production profile with Redis OSS,
synthesized once per module with cdk-nag."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack

from cdk_refarch.database import Cache
from tests.cdk_refarch.database.variants import (
    APP_GROUP,
    CACHE_DEFAULTS,
    CACHE_SANDBOX,
    CACHE_STACKS,
    acknowledged,
    build_caches,
)
from tests.quality.test_gates import lint_findings
from tests.synthesis import Synthesized, synthesize


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("cache"), build_caches)


def _props(app: Synthesized, stack: str, resource_type: str, prefix: str = "") -> dict[str, Any]:
    _, resource = app.only(stack, resource_type, prefix)
    return resource["Properties"]


def _cache(app: Synthesized, stack: str) -> Cache:
    found = app.stacks[stack].node.find_child("Cache")
    assert isinstance(found, Cache)
    return found


@pytest.mark.parametrize("stack", CACHE_STACKS)
def test_nag_lint_and_warnings_are_clean(app: Synthesized, stack: str) -> None:
    assert app.violations_of(stack) == []
    assert lint_findings(app, stack) == []
    assert app.warnings_of(stack) == []


def test_default_engine_and_nodes(app: Synthesized) -> None:
    group = _props(app, CACHE_DEFAULTS, "AWS::ElastiCache::ReplicationGroup")
    assert (group["Engine"], group["EngineVersion"], group["CacheNodeType"]) == ("valkey", "8.2", "cache.m7g.large")
    # Production: a replica in another AZ, promoted automatically when the primary fails.
    assert (group["NumCacheClusters"], group["MultiAZEnabled"], group["AutomaticFailoverEnabled"]) == (2, True, True)
    assert group["Port"] == 6379
    assert group["AutoMinorVersionUpgrade"] is True
    assert "ClusterMode" not in group and "AuthToken" not in group


def test_encrypted_at_rest_with_a_rotated_key_and_in_transit(app: Synthesized) -> None:
    group = _props(app, CACHE_DEFAULTS, "AWS::ElastiCache::ReplicationGroup")
    key_id, key = app.only(CACHE_DEFAULTS, "AWS::KMS::Key", "CacheKey")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert group["AtRestEncryptionEnabled"] is True
    assert group["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert group["TransitEncryptionEnabled"] is True


def test_isolated_subnets_and_only_the_peer_on_the_port(app: Synthesized) -> None:
    group = _props(app, CACHE_DEFAULTS, "AWS::ElastiCache::ReplicationGroup")
    subnet_group_id, subnet_group = app.only(CACHE_DEFAULTS, "AWS::ElastiCache::SubnetGroup")
    assert group["CacheSubnetGroupName"] == {"Ref": subnet_group_id}
    assert subnet_group["Properties"]["SubnetIds"] == ["subnet-0e00000000000000e", "subnet-0e00000000000001e"]
    security_group_id, security_group = app.only(CACHE_DEFAULTS, "AWS::EC2::SecurityGroup")
    assert group["SecurityGroupIds"] == [{"Fn::GetAtt": [security_group_id, "GroupId"]}]
    assert security_group["Properties"]["SecurityGroupEgress"][0]["Description"] == "Disallow all traffic"
    (ingress,) = [r["Properties"] for r in app.resources(CACHE_DEFAULTS, "AWS::EC2::SecurityGroupIngress").values()]
    assert (ingress["SourceSecurityGroupId"], ingress["FromPort"], ingress["ToPort"]) == (APP_GROUP, 6379, 6379)


def test_snapshots_windows_and_removal_in_production(app: Synthesized) -> None:
    _, resource = app.only(CACHE_DEFAULTS, "AWS::ElastiCache::ReplicationGroup")
    group = resource["Properties"]
    assert group["SnapshotRetentionLimit"] == 7
    assert (group["SnapshotWindow"], group["PreferredMaintenanceWindow"]) == ("05:00-06:00", "sun:06:30-sun:07:30")
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Snapshot", "Snapshot")
    assert app.only(CACHE_DEFAULTS, "AWS::KMS::Key", "CacheKey")[1]["DeletionPolicy"] == "Retain"


def test_iam_users_in_a_group_whose_default_user_is_disabled(app: Synthesized) -> None:
    group = _props(app, CACHE_DEFAULTS, "AWS::ElastiCache::ReplicationGroup")
    user_group_id, user_group = app.only(CACHE_DEFAULTS, "AWS::ElastiCache::UserGroup")
    assert group["UserGroupIds"] == [{"Ref": user_group_id}]
    app_user_id, app_user = app.only(CACHE_DEFAULTS, "AWS::ElastiCache::User", "CacheAppUser")
    default_id, default = app.only(CACHE_DEFAULTS, "AWS::ElastiCache::User", "CacheDefaultUser")
    app_props, default_props = app_user["Properties"], default["Properties"]
    assert app_props["AuthenticationMode"] == {"Type": "iam"}
    assert app_props["UserName"] == app_props["UserId"]  # IAM authentication requires it
    assert app_props["AccessString"] == "on ~* &* +@all -@dangerous"
    assert default_props["UserName"] == "default"
    assert default_props["AccessString"] == "off -@all"
    assert default_props["AuthenticationMode"] == {"Type": "no-password-required"}
    assert default_props["UserId"] != "default"
    assert user_group["Properties"]["UserIds"] == [default_props["UserId"], app_props["UserId"]]
    assert {app_props["Engine"], default_props["Engine"], user_group["Properties"]["Engine"]} == {"redis"}
    assert sorted(user_group["DependsOn"]) == sorted([app_user_id, default_id])
    assert _cache(app, CACHE_DEFAULTS).user_name == app_props["UserName"]


def test_grant_connect_is_elasticache_connect_on_the_group_and_the_user(app: Synthesized) -> None:
    policy = _props(app, CACHE_DEFAULTS, "AWS::IAM::Policy", "ReaderDefaultPolicy")
    (statement,) = policy["PolicyDocument"]["Statement"]
    group_id, _ = app.only(CACHE_DEFAULTS, "AWS::ElastiCache::ReplicationGroup")
    user_id, _ = app.only(CACHE_DEFAULTS, "AWS::ElastiCache::User", "CacheAppUser")
    assert statement["Action"] == "elasticache:Connect"
    assert statement["Resource"] == [
        {"Fn::GetAtt": [user_id, "Arn"]},
        {
            "Fn::Join": [
                "",
                ["arn:aws:elasticache:eu-west-1:", {"Ref": "AWS::AccountId"}, ":replicationgroup:", {"Ref": group_id}],
            ]
        },
    ]


def test_alarms_watch_every_node(app: Synthesized) -> None:
    group_id, _ = app.only(CACHE_DEFAULTS, "AWS::ElastiCache::ReplicationGroup")
    topic_id, _ = app.only(CACHE_DEFAULTS, "AWS::SNS::Topic")
    alarms = {
        k[len("Cache") : -8]: v["Properties"]
        for k, v in app.resources(CACHE_DEFAULTS, "AWS::CloudWatch::Alarm").items()
    }
    assert {name: alarm["Threshold"] for name, alarm in alarms.items()} == {
        "CpuAlarm": 80,
        "MemoryAlarm": 80,
        "EvictionsAlarm": 100,
    }
    expressions = {name: alarm["Metrics"][0]["Expression"] for name, alarm in alarms.items()}
    assert expressions == {
        "CpuAlarm": "MAX([node1, node2])",
        "MemoryAlarm": "MAX([node1, node2])",
        "EvictionsAlarm": "SUM([node1, node2])",
    }
    cpu = alarms["CpuAlarm"]["Metrics"]
    assert [m["MetricStat"]["Metric"]["MetricName"] for m in cpu[1:]] == ["EngineCPUUtilization"] * 2
    assert [m["MetricStat"]["Metric"]["Dimensions"] for m in cpu[1:]] == [
        [{"Name": "CacheClusterId", "Value": {"Fn::Join": ["", [{"Ref": group_id}, suffix]]}}]
        for suffix in ("-001", "-002")
    ]
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": topic_id}]


def test_attributes(app: Synthesized) -> None:
    cache = _cache(app, CACHE_DEFAULTS)
    stack = Stack.of(cache)
    group_id, _ = app.only(CACHE_DEFAULTS, "AWS::ElastiCache::ReplicationGroup")
    assert stack.resolve(cache.endpoint_address) == {"Fn::GetAtt": [group_id, "PrimaryEndPoint.Address"]}
    assert stack.resolve(cache.endpoint_port) == {"Fn::GetAtt": [group_id, "PrimaryEndPoint.Port"]}
    assert stack.resolve(cache.reader_endpoint_address) == {"Fn::GetAtt": [group_id, "ReaderEndPoint.Address"]}
    assert len(cache.alarms) == 3


def test_defaults_acknowledge_only_the_auth_token_rule(app: Synthesized) -> None:
    assert acknowledged(app, CACHE_DEFAULTS) == {"Cache/ReplicationGroup": ["AwsSolutions-AEC6"]}


def test_non_production_profile_with_redis_oss(app: Synthesized) -> None:
    _, resource = app.only(CACHE_SANDBOX, "AWS::ElastiCache::ReplicationGroup")
    group = resource["Properties"]
    assert (group["Engine"], group["EngineVersion"], group["CacheNodeType"]) == ("redis", "7.1", "cache.t4g.micro")
    assert (group["NumCacheClusters"], group["MultiAZEnabled"], group["AutomaticFailoverEnabled"]) == (1, False, False)
    assert group["SnapshotRetentionLimit"] == 1
    kept = {
        k
        for k, r in app.template_json(CACHE_SANDBOX)["Resources"].items()
        if r.get("DeletionPolicy") not in (None, "Delete")
    }
    assert kept == set()
    subscription = _props(app, CACHE_SANDBOX, "AWS::SNS::Subscription")
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "ops@example.com")
    # One node: the alarms watch it alone.
    cpu = next(a["Properties"] for k, a in app.resources(CACHE_SANDBOX, "AWS::CloudWatch::Alarm").items() if "Cpu" in k)
    assert cpu["Metrics"][0]["Expression"] == "MAX([node1])"


def test_non_production_acknowledges_single_node_and_redis_default_port(app: Synthesized) -> None:
    assert acknowledged(app, CACHE_SANDBOX) == {
        "Cache/ReplicationGroup": ["AwsSolutions-AEC4", "AwsSolutions-AEC5", "AwsSolutions-AEC6"]
    }
