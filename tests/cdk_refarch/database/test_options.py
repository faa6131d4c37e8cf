"""Database's defaults and options, on the variants of variants.py (synthesized once per
module, cdk-nag as a validation plugin)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack

from cdk_refarch.database import Database
from cdk_refarch.database.engines import MYSQL, POSTGRES, estimated_max_connections, memory_gib
from tests.cdk_refarch.database.variants import (
    ALLOW_LATER,
    APP_GROUP,
    DATABASE_STACKS,
    DEFAULTS,
    FULL,
    NO_PEER,
    SANDBOX,
    acknowledged,
    build,
    database,
)
from tests.quality.test_gates import lint_findings
from tests.synthesis import Synthesized, synthesize

ISOLATED = ["subnet-0e00000000000000e", "subnet-0e00000000000001e"]
GIB, MIB = 1024**3, 1024**2


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("database"), build)


def _props(app: Synthesized, stack: str, resource_type: str, prefix: str = "") -> dict[str, Any]:
    _, resource = app.only(stack, resource_type, prefix)
    return resource["Properties"]


def _primary(app: Synthesized, stack: str) -> tuple[str, dict[str, Any]]:
    return app.only(stack, "AWS::RDS::DBInstance", "DbInstance")


def _replicas(app: Synthesized, stack: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in app.resources(stack, "AWS::RDS::DBInstance").items() if k.startswith("DbReplica")}


def _alarms(app: Synthesized, stack: str) -> dict[str, dict[str, Any]]:
    """Alarms by construct name (``CpuAlarm``, ``CacheCpuAlarm``...), their properties."""
    found = {}
    for logical_id, alarm in app.resources(stack, "AWS::CloudWatch::Alarm").items():
        name = logical_id.removeprefix("Db")[:-8]
        found[name] = alarm["Properties"]
    return found


@pytest.mark.parametrize("stack", [DEFAULTS, SANDBOX, FULL, ALLOW_LATER])
def test_nag_lint_and_warnings_are_clean(app: Synthesized, stack: str) -> None:
    assert app.violations_of(stack) == []
    assert lint_findings(app, stack) == []
    assert app.warnings_of(stack) == []


def test_variant_list_is_complete(app: Synthesized) -> None:
    assert sorted(app.stacks) == sorted(DATABASE_STACKS)


# Reachability: the warning, and the port opened to groups only.


def test_a_database_no_one_may_reach_warns_with_its_cache(app: Synthesized) -> None:
    hint = "pass allowed_peers=[...] or call allow_from(peer) with the application's security group (or service)."
    ack = "[ack: @cdk-refarch/database:noAllowedPeer]"
    assert app.warnings_of(NO_PEER) == [
        f"aws:cdk:warning at /{NO_PEER}/Db/Cache: No security group may reach this cache: {hint} {ack}",
        f"aws:cdk:warning at /{NO_PEER}/Db: No security group may reach this database: {hint} {ack}",
    ]
    assert app.violations_of(NO_PEER) == [
        f"Annotation::@cdk-refarch/database:noAllowedPeer at {NO_PEER}/Db",
        f"Annotation::@cdk-refarch/database:noAllowedPeer at {NO_PEER}/Db/Cache",
    ]
    assert lint_findings(app, NO_PEER) == []
    assert app.resources(NO_PEER, "AWS::EC2::SecurityGroupIngress") == {}


def test_allow_from_after_construction_opens_both_ports_and_silences_the_warning(app: Synthesized) -> None:
    assert app.warnings_of(ALLOW_LATER) == []
    rules = sorted(
        (rule["SourceSecurityGroupId"], rule["IpProtocol"], rule["FromPort"], rule["ToPort"])
        for rule in (r["Properties"] for r in app.resources(ALLOW_LATER, "AWS::EC2::SecurityGroupIngress").values())
    )
    assert rules == [(APP_GROUP, "tcp", 5432, 5432), (APP_GROUP, "tcp", 6379, 6379)]


def test_the_database_group_opens_its_port_to_the_peer_only_and_nothing_out(app: Synthesized) -> None:
    group_id, group = app.only(DEFAULTS, "AWS::EC2::SecurityGroup")
    assert group["Properties"]["SecurityGroupEgress"] == [
        {
            "CidrIp": "255.255.255.255/32",
            "Description": "Disallow all traffic",
            "FromPort": 252,
            "IpProtocol": "icmp",
            "ToPort": 86,
        }
    ]
    assert "SecurityGroupIngress" not in group["Properties"]
    (ingress,) = [r["Properties"] for r in app.resources(DEFAULTS, "AWS::EC2::SecurityGroupIngress").values()]
    assert ingress == {
        "Description": "database port 5432",
        "FromPort": 5432,
        "GroupId": {"Fn::GetAtt": [group_id, "GroupId"]},
        "IpProtocol": "tcp",
        "SourceSecurityGroupId": APP_GROUP,
        "ToPort": 5432,
    }
    instance = _primary(app, DEFAULTS)[1]["Properties"]
    assert instance["VPCSecurityGroups"] == [{"Fn::GetAtt": [group_id, "GroupId"]}]
    assert instance["PubliclyAccessible"] is False
    assert _props(app, DEFAULTS, "AWS::RDS::DBSubnetGroup")["SubnetIds"] == ISOLATED


def test_a_created_peer_group_may_reach_the_port(app: Synthesized) -> None:
    """Three-tier chaining: the app's group (no default egress) gets an egress rule to the database's."""
    groups = app.resources(SANDBOX, "AWS::EC2::SecurityGroup")
    web = next(k for k in groups if k.startswith("Web"))
    database_group = next(k for k in groups if k.startswith("DbSecurityGroup"))
    (egress,) = [r["Properties"] for r in app.resources(SANDBOX, "AWS::EC2::SecurityGroupEgress").values()]
    assert egress["GroupId"] == {"Fn::GetAtt": [web, "GroupId"]}
    assert egress["DestinationSecurityGroupId"] == {"Fn::GetAtt": [database_group, "GroupId"]}
    assert (egress["FromPort"], egress["ToPort"]) == (5432, 5432)


# Defaults: the production profile.


def test_default_engine_is_postgresql_18_on_graviton(app: Synthesized) -> None:
    instance = _primary(app, DEFAULTS)[1]["Properties"]
    assert (instance["Engine"], instance["EngineVersion"]) == ("postgres", "18")
    assert instance["DBInstanceClass"] == "db.m7g.large"
    assert instance["MasterUsername"] == "postgres"
    assert instance["Port"] == "5432"
    assert "DBName" not in instance


def test_production_profile_is_multi_az_kept_and_protected(app: Synthesized) -> None:
    _, resource = _primary(app, DEFAULTS)
    instance = resource["Properties"]
    assert instance["MultiAZ"] is True
    assert instance["BackupRetentionPeriod"] == 30
    assert instance["DeletionProtection"] is True
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Snapshot", "Snapshot")
    # What a snapshot needs to be read, and the logs, are kept; the groups go with the instance.
    assert app.only(DEFAULTS, "AWS::KMS::Key", "DbKey")[1]["DeletionPolicy"] == "Retain"
    assert {r["DeletionPolicy"] for r in app.resources(DEFAULTS, "AWS::Logs::LogGroup").values()} == {"Retain"}
    assert app.only(DEFAULTS, "AWS::KMS::Key", "DbAlarmKey")[1]["DeletionPolicy"] == "Delete"
    for gone in ("AWS::RDS::DBSubnetGroup", "AWS::RDS::DBParameterGroup", "AWS::EC2::SecurityGroup"):
        assert {r["DeletionPolicy"] for r in app.resources(DEFAULTS, gone).values()} == {"Delete"}, gone


def test_storage_is_gp3_autoscaling_and_encrypted_with_a_rotated_key(app: Synthesized) -> None:
    instance = _primary(app, DEFAULTS)[1]["Properties"]
    key_id, key = app.only(DEFAULTS, "AWS::KMS::Key", "DbKey")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert (instance["StorageType"], instance["AllocatedStorage"], instance["MaxAllocatedStorage"]) == (
        "gp3",
        "20",
        100,
    )
    assert instance["StorageEncrypted"] is True
    assert instance["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_master_password_is_rds_managed_in_secrets_manager_under_the_same_key(app: Synthesized) -> None:
    instance_id, resource = _primary(app, DEFAULTS)
    instance = resource["Properties"]
    key_id, _ = app.only(DEFAULTS, "AWS::KMS::Key", "DbKey")
    assert instance["ManageMasterUserPassword"] is True
    assert instance["MasterUserSecret"] == {"KmsKeyId": {"Fn::GetAtt": [key_id, "Arn"]}}
    assert "MasterUserPassword" not in instance
    # RDS rotates the secret itself: no secret, rotation schedule or Lambda in the template.
    for absent in ("AWS::SecretsManager::Secret", "AWS::SecretsManager::RotationSchedule", "AWS::Lambda::Function"):
        assert app.resources(DEFAULTS, absent) == {}, absent
    db = database(app.stacks[DEFAULTS], DEFAULTS)
    assert Stack.of(db).resolve(db.secret.secret_arn) == {"Fn::GetAtt": [instance_id, "MasterUserSecret.SecretArn"]}


def test_iam_authentication_and_tls_required(app: Synthesized) -> None:
    instance = _primary(app, DEFAULTS)[1]["Properties"]
    group_id, group = app.only(DEFAULTS, "AWS::RDS::DBParameterGroup")
    assert instance["EnableIAMDatabaseAuthentication"] is True
    assert instance["DBParameterGroupName"] == {"Ref": group_id}
    assert group["Properties"]["Family"] == "postgres18"
    assert group["Properties"]["Parameters"] == {"rds.force_ssl": "1", "log_min_duration_statement": "1000"}
    assert instance["CACertificateIdentifier"] == "rds-ca-rsa2048-g1"


def test_backups_windows_and_upgrades(app: Synthesized) -> None:
    instance = _primary(app, DEFAULTS)[1]["Properties"]
    assert instance["PreferredBackupWindow"] == "03:00-04:00"
    assert instance["PreferredMaintenanceWindow"] == "sun:04:30-sun:05:30"
    assert instance["CopyTagsToSnapshot"] is True
    assert instance["AutoMinorVersionUpgrade"] is True
    assert instance["AllowMajorVersionUpgrade"] is False


def test_database_insights_standard_and_enhanced_monitoring(app: Synthesized) -> None:
    instance = _primary(app, DEFAULTS)[1]["Properties"]
    key_id, _ = app.only(DEFAULTS, "AWS::KMS::Key", "DbKey")
    assert instance["EnablePerformanceInsights"] is True
    assert instance["PerformanceInsightsRetentionPeriod"] == 7  # the free retention
    assert instance["PerformanceInsightsKMSKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert instance["DatabaseInsightsMode"] == "standard"
    assert instance["MonitoringInterval"] == 60
    role_id, role = app.only(DEFAULTS, "AWS::IAM::Role")
    assert instance["MonitoringRoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    identifier = instance["DBInstanceIdentifier"]
    assert trust["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Join"][1][-1] == f":db:{identifier}*"
    (policy,) = role["Properties"]["ManagedPolicyArns"]
    assert policy["Fn::Join"][1][-1] == ":iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


def test_logs_go_to_encrypted_log_groups_created_first(app: Synthesized) -> None:
    _, resource = _primary(app, DEFAULTS)
    instance = resource["Properties"]
    identifier = instance["DBInstanceIdentifier"]
    # Stack and construct path with their hash: unique in the account and region, known before deploy.
    assert identifier.startswith("databasedefaults-db-") and len(identifier) <= 50
    assert instance["EnableCloudwatchLogsExports"] == ["postgresql", "upgrade", "iam-db-auth-error"]
    groups = app.resources(DEFAULTS, "AWS::Logs::LogGroup")
    key_id, key = app.only(DEFAULTS, "AWS::KMS::Key", "DbKey")
    assert sorted(g["Properties"]["LogGroupName"] for g in groups.values()) == sorted(
        f"/aws/rds/instance/{identifier}/{log}" for log in ("postgresql", "upgrade", "iam-db-auth-error")
    )
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == 365
        assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert sorted(resource["DependsOn"]) == sorted(groups)
    logs = key["Properties"]["KeyPolicy"]["Statement"][1]
    assert logs["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    arn = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]["Fn::Join"][1]
    assert arn[-1] == f":log-group:/aws/rds/instance/{identifier}*"


def test_default_alarms_notify_an_encrypted_topic(app: Synthesized) -> None:
    alarms = _alarms(app, DEFAULTS)
    assert sorted(alarms) == ["ConnectionsAlarm", "CpuAlarm", "FreeStorageAlarm", "FreeableMemoryAlarm"]
    thresholds = {name: (a["Threshold"], a["ComparisonOperator"], a["EvaluationPeriods"]) for name, a in alarms.items()}
    assert thresholds == {
        "CpuAlarm": (80, "GreaterThanThreshold", 3),
        "FreeStorageAlarm": (2 * GIB, "LessThanThreshold", 1),  # 10% of the 20 GiB allocated
        "FreeableMemoryAlarm": (819 * MIB, "LessThanThreshold", 3),  # 10% of m7g.large's 8 GiB
        "ConnectionsAlarm": (540, "GreaterThanThreshold", 3),  # 80% of ~675, PostgreSQL's default on 8 GiB
    }
    topic_id, topic = app.only(DEFAULTS, "AWS::SNS::Topic")
    assert "KmsMasterKeyId" in topic["Properties"]
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": topic_id}]
        assert alarm["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": {"Ref": _primary(app, DEFAULTS)[0]}}]


def test_default_acknowledgments_are_only_the_monitoring_policy_and_the_port(app: Synthesized) -> None:
    assert acknowledged(app, DEFAULTS) == {
        "Db/Instance": ["AwsSolutions-RDS11"],
        "Db/MonitoringRole": [
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]"
        ],
    }


def test_resources_are_tagged_with_the_pattern(app: Synthesized) -> None:
    for resource_type in ("AWS::RDS::DBInstance", "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::IAM::Role"):
        for resource in app.resources(DEFAULTS, resource_type).values():
            assert {"Key": "Pattern", "Value": "database"} in resource["Properties"]["Tags"], resource_type


def test_attributes(app: Synthesized) -> None:
    db = database(app.stacks[DEFAULTS], DEFAULTS)
    stack = Stack.of(db)
    instance_id, _ = _primary(app, DEFAULTS)
    assert stack.resolve(db.endpoint.hostname) == {"Fn::GetAtt": [instance_id, "Endpoint.Address"]}
    assert stack.resolve(db.endpoint.port) == {"Fn::GetAtt": [instance_id, "Endpoint.Port"]}
    assert stack.resolve(db.key.key_arn) == {"Fn::GetAtt": [app.only(DEFAULTS, "AWS::KMS::Key", "DbKey")[0], "Arn"]}
    assert (db.replicas, db.cache) == ([], None)
    assert len(db.alarms) == 4
    assert db.alarm_topic is not None and db.parameter_group is not None and db.subnet_group is not None
    assert stack.resolve(db.security_group.security_group_id) == {
        "Fn::GetAtt": [app.only(DEFAULTS, "AWS::EC2::SecurityGroup")[0], "GroupId"]
    }


# The sandbox profile.


def test_sandbox_profile_is_single_az_short_lived_and_deleted_with_the_stack(app: Synthesized) -> None:
    instance = _primary(app, SANDBOX)[1]["Properties"]
    assert instance["DBInstanceClass"] == "db.t4g.micro"
    assert instance["MultiAZ"] is False
    assert instance["BackupRetentionPeriod"] == 7
    assert instance["DeletionProtection"] is False
    kept = {
        k
        for k, r in app.template_json(SANDBOX)["Resources"].items()
        if r.get("DeletionPolicy") not in (None, "Delete") or r.get("UpdateReplacePolicy") not in (None, "Delete")
    }
    assert kept == set()


def test_sandbox_alarms_size_themselves_for_the_small_class(app: Synthesized) -> None:
    alarms = _alarms(app, SANDBOX)
    assert alarms["FreeableMemoryAlarm"]["Threshold"] == 102 * MIB  # 10% of 1 GiB
    assert alarms["ConnectionsAlarm"]["Threshold"] == 67  # 80% of ~84, PostgreSQL's default on 1 GiB


def test_sandbox_alarms_are_mailed(app: Synthesized) -> None:
    topic_id, _ = app.only(SANDBOX, "AWS::SNS::Topic")
    subscription = _props(app, SANDBOX, "AWS::SNS::Subscription")
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "ops@example.com")
    assert subscription["TopicArn"] == {"Ref": topic_id}


def test_sandbox_acknowledges_single_az_and_no_deletion_protection(app: Synthesized) -> None:
    assert acknowledged(app, SANDBOX)["Db/Instance"] == [
        "AwsSolutions-RDS10",
        "AwsSolutions-RDS11",
        "AwsSolutions-RDS3",
    ]


# Every option (MySQL, replicas, a Redis OSS cache, own key and topic...).


def test_mysql_with_every_option(app: Synthesized) -> None:
    _, resource = _primary(app, FULL)
    instance = resource["Properties"]
    assert (instance["Engine"], instance["EngineVersion"]) == ("mysql", "8.4.10")
    assert instance["DBInstanceClass"] == "db.t4g.medium"
    assert (instance["MasterUsername"], instance["DBName"], instance["Port"]) == ("dbadmin", "shop", "3307")
    assert instance["MultiAZ"] is False
    assert (instance["BackupRetentionPeriod"], instance["DeletionProtection"]) == (14, False)
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert (instance["AllocatedStorage"], instance["MaxAllocatedStorage"]) == ("50", 200)
    assert instance["KmsKeyId"] == instance["MasterUserSecret"]["KmsKeyId"]
    assert instance["KmsKeyId"]["Fn::GetAtt"][0].startswith("OwnKey")
    assert (instance["PreferredBackupWindow"], instance["PreferredMaintenanceWindow"]) == (
        "22:00-22:30",
        "sat:23:30-sun:00:30",
    )
    assert instance["MonitoringInterval"] == 15
    assert instance["EnableCloudwatchLogsExports"] == ["error", "slowquery", "iam-db-auth-error"]
    assert {g["Properties"]["RetentionInDays"] for g in app.resources(FULL, "AWS::Logs::LogGroup").values()} == {30}
    group = _props(app, FULL, "AWS::RDS::DBParameterGroup")
    assert group["Family"] == "mysql8.4"
    assert group["Parameters"] == {
        "require_secure_transport": "ON",
        "slow_query_log": "1",
        "long_query_time": "1",
        "log_output": "FILE",
    }
    # Retained: the groups the kept instance still uses are kept too.
    for resource_type in ("AWS::RDS::DBSubnetGroup", "AWS::RDS::DBParameterGroup", "AWS::ElastiCache::SubnetGroup"):
        assert {r["DeletionPolicy"] for r in app.resources(FULL, resource_type).values()} == {"Retain"}


def test_read_replicas_share_everything_but_storage_settings(app: Synthesized) -> None:
    primary_id, primary = _primary(app, FULL)
    replicas = _replicas(app, FULL)
    assert len(replicas) == 2
    identifier = primary["Properties"]["DBInstanceIdentifier"]
    names = sorted(r["Properties"]["DBInstanceIdentifier"] for r in replicas.values())
    assert names == [f"{identifier}-replica1", f"{identifier}-replica2"]
    for replica in replicas.values():
        props = replica["Properties"]
        assert props["SourceDBInstanceIdentifier"]["Fn::Join"][1][-1] == {"Ref": primary_id}
        assert props["DBInstanceClass"] == "db.t4g.large"
        for shared in (
            "DBParameterGroupName",
            "VPCSecurityGroups",
            "DBSubnetGroupName",
            "MonitoringRoleArn",
            "PerformanceInsightsKMSKeyId",
        ):
            assert props[shared] == primary["Properties"][shared], shared
        assert props["EnableIAMDatabaseAuthentication"] is True
        assert props["MonitoringInterval"] == 15
        assert props["EnableCloudwatchLogsExports"] == ["error", "slowquery", "iam-db-auth-error"]
        # Encryption, port and CA are the source's: inherited, not set.
        for inherited in ("StorageEncrypted", "KmsKeyId", "Port", "CACertificateIdentifier", "BackupRetentionPeriod"):
            assert inherited not in props, inherited
        assert replica["DeletionPolicy"] == "Retain"
    log_names = {g["Properties"]["LogGroupName"] for g in app.resources(FULL, "AWS::Logs::LogGroup").values()}
    assert f"/aws/rds/instance/{identifier}-replica2/slowquery" in log_names


def test_alarms_take_the_given_thresholds_and_topic(app: Synthesized) -> None:
    alarms = _alarms(app, FULL)
    assert {name: alarm["Threshold"] for name, alarm in alarms.items()} == {
        "CpuAlarm": 70,
        "FreeStorageAlarm": 5 * GIB,
        "FreeableMemoryAlarm": 256 * MIB,
        "ConnectionsAlarm": 150,
        "Replica1LagAlarm": 30,
        "Replica2LagAlarm": 30,
        "CacheCpuAlarm": 60,
        "CacheMemoryAlarm": 75,
        "CacheEvictionsAlarm": 0,
    }
    (topic_id,) = app.resources(FULL, "AWS::SNS::Topic")
    assert topic_id.startswith("OpsTopic")
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [{"Ref": topic_id}]


def test_the_cache_takes_its_options_and_the_database_peers(app: Synthesized) -> None:
    group = _props(app, FULL, "AWS::ElastiCache::ReplicationGroup")
    assert (group["Engine"], group["EngineVersion"], group["CacheNodeType"]) == ("redis", "7.0", "cache.t4g.small")
    assert (group["NumCacheClusters"], group["MultiAZEnabled"], group["AutomaticFailoverEnabled"]) == (3, True, True)
    assert (group["Port"], group["SnapshotRetentionLimit"]) == (6380, 14)
    assert (group["SnapshotWindow"], group["PreferredMaintenanceWindow"]) == ("01:00-02:00", "mon:03:00-mon:04:00")
    app_user = _props(app, FULL, "AWS::ElastiCache::User", "DbCacheAppUser")
    assert app_user["AccessString"] == "on ~shop:* +@read +@write"
    rules = {
        (r["Properties"]["SourceSecurityGroupId"], r["Properties"]["FromPort"])
        for r in app.resources(FULL, "AWS::EC2::SecurityGroupIngress").values()
    }
    assert rules == {(APP_GROUP, 3307), (APP_GROUP, 6380)}


def test_grant_connect_covers_the_primary_the_replicas_and_the_cache(app: Synthesized) -> None:
    policy = _props(app, FULL, "AWS::IAM::Policy", "WorkerDefaultPolicy")
    by_action = {s["Action"]: s for s in policy["PolicyDocument"]["Statement"]}
    instances = [_primary(app, FULL)[0], *sorted(_replicas(app, FULL))]
    assert by_action["rds-db:connect"]["Resource"] == [
        {
            "Fn::Join": [
                "",
                [
                    "arn:aws:rds-db:eu-west-1:",
                    {"Ref": "AWS::AccountId"},
                    ":dbuser:",
                    {"Fn::GetAtt": [instance, "DbiResourceId"]},
                    "/shop_app",
                ],
            ]
        }
        for instance in instances
    ]
    group_id, _ = app.only(FULL, "AWS::ElastiCache::ReplicationGroup")
    user_id, _ = app.only(FULL, "AWS::ElastiCache::User", "DbCacheAppUser")
    assert by_action["elasticache:Connect"]["Resource"] == [
        {"Fn::GetAtt": [user_id, "Arn"]},
        {
            "Fn::Join": [
                "",
                ["arn:aws:elasticache:eu-west-1:", {"Ref": "AWS::AccountId"}, ":replicationgroup:", {"Ref": group_id}],
            ]
        },
    ]


def test_every_option_acknowledges_only_what_it_chose(app: Synthesized) -> None:
    replica = ["AwsSolutions-RDS10", "AwsSolutions-RDS11", "AwsSolutions-RDS2", "AwsSolutions-RDS3"]
    assert acknowledged(app, FULL) == {
        "Db/Cache/ReplicationGroup": ["AwsSolutions-AEC6"],  # replicas and a non-default port: no AEC4, AEC5
        "Db/Instance": ["AwsSolutions-RDS10", "AwsSolutions-RDS3"],  # port 3307: no RDS11
        "Db/MonitoringRole": [
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]"
        ],
        "Db/Replica1/Instance": replica,
        "Db/Replica2/Instance": replica,
    }


def test_full_attributes(app: Synthesized) -> None:
    db = database(app.stacks[FULL], FULL)
    assert isinstance(db, Database)
    assert len(db.replicas) == 2 and db.cache is not None
    assert len(db.alarms) == 9  # 4 database, 2 replica lag, 3 cache


# The sizing tables the alarms use.


@pytest.mark.parametrize(
    ("instance_class", "gib"),
    [
        ("t4g.micro", 1),
        ("db.t4g.medium", 4),
        ("m7g.large", 8),
        ("m7g.4xlarge", 64),
        ("r7g.xlarge", 32),
        ("x2g.large", 32),
        ("x2iedn.xlarge", None),
        ("c6gd.large", None),
        ("m7g", None),
    ],
)
def test_memory_of_instance_classes(instance_class: str, gib: float | None) -> None:
    assert memory_gib(instance_class) == gib


def test_estimated_max_connections_follow_rds_formulas() -> None:
    assert estimated_max_connections(POSTGRES, 1) == 84  # RDS reports 81-87 on 1 GiB classes
    assert estimated_max_connections(POSTGRES, 2048) == 5000  # capped
    assert estimated_max_connections(MYSQL, 4) == 256
