"""KMS keys as CloudFormation creates and deletes them."""

from __future__ import annotations

from tests.emulator.conftest import Cloud


def test_a_key_keeps_its_rotation_and_tags_and_is_scheduled_for_deletion(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {
                    "EnableKeyRotation": True,
                    "Tags": [{"Key": "Stage", "Value": "sandbox"}],
                    "KeyPolicy": {"Version": "2012-10-17", "Statement": []},
                },
            },
        }
    )
    kms = cloud.client("kms")
    key = cloud.physical_id("Key")
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    assert kms.list_resource_tags(KeyId=key)["Tags"] == [{"TagKey": "Stage", "TagValue": "sandbox"}]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingDeletion"
