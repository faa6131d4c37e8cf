"""DynamoDB global tables, as a table in the stack's region."""

from __future__ import annotations

from tests.emulator.conftest import Cloud


def test_global_table_is_created_with_its_replica_settings(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {
            "Table": {
                "Type": "AWS::DynamoDB::GlobalTable",
                "Properties": {
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST",
                    "Replicas": [
                        {
                            "Region": {"Ref": "AWS::Region"},
                            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                            "DeletionProtectionEnabled": False,
                            "Tags": [{"Key": "Stage", "Value": "sandbox"}],
                        }
                    ],
                },
            },
        },
        outputs={"Arn": {"Value": {"Fn::GetAtt": ["Table", "Arn"]}}},
    )
    dynamodb, table = cloud.client("dynamodb"), cloud.physical_id("Table")
    description = dynamodb.describe_table(TableName=table)["Table"]
    assert cloud.outputs(stack) == {"Arn": description["TableArn"]}
    assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    backups = dynamodb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert dynamodb.list_tags_of_resource(ResourceArn=description["TableArn"])["Tags"] == [
        {"Key": "Stage", "Value": "sandbox"}
    ]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert dynamodb.list_tables()["TableNames"] == []


def test_replicas_in_other_regions_are_named_in_the_note(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Table": {
                "Type": "AWS::DynamoDB::GlobalTable",
                "Properties": {
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "Replicas": [{"Region": "us-east-1"}, {"Region": "eu-west-1"}],
                },
            },
        }
    )
    assert cloud.events()["Table"][1] == "emulated: the replica in us-east-1; not created in eu-west-1"
