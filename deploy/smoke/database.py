"""Smoke checks of the ``database`` pattern (see ``deploy/smoke/__init__.py``).

On both targets, read back through the RDS, EC2, Secrets Manager and ElastiCache APIs
and compared with the template: Multi-AZ, backup retention, storage encryption under
the pattern's key, IAM authentication and deletion protection; TLS forced by the
parameter group; the subnet group in isolated subnets only; the RDS-managed master
secret present; the security group open on the database port to security groups only.
The cache in front has its own checks (``cache.py``).
"""

from __future__ import annotations

from typing import Any

from deploy.smoke import SmokeContext

INSTANCE = "AWS::RDS::DBInstance"
#: The parameter that refuses connections without TLS, by engine family.
TLS_PARAMETERS = {"postgres": ("rds.force_ssl", "1"), "mysql": ("require_secure_transport", "1")}


def _primary(ctx: SmokeContext) -> tuple[dict[str, Any], dict[str, Any]]:
    """The primary instance as declared and as described (replicas have a source)."""
    resources = ctx.template["Resources"]
    (logical_id,) = [
        key for key in ctx.tagged(INSTANCE) if "SourceDBInstanceIdentifier" not in resources[key]["Properties"]
    ]
    identifier = ctx.physical_id(logical_id)
    (described,) = ctx.client("rds").describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"]
    return dict(resources[logical_id]["Properties"]), described


def check_instance_settings_match_the_template(ctx: SmokeContext) -> None:
    declared, instance = _primary(ctx)
    assert instance["MultiAZ"] is bool(declared.get("MultiAZ", False)), instance["MultiAZ"]
    assert instance["BackupRetentionPeriod"] == int(declared["BackupRetentionPeriod"]), instance
    assert instance["DeletionProtection"] is bool(declared.get("DeletionProtection", False)), instance
    assert instance["IAMDatabaseAuthenticationEnabled"] is True, "IAM database authentication is off"
    assert instance["CopyTagsToSnapshot"] is True, "snapshots do not get the instance's tags"
    assert instance["StorageType"] == "gp3", instance["StorageType"]
    assert instance.get("MaxAllocatedStorage", 0) > instance["AllocatedStorage"], "no storage autoscaling"
    assert instance["PubliclyAccessible"] is False, "the instance is publicly accessible"


def check_storage_is_encrypted_with_the_patterns_key(ctx: SmokeContext) -> None:
    _, instance = _primary(ctx)
    assert instance["StorageEncrypted"] is True, "storage is not encrypted"
    key = ctx.client("kms").describe_key(KeyId=instance["KmsKeyId"])["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER", f"storage is encrypted under an AWS-managed key: {key['Arn']}"
    rotation = ctx.client("kms").get_key_rotation_status(KeyId=key["KeyId"])
    assert rotation["KeyRotationEnabled"] is True, f"key {key['KeyId']} does not rotate"


def check_parameter_group_forces_tls(ctx: SmokeContext) -> None:
    _, instance = _primary(ctx)
    (group,) = instance["DBParameterGroups"]
    family = "postgres" if instance["Engine"].startswith("postgres") else "mysql"
    name, value = TLS_PARAMETERS[family]
    rds = ctx.client("rds")
    pages = rds.get_paginator("describe_db_parameters").paginate(
        DBParameterGroupName=group["DBParameterGroupName"], Source="user"
    )
    values = {p["ParameterName"]: p.get("ParameterValue") for page in pages for p in page["Parameters"]}
    assert values.get(name) in (value, "ON"), f"{name} is {values.get(name)!r} in {group['DBParameterGroupName']}"


def check_subnet_group_is_in_isolated_subnets(ctx: SmokeContext) -> None:
    _, instance = _primary(ctx)
    subnet_ids = [subnet["SubnetIdentifier"] for subnet in instance["DBSubnetGroup"]["Subnets"]]
    assert len(subnet_ids) >= 2, f"a DB subnet group needs two AZs: {subnet_ids}"
    ec2 = ctx.client("ec2")
    for subnet in ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]:
        tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}])
        routes = [route for table in tables["RouteTables"] for route in table["Routes"]]
        out = [r for r in routes if r.get("DestinationCidrBlock") == "0.0.0.0/0" or r.get("DestinationIpv6CidrBlock")]
        assert out == [], f"subnet {subnet['SubnetId']} of the database has a route out: {out}"


def check_master_secret_is_managed_by_rds(ctx: SmokeContext) -> None:
    _, instance = _primary(ctx)
    secret = instance.get("MasterUserSecret")
    assert secret and secret.get("SecretArn"), f"no RDS-managed master secret: {instance.get('MasterUserSecret')}"
    described = ctx.client("secretsmanager").describe_secret(SecretId=secret["SecretArn"])
    assert described["ARN"] == secret["SecretArn"], described


def check_security_group_admits_security_groups_only(ctx: SmokeContext) -> None:
    _, instance = _primary(ctx)
    group_ids = [group["VpcSecurityGroupId"] for group in instance["VpcSecurityGroups"]]
    port = int(instance["Endpoint"]["Port"])
    for group in ctx.client("ec2").describe_security_groups(GroupIds=group_ids)["SecurityGroups"]:
        for rule in group["IpPermissions"]:
            assert not rule.get("IpRanges") and not rule.get("Ipv6Ranges"), f"{group['GroupId']} admits CIDRs: {rule}"
            assert (rule.get("FromPort"), rule.get("ToPort")) == (port, port), f"{group['GroupId']}: {rule}"
            assert rule.get("UserIdGroupPairs"), f"{group['GroupId']} has a rule with no source group: {rule}"
