"""The database stack as the app builds it: PostgreSQL and a Valkey cache in the network
stack's isolated subnets, open only to the web tier's and the container service's groups."""

from __future__ import annotations

from typing import Any

import pytest

from tests.synthesis import Synthesized

STACK = "Database"


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _props(app: Synthesized, resource_type: str) -> dict[str, Any]:
    _, resource = app.only(STACK, resource_type)
    return dict(resource["Properties"])


def _production(app: Synthesized) -> bool:
    return app.stacks[STACK].stack_name.startswith("production")


def _source_stack(reference: dict[str, Any]) -> str:
    return str(reference["Fn::GetStackOutput"]["StackName"])


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


def test_database_and_cache_admit_only_the_app_tiers_on_their_ports(app: Synthesized) -> None:
    rules = [rule["Properties"] for rule in app.resources(STACK, "AWS::EC2::SecurityGroupIngress").values()]
    sources = sorted((rule["FromPort"], _source_stack(rule["SourceSecurityGroupId"])) for rule in rules)
    stage = "production" if _production(app) else "sandbox"
    tiers = [f"{stage}-container-service", f"{stage}-web-tier"]
    assert sources == [(5432, tier) for tier in tiers] + [(6379, tier) for tier in tiers]
    assert all(rule["FromPort"] == rule["ToPort"] and "CidrIp" not in rule for rule in rules)
    groups = app.resources(STACK, "AWS::EC2::SecurityGroup").values()
    assert all("SecurityGroupIngress" not in group["Properties"] for group in groups)


def test_the_database_lives_in_the_network_stacks_isolated_subnets(app: Synthesized) -> None:
    subnets = _props(app, "AWS::RDS::DBSubnetGroup")["SubnetIds"]
    outputs = [subnet["Fn::GetStackOutput"] for subnet in subnets]
    assert outputs and all(output["StackName"] == app.stacks["Network"].stack_name for output in outputs)
    assert all("IsolatedSubnet" in output["OutputName"] for output in outputs)


def test_credentials_are_managed_by_rds_and_tls_is_forced(app: Synthesized) -> None:
    instance = _props(app, "AWS::RDS::DBInstance")
    assert instance["ManageMasterUserPassword"] is True and "MasterUserPassword" not in instance
    assert instance["EnableIAMDatabaseAuthentication"] is True
    assert _props(app, "AWS::RDS::DBParameterGroup")["Parameters"]["rds.force_ssl"] == "1"


def test_alarms_notify_the_stage_address(app: Synthesized) -> None:
    subscriptions = [s["Properties"] for s in app.resources(STACK, "AWS::SNS::Subscription").values()]
    if _production(app):
        assert [s["Endpoint"] for s in subscriptions] == ["alarms@example.com"]
    else:
        assert subscriptions == []
    assert len(app.resources(STACK, "AWS::CloudWatch::Alarm")) >= 7
