"""RDS instances, parameter groups and subnet groups, shaped as CDK's ``rds.DatabaseInstance``
synthesizes them (aws-cdk-lib 2.275: PostgreSQL with a managed master password, a read
replica of it, MySQL with TLS required)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.emulator.conftest import Cloud
from tests.emulator.templates import KEY, TWO_ZONES, two_zone_network

KEY_ARN = {"Fn::GetAtt": ["Key", "Arn"]}
SUBNET_GROUP: dict[str, Any] = {
    "Type": "AWS::RDS::DBSubnetGroup",
    "Properties": {"DBSubnetGroupDescription": "Subnet group for Instance database", "SubnetIds": TWO_ZONES},
}
POSTGRES_PARAMETERS: dict[str, Any] = {
    "Type": "AWS::RDS::DBParameterGroup",
    "Properties": {
        "Description": "Parameter group for postgres17",
        "Family": "postgres17",
        "Parameters": {"rds.force_ssl": "1"},
    },
}
MONITORING_ROLE: dict[str, Any] = {
    "Type": "AWS::IAM::Role",
    "Properties": {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "sts:AssumeRole",
                    "Effect": "Allow",
                    "Principal": {"Service": "monitoring.rds.amazonaws.com"},
                }
            ],
        }
    },
}
POSTGRES: dict[str, Any] = {
    "Type": "AWS::RDS::DBInstance",
    "Properties": {
        "AllocatedStorage": "20",
        "AutoMinorVersionUpgrade": True,
        "BackupRetentionPeriod": 7,
        "CopyTagsToSnapshot": True,
        "DBInstanceClass": "db.t4g.micro",
        "DBParameterGroupName": {"Ref": "Parameters"},
        "DBSubnetGroupName": {"Ref": "SubnetGroup"},
        "DeletionProtection": False,
        "EnableCloudwatchLogsExports": ["postgresql", "upgrade"],
        "EnableIAMDatabaseAuthentication": True,
        "EnablePerformanceInsights": True,
        "Engine": "postgres",
        "EngineVersion": "17.4",
        "KmsKeyId": KEY_ARN,
        "ManageMasterUserPassword": True,
        "MasterUserSecret": {"KmsKeyId": KEY_ARN},
        "MasterUsername": "postgres",
        "MaxAllocatedStorage": 100,
        "MonitoringInterval": 60,
        "MonitoringRoleArn": {"Fn::GetAtt": ["MonitoringRole", "Arn"]},
        "MultiAZ": True,
        "PerformanceInsightsKMSKeyId": KEY_ARN,
        "PerformanceInsightsRetentionPeriod": 7,
        "PreferredBackupWindow": "03:00-04:00",
        "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
        "PubliclyAccessible": False,
        "StorageEncrypted": True,
        "StorageType": "gp3",
        "Tags": [{"Key": "Pattern", "Value": "database"}],
        "VPCSecurityGroups": [{"Fn::GetAtt": ["Group", "GroupId"]}],
    },
    "UpdateReplacePolicy": "Delete",
    "DeletionPolicy": "Delete",
}
REPLICA: dict[str, Any] = {
    "Type": "AWS::RDS::DBInstance",
    "Properties": {
        "CopyTagsToSnapshot": True,
        "DBInstanceClass": "db.t4g.micro",
        "DBSubnetGroupName": {"Ref": "SubnetGroup"},
        "KmsKeyId": KEY_ARN,
        "PubliclyAccessible": False,
        # CDK names the source by its ARN.
        "SourceDBInstanceIdentifier": {
            "Fn::Join": [
                "",
                ["arn:", {"Ref": "AWS::Partition"}, ":rds:us-east-1:123456789012:db:", {"Ref": "Instance"}],
            ]
        },
        "StorageEncrypted": True,
        "StorageType": "gp2",
        "VPCSecurityGroups": [{"Fn::GetAtt": ["Group", "GroupId"]}],
    },
}
OUTPUTS = {
    "Address": {"Value": {"Fn::GetAtt": ["Instance", "Endpoint.Address"]}},
    "Port": {"Value": {"Fn::GetAtt": ["Instance", "Endpoint.Port"]}},
    "ResourceId": {"Value": {"Fn::GetAtt": ["Instance", "DbiResourceId"]}},
    "SecretArn": {"Value": {"Fn::GetAtt": ["Instance", "MasterUserSecret.SecretArn"]}},
}


def database(**resources: Any) -> dict[str, Any]:
    defaults = {
        "Key": KEY,
        "SubnetGroup": SUBNET_GROUP,
        "Parameters": POSTGRES_PARAMETERS,
        "MonitoringRole": MONITORING_ROLE,
        "Instance": POSTGRES,
    }
    return two_zone_network(**{**defaults, **resources})


def with_properties(resource: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {**resource, "Properties": {**resource["Properties"], **properties}}


def test_a_postgres_instance_reads_back_with_every_setting(cloud: Cloud) -> None:
    stack = cloud.deploy(database(), outputs=OUTPUTS)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    rds, name = cloud.client("rds"), cloud.physical_id("Instance")
    [db] = rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"]
    key = cloud.client("kms").describe_key(KeyId=cloud.physical_id("Key"))["KeyMetadata"]["Arn"]
    assert name == name.lower() and name.startswith("stack-instance-")
    assert (db["Engine"], db["EngineVersion"], db["DBInstanceClass"]) == ("postgres", "17.4", "db.t4g.micro")
    assert (db["MultiAZ"], db["StorageEncrypted"], db["KmsKeyId"]) == (True, True, key)
    assert (db["StorageType"], db["AllocatedStorage"], db["MaxAllocatedStorage"]) == ("gp3", 20, 100)
    assert db["IAMDatabaseAuthenticationEnabled"] is True
    assert (db["BackupRetentionPeriod"], db["PreferredBackupWindow"]) == (7, "03:00-04:00")
    assert db["PreferredMaintenanceWindow"] == "sun:05:00-sun:06:00"
    assert (db["CopyTagsToSnapshot"], db["DeletionProtection"], db["AutoMinorVersionUpgrade"]) == (True, False, True)
    assert db["PerformanceInsightsEnabled"] is True
    assert (db["PerformanceInsightsKMSKeyId"], db["PerformanceInsightsRetentionPeriod"]) == (key, 7)
    role = cloud.client("iam").get_role(RoleName=cloud.physical_id("MonitoringRole"))["Role"]["Arn"]
    assert (db["MonitoringInterval"], db["MonitoringRoleArn"]) == (60, role)
    assert db["EnabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]
    assert db["PubliclyAccessible"] is False
    parameters = cloud.physical_id("Parameters")
    assert [g["DBParameterGroupName"] for g in db["DBParameterGroups"]] == [parameters]
    assert db["DBSubnetGroup"]["DBSubnetGroupName"] == cloud.physical_id("SubnetGroup")
    assert sorted(s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]) == sorted(
        [cloud.physical_id("SubnetA"), cloud.physical_id("SubnetB")]
    )
    assert db["VpcSecurityGroups"] == [{"VpcSecurityGroupId": cloud.physical_id("Group"), "Status": "active"}]
    assert {"Key": "Pattern", "Value": "database"} in db["TagList"]

    # RDS created the master user's secret in Secrets Manager, encrypted with the given key.
    secret = db["MasterUserSecret"]
    assert (secret["KmsKeyId"], secret["SecretStatus"]) == (key, "active")
    secrets = cloud.client("secretsmanager")
    described = secrets.describe_secret(SecretId=secret["SecretArn"])
    assert described["Name"].startswith("rds!db-")
    assert json.loads(secrets.get_secret_value(SecretId=secret["SecretArn"])["SecretString"])["username"] == "postgres"

    outputs = cloud.outputs(stack)
    assert outputs["Address"] == db["Endpoint"]["Address"] and outputs["Port"] == "5432"
    assert outputs["ResourceId"] == db["DbiResourceId"] and outputs["SecretArn"] == secret["SecretArn"]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert rds.describe_db_instances()["DBInstances"] == []
    assert rds.describe_db_subnet_groups()["DBSubnetGroups"] == []
    assert parameters not in [
        g["DBParameterGroupName"] for g in rds.describe_db_parameter_groups()["DBParameterGroups"]
    ]
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        secrets.describe_secret(SecretId=secret["SecretArn"])


def test_parameter_groups_hold_their_parameters(cloud: Cloud) -> None:
    mysql_parameters = {
        "Type": "AWS::RDS::DBParameterGroup",
        "Properties": {
            "Description": "Parameter group for mysql8.4",
            "Family": "mysql8.4",
            "Parameters": {"require_secure_transport": "ON"},
        },
    }
    cloud.deploy({"Postgres": POSTGRES_PARAMETERS, "MySql": mysql_parameters})
    rds = cloud.client("rds")
    for logical_id, (name, value) in {
        "Postgres": ("rds.force_ssl", "1"),
        "MySql": ("require_secure_transport", "ON"),
    }.items():
        group = cloud.physical_id(logical_id)
        [parameter] = rds.describe_db_parameters(DBParameterGroupName=group)["Parameters"]
        assert (parameter["ParameterName"], parameter["ParameterValue"], parameter["Source"]) == (name, value, "user")

    assert cloud.delete() == "DELETE_COMPLETE"
    assert rds.describe_db_parameter_groups()["DBParameterGroups"] == []


def test_a_read_replica_is_a_replica_of_its_source(cloud: Cloud) -> None:
    cloud.deploy(database(Replica=REPLICA))
    rds = cloud.client("rds")
    source, replica = cloud.physical_id("Instance"), cloud.physical_id("Replica")
    [described] = rds.describe_db_instances(DBInstanceIdentifier=replica)["DBInstances"]
    assert described["ReadReplicaSourceDBInstanceIdentifier"] == source
    assert (described["Engine"], described["EngineVersion"], described["StorageEncrypted"]) == (
        "postgres",
        "17.4",
        True,
    )
    assert (
        "MasterUserSecret" not in described
        and described["DbiResourceId"]
        != rds.describe_db_instances(DBInstanceIdentifier=source)["DBInstances"][0]["DbiResourceId"]
    )
    [primary] = rds.describe_db_instances(DBInstanceIdentifier=source)["DBInstances"]
    assert primary["ReadReplicaDBInstanceIdentifiers"] == [replica]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert rds.describe_db_instances()["DBInstances"] == []


def test_deletion_protection_fails_the_stack_deletion_as_in_aws(cloud: Cloud) -> None:
    protected = {
        "Type": "AWS::RDS::DBInstance",
        "Properties": {
            "DBInstanceClass": "db.t4g.micro",
            "Engine": "postgres",
            "EngineVersion": "17.4",
            "MasterUsername": "postgres",
            "ManageMasterUserPassword": True,
            "DeletionProtection": True,
        },
    }
    cloud.deploy({"Instance": protected})

    assert cloud.delete() == "DELETE_FAILED"
    assert "Cannot delete protected DB Instance" in cloud.events()["stack"][1]
    [db] = cloud.client("rds").describe_db_instances()["DBInstances"]
    assert db["DeletionProtection"] is True


def test_a_subnet_group_in_one_zone_is_refused_as_rds_does(cloud: Cloud) -> None:
    one_zone = with_properties(SUBNET_GROUP, SubnetIds=[{"Ref": "SubnetA"}])
    assert cloud.deploy(two_zone_network(SubnetGroup=one_zone))["StackStatus"] == "CREATE_FAILED"
    assert "Add subnets to cover at least 2 AZs" in cloud.events()["SubnetGroup"][1]


def test_a_managed_password_and_a_password_of_ones_own_are_refused_together(cloud: Cloud) -> None:
    both = with_properties(POSTGRES, MasterUserPassword="not-with-a-managed-one")
    assert cloud.deploy(database(Instance=both))["StackStatus"] == "CREATE_FAILED"
    assert "can't specify MasterUserPassword when ManageMasterUserPassword" in cloud.events()["Instance"][1]
