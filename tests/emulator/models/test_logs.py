"""CloudWatch Logs metric filters, and log deliveries (CloudFront standard logging v2)."""

from __future__ import annotations

from typing import Any

from tests.emulator.conftest import Cloud
from tests.emulator.templates import OAC, distribution

DISTRIBUTION_ARN = {"Fn::Sub": "arn:aws:cloudfront::${AWS::AccountId}:distribution/${Distribution}"}


def access_logs(log_type: str = "ACCESS_LOGS") -> dict[str, Any]:
    """A distribution whose access logs go to a bucket, as CDK's L1s for standard logging v2 build it."""
    return {
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "Oac": OAC,
        "Distribution": distribution(),
        "LogBucket": {"Type": "AWS::S3::Bucket"},
        "Source": {
            "Type": "AWS::Logs::DeliverySource",
            "Properties": {
                "Name": "site-access-logs",
                "LogType": log_type,
                "ResourceArn": DISTRIBUTION_ARN,
                "Tags": [{"Key": "Stage", "Value": "sandbox"}],
            },
        },
        "Destination": {
            "Type": "AWS::Logs::DeliveryDestination",
            "Properties": {
                "Name": "site-logs-bucket",
                "DestinationResourceArn": {"Fn::GetAtt": ["LogBucket", "Arn"]},
                "OutputFormat": "parquet",
            },
        },
        "Delivery": {
            "Type": "AWS::Logs::Delivery",
            "Properties": {
                "DeliverySourceName": {"Ref": "Source"},
                "DeliveryDestinationArn": {"Fn::GetAtt": ["Destination", "Arn"]},
                "S3SuffixPath": "cloudfront/{DistributionId}/{yyyy}/{MM}/{dd}",
                "S3EnableHiveCompatiblePath": False,
            },
        },
    }


def test_a_metric_filter_is_created_on_its_log_group(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/app"}},
            "Filter": {
                "Type": "AWS::Logs::MetricFilter",
                "Properties": {
                    "LogGroupName": {"Ref": "Logs"},
                    "FilterPattern": "ERROR",
                    "MetricTransformations": [{"MetricName": "errors", "MetricNamespace": "App", "MetricValue": "1"}],
                },
            },
        }
    )
    [metric_filter] = cloud.client("logs").describe_metric_filters(logGroupName="/app")["metricFilters"]
    assert metric_filter["metricTransformations"][0]["metricName"] == "errors"

    assert cloud.delete() == "DELETE_COMPLETE"


def test_a_distributions_access_logs_are_delivered_to_a_bucket(cloud: Cloud) -> None:
    stack = cloud.deploy(
        access_logs(),
        outputs={
            "DeliveryId": {"Value": {"Ref": "Delivery"}},
            "DeliveryType": {"Value": {"Fn::GetAtt": ["Delivery", "DeliveryDestinationType"]}},
            "Service": {"Value": {"Fn::GetAtt": ["Source", "Service"]}},
        },
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    logs = cloud.client("logs")
    distribution_arn = f"arn:aws:cloudfront::123456789012:distribution/{cloud.physical_id('Distribution')}"
    source = logs.get_delivery_source(name=cloud.physical_id("Source"))["deliverySource"]
    assert (source["name"], source["logType"], source["resourceArns"]) == (
        "site-access-logs",
        "ACCESS_LOGS",
        [distribution_arn],
    )
    assert source["tags"] == {"Stage": "sandbox"}
    destination = logs.get_delivery_destination(name="site-logs-bucket")["deliveryDestination"]
    assert (destination["deliveryDestinationType"], destination["outputFormat"]) == ("S3", "parquet")
    bucket_arn = f"arn:aws:s3:::{cloud.physical_id('LogBucket')}"
    assert destination["deliveryDestinationConfiguration"] == {"destinationResourceArn": bucket_arn}
    [delivery] = logs.describe_deliveries()["deliveries"]
    assert delivery["id"] == cloud.physical_id("Delivery")
    assert (delivery["deliverySourceName"], delivery["deliveryDestinationArn"]) == (
        "site-access-logs",
        destination["arn"],
    )
    assert delivery["s3DeliveryConfiguration"]["suffixPath"] == "cloudfront/{DistributionId}/{yyyy}/{MM}/{dd}"
    assert cloud.outputs(stack) == {"DeliveryId": delivery["id"], "DeliveryType": "S3", "Service": "cloudfront"}
    # Created in moto's Logs backend, not emulated: no note on the stack events.
    assert {cloud.events()[name] for name in ("Source", "Destination", "Delivery")} == {("CREATE_COMPLETE", "")}

    assert cloud.delete() == "DELETE_COMPLETE"
    assert logs.describe_deliveries()["deliveries"] == []
    assert logs.describe_delivery_sources()["deliverySources"] == []
    assert logs.describe_delivery_destinations()["deliveryDestinations"] == []


def test_a_log_type_the_source_does_not_have_fails_the_stack(cloud: Cloud) -> None:
    stack = cloud.deploy(access_logs(log_type="APPLICATION_LOGS"))
    assert stack["StackStatus"] == "CREATE_FAILED"
    status, reason = cloud.events()["Source"]
    assert status == "CREATE_FAILED" and "not allowed for this LogSource" in reason
