"""Lambda functions with the properties moto drops, layer versions, and SQS event source
mappings that run no function."""

from __future__ import annotations

from typing import Any

from emulator.notes import EMULATED
from tests.emulator.conftest import Cloud, zip_of


def test_a_function_keeps_the_properties_moto_drops(cloud: Cloud) -> None:
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="code", Key="fn.zip", Body=zip_of({"app.py": b"def handler(e, c): return e"}))
    powertools = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:7"
    cloud.deploy(
        {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
            },
            "Function": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {"S3Bucket": "code", "S3Key": "fn.zip"},
                    "Handler": "app.handler",
                    "Runtime": "python3.13",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Architectures": ["arm64"],
                    "TracingConfig": {"Mode": "Active"},
                    "Layers": [powertools],
                    "Tags": [{"Key": "Stage", "Value": "sandbox"}],
                },
            },
        }
    )
    awslambda = cloud.client("lambda")
    config = awslambda.get_function_configuration(FunctionName=cloud.physical_id("Function"))
    assert (config["Architectures"], config["TracingConfig"]) == (["arm64"], {"Mode": "Active"})
    assert config["Layers"] == [{"Arn": powertools, "CodeSize": 0}]
    assert awslambda.list_tags(Resource=config["FunctionArn"])["Tags"] == {"Stage": "sandbox"}


def test_a_layer_version_is_referenced_by_its_arn_and_deleted_with_the_stack(cloud: Cloud) -> None:
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="code", Key="layer.zip", Body=zip_of({"python/shared.py": b"VALUE = 1"}))
    stack = cloud.deploy(
        {
            "Layer": {
                "Type": "AWS::Lambda::LayerVersion",
                "Properties": {
                    "Content": {"S3Bucket": "code", "S3Key": "layer.zip"},
                    "CompatibleRuntimes": ["python3.13"],
                },
            }
        },
        outputs={"Arn": {"Value": {"Ref": "Layer"}}},
    )
    awslambda = cloud.client("lambda")
    [layer] = awslambda.list_layers()["Layers"]
    assert cloud.outputs(stack) == {"Arn": layer["LatestMatchingVersion"]["LayerVersionArn"]}

    assert cloud.delete() == "DELETE_COMPLETE"
    assert awslambda.list_layer_versions(LayerName=layer["LayerName"])["LayerVersions"] == []


WORKER: dict[str, Any] = {
    "Role": {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
    },
    "Handler": {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Code": {"ZipFile": "def handler(event, context):\n    return {'batchItemFailures': []}\n"},
            "Handler": "index.handler",
            "Runtime": "python3.13",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        },
    },
    "Dlq": {"Type": "AWS::SQS::Queue"},
    "Work": {
        "Type": "AWS::SQS::Queue",
        "Properties": {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}, "maxReceiveCount": 3}},
    },
    # As CDK's SqsEventSource synthesizes it.
    "Mapping": {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {
            "BatchSize": 5,
            "EventSourceArn": {"Fn::GetAtt": ["Work", "Arn"]},
            "FunctionName": {"Ref": "Handler"},
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "MaximumBatchingWindowInSeconds": 10,
            "ScalingConfig": {"MaximumConcurrency": 2},
        },
    },
}


def test_an_sqs_event_source_mapping_reads_back_and_runs_no_function(cloud: Cloud) -> None:
    stack = cloud.deploy(
        WORKER,
        outputs={
            "Id": {"Value": {"Ref": "Mapping"}},
            "Arn": {"Value": {"Fn::GetAtt": ["Mapping", "EventSourceMappingArn"]}},
        },
    )
    awslambda, sqs = cloud.client("lambda"), cloud.client("sqs")
    work = cloud.physical_id("Work")
    queue_arn = sqs.get_queue_attributes(QueueUrl=work, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    [mapping] = awslambda.list_event_source_mappings(EventSourceArn=queue_arn)["EventSourceMappings"]
    assert cloud.outputs(stack) == {"Id": mapping["UUID"], "Arn": mapping["EventSourceMappingArn"]}
    assert (mapping["BatchSize"], mapping["MaximumBatchingWindowInSeconds"]) == (5, 10)
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["State"] == "Enabled" and mapping["FunctionArn"].endswith(
        f":function:{cloud.physical_id('Handler')}"
    )
    status, reason = cloud.events()["Mapping"]
    assert status == "CREATE_COMPLETE" and reason.startswith(EMULATED) and "no function runs" in reason

    # moto would invoke the function (in Docker) on every message; here they stay queued,
    # unreceived: more sends than the redrive policy's maxReceiveCount move nothing.
    for number in range(5):
        sqs.send_message(QueueUrl=work, MessageBody=f"message {number}")
    messages = sqs.receive_message(QueueUrl=work, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert sorted(m["Body"] for m in messages) == [f"message {n}" for n in range(5)]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in messages} == {"1"}
    assert sqs.receive_message(QueueUrl=cloud.physical_id("Dlq")).get("Messages") is None

    assert cloud.delete() == "DELETE_COMPLETE"
    assert awslambda.list_event_source_mappings()["EventSourceMappings"] == []
