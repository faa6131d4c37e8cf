"""KMS keys as CloudFormation creates and deletes them."""

from __future__ import annotations

import json
from typing import Any

from moto.kms.models import kms_backends

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import overrides


@overrides("AWS::KMS::Key")
class KmsKey(SandboxModel):
    """moto's own ``AWS::KMS::Key`` model passes CloudFormation's tags (Key/Value) to
    KMS, which expects TagKey/TagValue, and fails; it also drops the key spec and usage."""

    TYPE = "AWS::KMS::Key"
    ATTRIBUTES = ("Arn", "KeyId")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> KmsKey:
        p = properties
        policy = p.get("KeyPolicy")
        backend = kms_backends[account_id][region_name]
        key = backend.create_key(
            policy=policy if isinstance(policy, str) or policy is None else json.dumps(policy),
            key_usage=p.get("KeyUsage", "ENCRYPT_DECRYPT"),
            key_spec=p.get("KeySpec", "SYMMETRIC_DEFAULT"),
            description=p.get("Description", ""),
            tags=[{"TagKey": tag["Key"], "TagValue": str(tag["Value"])} for tag in as_list(p.get("Tags"))],
            multi_region=as_bool(p.get("MultiRegion")),
        )
        key.key_rotation_status = as_bool(p.get("EnableKeyRotation"))
        key.enabled = as_bool(p.get("Enabled"), default=True)
        return cls(key.id, account_id, region_name, properties, {"Arn": key.arn, "KeyId": key.id})

    def remove(self) -> None:
        # CloudFormation schedules the key's deletion; it is not gone at once.
        backend = kms_backends[self.account_id][self.region_name]
        if self.physical_resource_id in backend.keys:
            backend.schedule_key_deletion(
                self.physical_resource_id, int(self.properties.get("PendingWindowInDays", 30))
            )
