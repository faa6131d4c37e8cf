"""RDS: DB instances, their parameter groups and subnet groups, as CloudFormation creates them.

moto 5.2.5's models get CDK's ``DatabaseInstance`` wrong:

- parameter group: no physical ID, so a ``Ref`` to it gives a Python object and the
  instance that names it fails;
- subnet group: kept under the generated name as given while its model lowercases it,
  so the stack's deletion fails to find it;
- instance: reads its subnet and parameter groups as objects, not names, and fails; drops
  IAM authentication, Performance Insights, monitoring, log exports, deletion protection,
  the managed master password, the storage throughput and more; every instance has the
  same ``DbiResourceId``; no ``DbiResourceId`` or ``MasterUserSecret.SecretArn`` for
  ``Fn::GetAtt``; a read replica is a copy of its source (its secret, its deletion
  protection), so deleting the replica deletes the source's secret.

These create each resource through moto's RDS backend with everything the template
gives, so that ``DescribeDBInstances``, ``DescribeDBParameters`` and
``DescribeDBSubnetGroups`` read it back, and delete it as RDS does: an instance whose
deletion protection is on, or a group an instance still uses, fails the deletion.
With ``ManageMasterUserPassword``, RDS creates the master user's secret in Secrets
Manager (``rds!db-...``, holding the master username) and deletes it with the instance.
"""

from __future__ import annotations

import json
import random
import re
import string
from typing import Any

from moto.ec2.models import ec2_backends
from moto.kms.models import kms_backends
from moto.rds.exceptions import (
    DBInstanceNotFoundError,
    DBParameterGroupNotFoundError,
    DBSubnetGroupNotFoundError,
    InvalidParameterCombination,
    RDSClientError,
)
from moto.rds.models import DBInstance as MotoDBInstance
from moto.rds.models import RDSBackend, rds_backends

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import overrides

#: RDS's license model per engine, where moto gives every engine MySQL's.
_LICENSES = {"postgres": "postgresql-license", "mysql": "general-public-license", "mariadb": "general-public-license"}


def rds_backend(account_id: str, region_name: str) -> RDSBackend:
    return rds_backends[account_id][region_name]


def generated_identifier(name: str, limit: int) -> str:
    """A name moto generated for a resource (``stack-LogicalId-SUFFIX``) as CloudFormation
    makes them for RDS and ElastiCache: lower case, letters, digits and single hyphens,
    at most ``limit`` characters, the unique suffix kept."""
    name = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", name.lower())).strip("-")
    if len(name) > limit:
        head, _, suffix = name.rpartition("-")
        name = f"{head[: limit - len(suffix) - 1].rstrip('-')}-{suffix}"
    return name


def key_arn(account_id: str, region_name: str, key: str) -> str:
    """The ARN RDS reports for a KMS key given by ID, alias or ARN (an unknown key fails,
    as in RDS)."""
    return str(kms_backends[account_id][region_name].describe_key(key).arn)


def _int(value: Any, default: int | None = None) -> int | None:
    return default if value is None else int(value)


def _lower(value: Any) -> str | None:
    return None if value is None else str(value).lower()


@overrides("AWS::RDS::DBSubnetGroup")
class DBSubnetGroup(SandboxModel):
    TYPE = "AWS::RDS::DBSubnetGroup"
    NAME_PROPERTY = "DBSubnetGroupName"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> DBSubnetGroup:
        p = properties
        # RDS keeps subnet group names in lower case.
        group_name = _lower(p.get("DBSubnetGroupName")) or generated_identifier(name, 255)
        ec2 = ec2_backends[account_id][region_name]
        subnets = [ec2.get_subnet(subnet_id) for subnet_id in as_list(p["SubnetIds"])]
        zones = sorted({subnet.availability_zone for subnet in subnets})
        if len(zones) < 2:
            raise RDSClientError(
                "DBSubnetGroupDoesNotCoverEnoughAZs",
                "The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. "
                f"Current AZ coverage: {', '.join(zones)}. Add subnets to cover at least 2 AZs.",
            )
        rds_backend(account_id, region_name).create_subnet_group(
            group_name, str(p["DBSubnetGroupDescription"]), subnets, as_list(p.get("Tags"))
        )
        return cls(group_name, account_id, region_name, properties)

    def remove(self) -> None:
        backend = rds_backend(self.account_id, self.region_name)
        name = self.physical_resource_id
        users = [i.db_instance_identifier for i in backend.databases.values() if i._db_subnet_group_name == name]
        if users:
            # moto retries the deletion once the stack's instances are gone.
            raise RDSClientError(
                "InvalidDBSubnetGroupStateFault",
                f"Cannot delete the subnet group '{name}' because at least one database instance: "
                f"{users[0]} is still using it.",
            )
        try:
            backend.delete_subnet_group(name)
        except DBSubnetGroupNotFoundError:
            pass


