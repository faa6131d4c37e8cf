"""Lambda functions with the properties moto drops, and layer versions."""

from __future__ import annotations

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
