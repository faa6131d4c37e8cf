"""The database stack as the app builds it: PostgreSQL and a Valkey cache in the network
stack's isolated subnets, open only to the web tier's and the container service's groups."""

from __future__ import annotations

from typing import Any

import pytest

from tests.synthesis import Synthesized

STACK = "ThreeTierWeb-*-Data"


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _props(app: Synthesized, resource_type: str) -> dict[str, Any]:
    _, resource = app.only(STACK, resource_type)
    return dict(resource["Properties"])


def _production(app: Synthesized) -> bool:
    return "-Production-" in app.stack(STACK).stack_name


def test_the_stage_sets_availability_backups_and_protection(app: Synthesized) -> None:
    instance = _props(app, "AWS::RDS::DBInstance")
    cache = _props(app, "AWS::ElastiCache::ReplicationGroup")
    if _production(app):
        assert (instance["MultiAZ"], instance["BackupRetentionPeriod"], instance["DeletionProtection"]) == (
            True,
            30,
            True,
        )
        assert (cache["NumCacheClusters"], cache["AutomaticFailoverEnabled"], cache["MultiAZEnabled"]) == (
            2,
            True,
            True,
        )
    else:
        assert (instance["MultiAZ"], instance["BackupRetentionPeriod"], instance["DeletionProtection"]) == (
            False,
            7,
            False,
        )
        assert (cache["NumCacheClusters"], cache["CacheNodeType"]) == (1, "cache.t4g.micro")
        assert instance["DBInstanceClass"] == "db.t4g.micro"


def test_the_instance_is_kept_as_a_snapshot_in_production_and_deleted_in_the_sandbox(app: Synthesized) -> None:
    (_, instance) = app.only(STACK, "AWS::RDS::DBInstance")
    assert instance["DeletionPolicy"] == ("Snapshot" if _production(app) else "Delete")


@pytest.mark.parametrize(
    ("data", "tier", "group_prefix"),
    [
        ("ThreeTierWeb-*-Data", "ThreeTierWeb-*-Web", "WebInstanceSecurityGroup"),
        ("ContainerMicroservice-*-Data", "ContainerMicroservice-*-Service", "ServiceSecurityGroup"),
    ],
)
def test_database_and_cache_admit_only_their_tier_with_the_rules_in_the_tiers_stack(
    app: Synthesized, data: str, tier: str, group_prefix: str
) -> None:
    # The stateful stack holds no rule naming its clients: it never depends on them.
    assert app.resources(data, "AWS::EC2::SecurityGroupIngress") == {}
    groups = app.resources(data, "AWS::EC2::SecurityGroup").values()
    assert all("SecurityGroupIngress" not in group["Properties"] for group in groups)
    rules = [rule["Properties"] for rule in app.resources(tier, "AWS::EC2::SecurityGroupIngress").values()]
    into_data = [rule for rule in rules if "Fn::GetStackOutput" in rule["GroupId"]]
    assert sorted(rule["FromPort"] for rule in into_data) == [5432, 6379]
    for rule in into_data:
        assert rule["GroupId"]["Fn::GetStackOutput"]["StackName"] == app.stack(data).stack_name
        assert rule["FromPort"] == rule["ToPort"] and "CidrIp" not in rule
        assert rule["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith(group_prefix)


def test_the_database_lives_in_the_network_stacks_isolated_subnets(app: Synthesized) -> None:
    subnets = _props(app, "AWS::RDS::DBSubnetGroup")["SubnetIds"]
    outputs = [subnet["Fn::GetStackOutput"] for subnet in subnets]
    assert outputs and all(output["StackName"] == app.stack("ThreeTierWeb-*-Network").stack_name for output in outputs)
    assert all("IsolatedSubnet" in output["OutputName"] for output in outputs)


def test_credentials_are_managed_by_rds_and_tls_is_forced(app: Synthesized) -> None:
    instance = _props(app, "AWS::RDS::DBInstance")
    assert instance["ManageMasterUserPassword"] is True and "MasterUserPassword" not in instance
    assert instance["EnableIAMDatabaseAuthentication"] is True
    assert _props(app, "AWS::RDS::DBParameterGroup")["Parameters"]["rds.force_ssl"] == "1"


def test_alarms_notify_the_applications_topic(app: Synthesized) -> None:
    # The topic and its e-mail subscription are the alarm stack's (tests/stacks/test_monitoring_stack.py).
    assert app.resources(STACK, "AWS::SNS::Topic") == {} and app.resources(STACK, "AWS::SNS::Subscription") == {}
    alarms = app.resources(STACK, "AWS::CloudWatch::Alarm").values()
    assert len(alarms) >= 7
    topics = {action["Fn::GetStackOutput"]["StackName"] for a in alarms for action in a["Properties"]["AlarmActions"]}
    assert topics == {app.stack("ThreeTierWeb-*-Alarms").stack_name}