@overrides("AWS::RDS::DBParameterGroup")
class DBParameterGroup(SandboxModel):
    TYPE = "AWS::RDS::DBParameterGroup"
    NAME_PROPERTY = "DBParameterGroupName"
    ATTRIBUTES = ("DBParameterGroupName",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> DBParameterGroup:
        p = properties
        group_name = _lower(p.get("DBParameterGroupName")) or generated_identifier(name, 255)
        group = rds_backend(account_id, region_name).create_db_parameter_group(
            {
                "db_parameter_group_name": group_name,
                "description": p.get("Description"),
                "db_parameter_group_family": p.get("Family"),
                "tags": as_list(p.get("Tags")),
            }
        )
        group.update_parameters(
            {"ParameterName": key, "ParameterValue": str(value), "Source": "user"}
            for key, value in (p.get("Parameters") or {}).items()
        )
        return cls(group_name, account_id, region_name, properties, {"DBParameterGroupName": group_name})

    def remove(self) -> None:
        backend = rds_backend(self.account_id, self.region_name)
        name = self.physical_resource_id
        if any(i.db_parameter_group_name == name for i in backend.databases.values()):
            raise RDSClientError(
                "InvalidDBParameterGroupState",
                f"One or more database instances are still members of this parameter group {name}, "
                "so the group cannot be deleted",
            )
        try:
            backend.delete_db_parameter_group(name)
        except DBParameterGroupNotFoundError:
            pass


@overrides("AWS::RDS::DBInstance")
class DBInstance(SandboxModel):
    TYPE = "AWS::RDS::DBInstance"
    NAME_PROPERTY = "DBInstanceIdentifier"
    ATTRIBUTES = ("DBInstanceArn", "DbiResourceId", "Endpoint.Address", "Endpoint.Port", "MasterUserSecret.SecretArn")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> DBInstance:
        p = properties
        identifier = _lower(p.get("DBInstanceIdentifier")) or generated_identifier(name, 63)
        backend = rds_backend(account_id, region_name)
        kwargs = _instance_settings(identifier, p, account_id, region_name)
        source = p.get("SourceDBInstanceIdentifier")
        database = _create_replica(backend, kwargs, p, str(source)) if source else backend.create_db_instance(kwargs)
        # RDS gives each instance its own resource ID (moto gives all the same one).
        database.dbi_resource_id = "db-" + "".join(random.choices(string.ascii_uppercase + string.digits, k=26))
        database.performance_insights_enabled = as_bool(p.get("EnablePerformanceInsights"))
        if database.performance_insights_enabled:
            database.performance_insights_kms_key_id = key_arn(
                account_id, region_name, str(p.get("PerformanceInsightsKMSKeyId") or "alias/aws/rds")
            )
            database.performance_insights_retention_period = _int(p.get("PerformanceInsightsRetentionPeriod"), 7)
        attributes: dict[str, Any] = {
            "DBInstanceArn": database.db_instance_arn,
            "DbiResourceId": database.dbi_resource_id,
            "Endpoint.Address": database.address,
            # CloudFormation gives the port as a string.
            "Endpoint.Port": str(database.port),
        }
        if database.manage_master_user_password:
            secret = database.master_user_secret.secret
            _set_secret_string(secret, database.master_username)
            # CloudFormation returns once the instance is available, its secret active.
            database.master_user_secret._status = "active"
            attributes["MasterUserSecret.SecretArn"] = secret.arn
        return cls(identifier, account_id, region_name, properties, attributes)

    def remove(self) -> None:
        try:
            # Fails while deletion protection is on, as in RDS; the managed secret goes too.
            rds_backend(self.account_id, self.region_name).delete_db_instance(self.physical_resource_id)
        except DBInstanceNotFoundError:
            pass


def _instance_settings(identifier: str, p: dict[str, Any], account_id: str, region_name: str) -> dict[str, Any]:
    """The instance's settings as moto's RDS backend takes them (CreateDBInstance's, snake-cased)."""
    engine = _lower(p.get("Engine"))
    encrypted = as_bool(p.get("StorageEncrypted"))
    key = p.get("KmsKeyId") or ("alias/aws/rds" if encrypted else None)
    if as_bool(p.get("ManageMasterUserPassword")) and p.get("MasterUserPassword") is not None:
        raise InvalidParameterCombination(
            "You can't specify MasterUserPassword when ManageMasterUserPassword is turned on."
        )
    return {
        "db_instance_identifier": identifier,
        "db_instance_class": p.get("DBInstanceClass"),
        "engine": engine,
        "engine_version": None if p.get("EngineVersion") is None else str(p["EngineVersion"]),
        "port": _int(p.get("Port")),
        "allocated_storage": _int(p.get("AllocatedStorage")),
        "max_allocated_storage": _int(p.get("MaxAllocatedStorage")),
        "iops": _int(p.get("Iops")),
        "storage_throughput": _int(p.get("StorageThroughput")),
        "storage_type": p.get("StorageType"),
        "storage_encrypted": encrypted,
        "kms_key_id": key_arn(account_id, region_name, str(key)) if key else None,
        "backup_retention_period": _int(p.get("BackupRetentionPeriod"), 1),
        "preferred_backup_window": p.get("PreferredBackupWindow", "13:14-13:44"),
        "preferred_maintenance_window": str(p.get("PreferredMaintenanceWindow", "wed:06:38-wed:07:08")).lower(),
        "auto_minor_version_upgrade": as_bool(p.get("AutoMinorVersionUpgrade"), default=True),
        "copy_tags_to_snapshot": as_bool(p.get("CopyTagsToSnapshot")),
        "deletion_protection": as_bool(p.get("DeletionProtection")),
        "multi_az": as_bool(p.get("MultiAZ")),
        "availability_zone": p.get("AvailabilityZone"),
        "publicly_accessible": as_bool(p.get("PubliclyAccessible")),
        "db_name": p.get("DBName"),
        "db_subnet_group_name": _lower(p.get("DBSubnetGroupName")),
        "db_parameter_group_name": _lower(p.get("DBParameterGroupName")),
        "option_group_name": p.get("OptionGroupName"),
        "vpc_security_group_ids": [str(group) for group in as_list(p.get("VPCSecurityGroups"))],
        "master_username": p.get("MasterUsername"),
        "master_user_password": p.get("MasterUserPassword"),
        "manage_master_user_password": as_bool(p.get("ManageMasterUserPassword")),
        "master_user_secret_kms_key_id": (p.get("MasterUserSecret") or {}).get("KmsKeyId"),
        "enable_iam_database_authentication": as_bool(p.get("EnableIAMDatabaseAuthentication")),
        "enable_cloudwatch_logs_exports": [str(log) for log in as_list(p.get("EnableCloudwatchLogsExports"))],
        "monitoring_interval": _int(p.get("MonitoringInterval"), 0),
        "monitoring_role_arn": p.get("MonitoringRoleArn"),
        "ca_certificate_identifier": p.get("CACertificateIdentifier", "rds-ca-rsa2048-g1"),
        "license_model": p.get("LicenseModel") or _LICENSES.get(engine or "", "general-public-license"),
        "character_set_name": p.get("CharacterSetName"),
        "tags": as_list(p.get("Tags")),
    }


#: What a read replica takes from its source unless the template sets it: setting -> property.
_INHERITED = {
    "engine": "Engine",
    "engine_version": "EngineVersion",
    "master_username": "MasterUsername",
    "allocated_storage": "AllocatedStorage",
    "storage_type": "StorageType",
    "storage_encrypted": "StorageEncrypted",
    "kms_key_id": "KmsKeyId",
    "port": "Port",
    "db_name": "DBName",
}


def _create_replica(
    backend: RDSBackend, settings: dict[str, Any], properties: dict[str, Any], source_id: str
) -> MotoDBInstance:
    """A read replica of ``source_id`` (identifier or ARN): the source's engine, storage and
    encryption unless the template sets them, its own settings otherwise (no managed
    secret, its own deletion protection, no automated backups unless asked for)."""
    source = backend.find_db_from_id(source_id)
    inherited = {name: getattr(source, name) for name, prop in _INHERITED.items() if prop not in properties}
    backups = {} if "BackupRetentionPeriod" in properties else {"backup_retention_period": 0}
    replica = backend.create_db_instance({**settings, **inherited, **backups, "manage_master_user_password": False})
    replica.is_replica = True
    same_region = source.region == replica.region
    replica.source_db_instance_identifier = source.db_instance_identifier if same_region else source.db_instance_arn
    source.add_replica(replica)
    return replica


def _set_secret_string(secret: Any, username: str | None) -> None:
    """RDS's secret holds the master username (moto writes ``admin`` whatever it is)."""
    value = json.loads(secret.secret_string)
    value["username"] = username
    secret.secret_string = json.dumps(value)
    for version in secret.versions.values():
        version["secret_string"] = secret.secret_string
