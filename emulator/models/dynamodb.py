"""DynamoDB global tables (CDK's ``TableV2``), as moto tables in the stack's region."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.dynamodb.exceptions import ResourceNotFoundException
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import registered
from emulator.notes import EMULATED


def _backend(account_id: str, region_name: str) -> DynamoDBBackend:
    return dynamodb_backends[account_id][region_name]


@registered
class GlobalTable(SandboxModel, CloudFormationModel):
    """One table per replica in AWS; here the replica of the stack's own region.

    Replicas in other regions are not created (the note says which), since one moto
    server stands for one account and a stack deploys into one region.
    """

    TYPE = "AWS::DynamoDB::GlobalTable"
    NAME_PROPERTY = "TableName"
    ATTRIBUTES = ("Arn", "StreamArn", "TableId")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> GlobalTable:
        p = properties
        replicas = as_list(p.get("Replicas"))
        local = next((r for r in replicas if r.get("Region") in (None, region_name)), {})
        others = sorted(str(r["Region"]) for r in replicas if r.get("Region") not in (None, region_name))
        billing = "PAY_PER_REQUEST" if p.get("BillingMode", "PAY_PER_REQUEST") == "PAY_PER_REQUEST" else "PROVISIONED"
        backend = _backend(account_id, region_name)
        table = backend.create_table(
            name=name,
            schema=p["KeySchema"],
            throughput=cls._throughput(p) if billing == "PROVISIONED" else None,
            attr=p["AttributeDefinitions"],
            global_indexes=[cls._index(index, p) for index in as_list(p.get("GlobalSecondaryIndexes"))],
            indexes=as_list(p.get("LocalSecondaryIndexes")),
            streams=p.get("StreamSpecification"),
            billing_mode=billing,
            sse_specification=p.get("SSESpecification"),
            tags=as_list(local.get("Tags")),
            deletion_protection_enabled=as_bool(local.get("DeletionProtectionEnabled")),
            warm_throughput=p.get("WarmThroughput"),
        )
        pitr = local.get("PointInTimeRecoverySpecification") or {}
        if as_bool(pitr.get("PointInTimeRecoveryEnabled")):
            backend.update_continuous_backups(name, {"PointInTimeRecoveryEnabled": True})
        ttl = p.get("TimeToLiveSpecification")
        if ttl:
            backend.update_time_to_live(
                name, {"Enabled": as_bool(ttl.get("Enabled")), "AttributeName": ttl.get("AttributeName")}
            )
        description = table.describe()["TableDescription"]
        attributes = {
            "Arn": table.table_arn,
            "StreamArn": description.get("LatestStreamArn"),
            "TableId": description.get("TableId", table.table_arn.rsplit("/", 1)[-1]),
        }
        note = f"{EMULATED}the replica in {region_name}; not created in {', '.join(others)}" if others else None
        return cls(name, account_id, region_name, properties, attributes, note)

    @staticmethod
    def _throughput(p: dict[str, Any]) -> dict[str, int]:
        write = (p.get("WriteProvisionedThroughputSettings") or {}).get("WriteCapacityAutoScalingSettings") or {}
        return {
            "ReadCapacityUnits": int(write.get("MinCapacity", 5)),
            "WriteCapacityUnits": int(write.get("MinCapacity", 5)),
        }

    @staticmethod
    def _index(index: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
        # Global tables set index capacity per replica; moto's indexes only need a shape.
        return {key: value for key, value in index.items() if key in ("IndexName", "KeySchema", "Projection")}

    def remove(self) -> None:
        try:
            _backend(self.account_id, self.region_name).delete_table(self.physical_resource_id)
        except ResourceNotFoundException:
            pass
