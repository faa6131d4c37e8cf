"""The sandbox adapter, one CloudFormation gap at a time, against in-process moto."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from moto.cloudformation import parsing

from deploy import models
from tests.deploy.conftest import Cloud, zip_of

TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}
OAC = {
    "Type": "AWS::CloudFront::OriginAccessControl",
    "Properties": {
        "OriginAccessControlConfig": {
            "Name": "oac",
            "OriginAccessControlOriginType": "s3",
            "SigningBehavior": "always",
            "SigningProtocol": "sigv4",
        }
    },
}


def distribution(**config: object) -> dict[str, object]:
    return {
        "Type": "AWS::CloudFront::Distribution",
        "Properties": {
            "DistributionConfig": {
                "Enabled": True,
                "DefaultRootObject": "index.html",
                "HttpVersion": "http2and3",
                "IPV6Enabled": True,
                "Origins": [
                    {
                        "Id": "origin",
                        "DomainName": {"Fn::GetAtt": ["Bucket", "RegionalDomainName"]},
                        "OriginAccessControlId": {"Fn::GetAtt": ["Oac", "Id"]},
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
                "DefaultCacheBehavior": {
                    "TargetOriginId": "origin",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "AllowedMethods": ["GET", "HEAD"],
                    "CachedMethods": ["GET", "HEAD"],
                },
                "CustomErrorResponses": [{"ErrorCode": 404, "ResponseCode": 404, "ResponsePagePath": "/404.html"}],
                **config,
            }
        },
    }


def test_install_registers_every_model_in_motos_registry(cloud: Cloud) -> None:
    registry = parsing.get_model_map()
    assert all(registry[model.TYPE] is model for model in models.REGISTERED)
    for resource_type, model in {**models.CUSTOM_RESOURCES, **models.OVERRIDES}.items():
        assert parsing.resource_class_from_type(resource_type) is model


def test_uninstall_gives_moto_its_own_behaviour_back(cloud: Cloud) -> None:
    from deploy import moto_adapter

    moto_adapter.uninstall()
    try:
        assert parsing.resource_class_from_type("AWS::Foo::Bar") is None
    finally:
        moto_adapter.install()


# -- S3 ---------------------------------------------------------------------------------


def test_bucket_configuration_reads_back_as_in_aws(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Logs": {"Type": "AWS::S3::Bucket"},
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                    "LoggingConfiguration": {"DestinationBucketName": {"Ref": "Logs"}, "LogFilePrefix": "s3/"},
                    "LifecycleConfiguration": {
                        "Rules": [
                            {
                                "Id": "old-versions",
                                "Status": "Enabled",
                                "NoncurrentVersionTransitions": [{"StorageClass": "GLACIER", "TransitionInDays": 30}],
                                "NoncurrentVersionExpiration": {"NoncurrentDays": 365},
                                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                            }
                        ]
                    },
                },
            },
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": TLS_ONLY},
            },
        }
    )
    s3, bucket = cloud.client("s3"), cloud.physical_id("Bucket")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}
    ]
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == {
        "TargetBucket": cloud.physical_id("Logs"),
        "TargetPrefix": "s3/",
    }
    [rule] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["NoncurrentVersionTransitions"] == [{"NoncurrentDays": 30, "StorageClass": "GLACIER"}]
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == TLS_ONLY


def test_a_tls_only_policy_does_not_deny_requests_through_the_emulator(cloud: Cloud) -> None:
    # moto would evaluate the unknown Bool condition as met and deny every request, the
    # CDK CLI's asset uploads to the bootstrap bucket included.
    cloud.deploy(
        {
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": TLS_ONLY},
            },
        }
    )
    s3, bucket = cloud.client("s3"), cloud.physical_id("Bucket")
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
    assert s3.get_object(Bucket=bucket, Key="a.txt")["Body"].read() == b"a"


@pytest.mark.parametrize(
    "condition",
    [None, {"Bool": {"aws:SecureTransport": "true"}}, {"NumericLessThan": {"s3:TlsVersion": "1.3"}}],
)
def test_a_deny_that_applies_to_the_request_still_denies(cloud: Cloud, condition: dict[str, object] | None) -> None:
    statement: dict[str, object] = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    cloud.deploy({"Bucket": {"Type": "AWS::S3::Bucket"}})
    s3, bucket = cloud.client("s3"), cloud.physical_id("Bucket")
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    with pytest.raises(ClientError, match="403"):
        s3.get_object(Bucket=bucket, Key="a.txt")


def test_a_non_empty_bucket_fails_the_stack_deletion_and_the_stack_stays(cloud: Cloud) -> None:
    cloud.deploy({"Bucket": {"Type": "AWS::S3::Bucket"}})
    cloud.client("s3").put_object(Bucket=cloud.physical_id("Bucket"), Key="a.txt", Body=b"a")

    assert cloud.delete() == "DELETE_FAILED"
    stack = cloud.client("cloudformation").describe_stacks(StackName="stack")["Stacks"][0]
    assert stack["StackStatus"] == "DELETE_FAILED" and "not empty" in stack.get(
        "StackStatusReason", cloud.events()["stack"][1]
    )


def test_auto_delete_objects_empties_a_versioned_bucket_before_it_is_deleted(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "Tags": [{"Key": "aws-cdk:auto-delete-objects", "Value": "true"}],
                },
            },
            "AutoDelete": {
                "Type": "Custom::S3AutoDeleteObjects",
                "Properties": {
                    "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:x",
                    "BucketName": {"Ref": "Bucket"},
                },
            },
        }
    )
    s3, bucket = cloud.client("s3"), cloud.physical_id("Bucket")
    for body in (b"1", b"2"):
        s3.put_object(Bucket=bucket, Key="page.html", Body=body)
    s3.delete_object(Bucket=bucket, Key="page.html")  # leaves a delete marker and two versions
    assert cloud.events()["AutoDelete"][1].startswith("emulated: empties s3://")

    assert cloud.delete() == "DELETE_COMPLETE"
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


# -- CloudFront -------------------------------------------------------------------------


def test_distribution_and_oac_are_created_through_the_cloudfront_backend(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {"Bucket": {"Type": "AWS::S3::Bucket"}, "Oac": OAC, "Distribution": distribution()},
        outputs={"Url": {"Value": {"Fn::Join": ["", ["https://", {"Fn::GetAtt": ["Distribution", "DomainName"]}]]}}},
    )
    cloudfront = cloud.client("cloudfront")
    found = cloudfront.get_distribution(Id=cloud.physical_id("Distribution"))["Distribution"]
    config = found["DistributionConfig"]
    [origin] = config["Origins"]["Items"]
    assert origin["OriginAccessControlId"] == cloud.physical_id("Oac")
    assert origin["DomainName"] == f"{cloud.physical_id('Bucket')}.s3.us-east-1.amazonaws.com"
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["CustomErrorResponses"]["Items"][0]["ResponsePagePath"] == "/404.html"
    assert (config["HttpVersion"], config["IsIPV6Enabled"]) == ("http2and3", True)
    assert cloud.outputs(stack) == {"Url": f"https://{found['DomainName']}"}
    oac = cloudfront.get_origin_access_control(Id=cloud.physical_id("Oac"))["OriginAccessControl"]
    assert oac["OriginAccessControlConfig"]["SigningBehavior"] == "always"

    assert cloud.delete() == "DELETE_COMPLETE"
    assert cloudfront.list_distributions()["DistributionList"]["Quantity"] == 0
    assert cloudfront.list_origin_access_controls()["OriginAccessControlList"]["Quantity"] == 0


# -- what the emulator cannot create ----------------------------------------------------


def test_a_skipped_type_keeps_the_stack_and_its_outputs_and_says_why(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {
            "Headers": {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {}},
            "Unknown": {"Type": "AWS::Nothing::Here", "Properties": {}},
        },
        outputs={"Arn": {"Value": {"Fn::GetAtt": ["Unknown", "Arn"]}}, "Id": {"Value": {"Ref": "Headers"}}},
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert cloud.outputs(stack) == {"Arn": "skipped-Unknown.Arn", "Id": "skipped-Headers"}
    events = cloud.events()
    assert events["Headers"][1].startswith(
        "skipped: moto 5.2.5's CloudFront backend has no response headers policy API"
    )
    assert events["Unknown"][1] == (
        "skipped: moto 5.2.5 has no CloudFormation support for AWS::Nothing::Here, and the sandbox does not emulate it"
    )


def test_an_unknown_custom_resource_is_skipped_instead_of_waiting_for_docker(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {
            "Custom": {
                "Type": "Custom::Anything",
                "Properties": {"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:x"},
            }
        },
        outputs={"Value": {"Value": {"Fn::GetAtt": ["Custom", "Value"]}}},
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert "cannot run (moto needs Docker" in cloud.events()["Custom"][1]


def test_a_failing_resource_fails_the_stack_with_its_reason_and_no_outputs(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": "no-such-bucket", "PolicyDocument": TLS_ONLY},
            }
        },
        outputs={"Name": {"Value": {"Ref": "Policy"}}},
    )
    assert stack["StackStatus"] == "CREATE_FAILED"
    assert "Outputs" not in stack
    status, reason = cloud.events()["Policy"]
    assert status == "CREATE_FAILED" and "bucket does not exist" in reason
    # Reading the failed stack again must not retry (and fail) the creation.
    assert len(cloud.client("cloudformation").describe_stack_events(StackName="stack")["StackEvents"]) == len(
        cloud.client("cloudformation").describe_stack_events(StackName="stack")["StackEvents"]
    )
    assert cloud.delete() == "DELETE_COMPLETE"


# -- CDK's bucket deployment ------------------------------------------------------------


def test_bucket_deployment_unzips_prunes_and_invalidates(cloud: Cloud) -> None:
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="assets")
    s3.put_object(Bucket="assets", Key="site.zip", Body=zip_of({"index.html": b"<h1>hi</h1>", "css/a.css": b"a{}"}))
    s3.put_object(Bucket="assets", Key="data.zip", Body=zip_of({"config.json": b'{"api": "<<marker:0xbaba:0>>"}'}))
    # The destination holds an earlier deployment: one file to prune, one Exclude protects.
    s3.create_bucket(Bucket="site")
    s3.put_object(Bucket="site", Key="old.html", Body=b"old")
    s3.put_object(Bucket="site", Key="keep/me.txt", Body=b"kept")
    site = distribution()
    site["Properties"]["DistributionConfig"]["Origins"][0]["DomainName"] = "site.s3.us-east-1.amazonaws.com"  # type: ignore[index]
    cloud.deploy(
        {
            "Oac": OAC,
            "Distribution": site,
            "Deployment": {
                "Type": "Custom::CDKBucketDeployment",
                "Properties": {
                    "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:x",
                    "SourceBucketNames": ["assets", "assets"],
                    "SourceObjectKeys": ["site.zip", "data.zip"],
                    "SourceMarkers": [{}, {"<<marker:0xbaba:0>>": "https://api.example.com"}],
                    "DestinationBucketName": "site",
                    "Prune": True,
                    "Exclude": ["keep/*"],
                    "DistributionId": {"Ref": "Distribution"},
                    "DistributionPaths": ["/*"],
                },
            },
        }
    )

    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="site")["Contents"])
    assert keys == ["config.json", "css/a.css", "index.html", "keep/me.txt"]
    page = s3.get_object(Bucket="site", Key="index.html")
    assert page["Body"].read() == b"<h1>hi</h1>" and page["ContentType"] == "text/html"
    assert s3.get_object(Bucket="site", Key="css/a.css")["ContentType"] == "text/css"
    assert s3.get_object(Bucket="site", Key="config.json")["Body"].read() == b'{"api": "https://api.example.com"}'
    distribution_id = cloud.physical_id("Distribution")
    [invalidation] = cloud.client("cloudfront").list_invalidations(DistributionId=distribution_id)["InvalidationList"][
        "Items"
    ]
    assert cloud.events()["Deployment"][1] == (
        f"emulated: copied 3 file(s) into s3://site/, pruned 1, invalidated /* on distribution {distribution_id}"
    )


def test_bucket_deployment_fails_the_stack_when_its_source_is_missing(cloud: Cloud) -> None:
    cloud.client("s3").create_bucket(Bucket="site")
    stack = cloud.deploy(
        {
            "Deployment": {
                "Type": "Custom::CDKBucketDeployment",
                "Properties": {
                    "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:x",
                    "SourceBucketNames": ["site"],
                    "SourceObjectKeys": ["never-published.zip"],
                    "DestinationBucketName": "site",
                },
            }
        }
    )
    assert stack["StackStatus"] == "CREATE_FAILED"
    assert "never-published.zip" in cloud.events()["Deployment"][1]


# -- CloudFormation semantics moto lacks ------------------------------------------------


def test_depends_on_is_created_first_even_when_another_resource_reads_it(cloud: Cloud) -> None:
    # The stage reads the deployment (Ref); the deployment depends on the method. moto
    # would create the deployment when the stage needs it, before any method exists.
    stack = cloud.deploy(
        {
            "Stage": {
                "Type": "AWS::ApiGateway::Stage",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "DeploymentId": {"Ref": "Deployment"},
                    "StageName": "api",
                    "TracingEnabled": True,
                    "MethodSettings": [
                        {"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 50, "MetricsEnabled": True}
                    ],
                },
            },
            "Deployment": {
                "Type": "AWS::ApiGateway::Deployment",
                "DependsOn": ["Options"],
                "Properties": {"RestApiId": {"Ref": "Api"}},
            },
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "items"}},
            "Options": {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                    "HttpMethod": "OPTIONS",
                    "AuthorizationType": "NONE",
                    # A CORS preflight: MOCK, without IntegrationHttpMethod, which moto's model needs.
                    "Integration": {"Type": "MOCK", "RequestTemplates": {"application/json": "{ statusCode: 200 }"}},
                    "MethodResponses": [{"StatusCode": "204"}],
                },
            },
        },
        outputs={"Url": {"Value": {"Fn::Join": ["", ["https://", {"Ref": "Api"}, ".execute-api/", {"Ref": "Stage"}]]}}},
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    apigateway, api = cloud.client("apigateway"), cloud.physical_id("Api")
    stage = apigateway.get_stage(restApiId=api, stageName="api")
    assert stage["tracingEnabled"] is True
    assert stage["methodSettings"]["*/*"]["throttlingRateLimit"] == 50.0
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    assert (
        apigateway.get_method(restApiId=api, resourceId=root, httpMethod="OPTIONS")["methodIntegration"]["type"]
        == "MOCK"
    )

    assert cloud.delete() == "DELETE_COMPLETE"
    assert apigateway.get_rest_apis()["items"] == []


def test_get_stack_output_reads_the_other_stacks_output(cloud: Cloud) -> None:
    cloud.deploy(
        {"Topic": {"Type": "AWS::SNS::Topic"}}, outputs={"TopicArn": {"Value": {"Ref": "Topic"}}}, name="producer"
    )
    read = {"Fn::GetStackOutput": {"StackName": "producer", "Region": {"Ref": "AWS::Region"}, "OutputName": "TopicArn"}}
    cloud.deploy(
        {"Parameter": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/arn", "Type": "String", "Value": read}}},
        name="consumer",
    )
    topic = cloud.client("sns").list_topics()["Topics"][0]["TopicArn"]
    assert cloud.client("ssm").get_parameter(Name="/arn")["Parameter"]["Value"] == topic


# -- the other types the adapter adds ---------------------------------------------------


def test_global_table_is_created_with_its_replica_settings(cloud: Cloud) -> None:
    cloud.deploy(
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
            "Reader": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "dynamodb:GetItem",
                                "Resource": {"Fn::GetAtt": ["Table", "Arn"]},
                            }
                        ],
                    }
                },
            },
        }
    )
    dynamodb, table = cloud.client("dynamodb"), cloud.physical_id("Table")
    description = dynamodb.describe_table(TableName=table)["Table"]
    assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    backups = dynamodb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert dynamodb.list_tags_of_resource(ResourceArn=description["TableArn"])["Tags"] == [
        {"Key": "Stage", "Value": "sandbox"}
    ]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert dynamodb.list_tables()["TableNames"] == []
    assert cloud.client("iam").list_policies(Scope="Local")["Policies"] == []


def test_messaging_policies_and_subscriptions(cloud: Cloud) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": "*",
            }
        ],
    }
    cloud.deploy(
        {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Topic": {"Type": "AWS::SNS::Topic"},
            "QueuePolicy": {
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": {"Queues": [{"Ref": "Queue"}], "PolicyDocument": policy},
            },
            "TopicPolicy": {
                "Type": "AWS::SNS::TopicPolicy",
                "Properties": {"Topics": [{"Ref": "Topic"}], "PolicyDocument": policy},
            },
            "Subscription": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "TopicArn": {"Ref": "Topic"},
                    "Protocol": "sqs",
                    "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]},
                    "RawMessageDelivery": True,
                },
            },
        }
    )
    sqs, sns = cloud.client("sqs"), cloud.client("sns")
    queue = cloud.physical_id("Queue")
    assert (
        json.loads(sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Policy"])["Attributes"]["Policy"])
        == policy
    )
    topic = cloud.physical_id("Topic")
    assert json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"]) == policy
    subscription = cloud.physical_id("Subscription")
    assert sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]["RawMessageDelivery"] == "true"

    assert cloud.delete() == "DELETE_COMPLETE"
    assert sns.list_subscriptions()["Subscriptions"] == []


def test_alarms_secrets_keys_and_the_rest(cloud: Cloud) -> None:
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
            "Errors": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": "Errors",
                    "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                    "Statistic": "Sum",
                    "Period": 60,
                    "EvaluationPeriods": 1,
                    "Threshold": 1,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "TreatMissingData": "notBreaching",
                },
            },
            "ErrorRate": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "EvaluationPeriods": 3,
                    "Threshold": 5,
                    "ComparisonOperator": "GreaterThanThreshold",
                    "Metrics": [
                        {"Id": "rate", "Expression": "100 * errors / MAX([errors, 1])"},
                        {
                            "Id": "errors",
                            "ReturnData": False,
                            "MetricStat": {
                                "Stat": "Sum",
                                "Period": 300,
                                "Metric": {"Namespace": "AWS/ApiGateway", "MetricName": "5XXError"},
                            },
                        },
                    ],
                },
            },
            "Secret": {
                "Type": "AWS::SecretsManager::Secret",
                "Properties": {
                    "GenerateSecretString": {
                        "SecretStringTemplate": '{"user": "app"}',
                        "GenerateStringKey": "password",
                        "PasswordLength": 24,
                        "ExcludePunctuation": True,
                    }
                },
            },
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/app"}},
            "Filter": {
                "Type": "AWS::Logs::MetricFilter",
                "Properties": {
                    "LogGroupName": {"Ref": "Logs"},
                    "FilterPattern": "ERROR",
                    "MetricTransformations": [{"MetricName": "errors", "MetricNamespace": "App", "MetricValue": "1"}],
                },
            },
            "Acl": {
                "Type": "AWS::WAFv2::WebACL",
                "Properties": {
                    "Name": "acl",
                    "Scope": "REGIONAL",
                    "DefaultAction": {"Allow": {}},
                    "VisibilityConfig": {
                        "CloudWatchMetricsEnabled": True,
                        "MetricName": "acl",
                        "SampledRequestsEnabled": True,
                    },
                    "Rules": [],
                },
            },
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Group": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "g", "VpcId": {"Ref": "Vpc"}},
            },
            "Egress": {
                "Type": "AWS::EC2::SecurityGroupEgress",
                "Properties": {
                    "GroupId": {"Fn::GetAtt": ["Group", "GroupId"]},
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "CidrIp": "10.0.0.0/8",
                },
            },
        }
    )
    kms = cloud.client("kms")
    key = cloud.physical_id("Key")
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    assert kms.list_resource_tags(KeyId=key)["Tags"] == [{"TagKey": "Stage", "TagValue": "sandbox"}]
    alarms = {a["AlarmName"]: a for a in cloud.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    assert alarms[cloud.physical_id("Errors")]["Dimensions"] == [{"Name": "FunctionName", "Value": "f"}]
    assert [m["Id"] for m in alarms[cloud.physical_id("ErrorRate")]["Metrics"]] == ["rate", "errors"]
    secret = json.loads(
        cloud.client("secretsmanager").get_secret_value(SecretId=cloud.physical_id("Secret"))["SecretString"]
    )
    assert secret["user"] == "app" and len(secret["password"]) == 24
    [metric_filter] = cloud.client("logs").describe_metric_filters(logGroupName="/app")["metricFilters"]
    assert metric_filter["metricTransformations"][0]["metricName"] == "errors"
    assert cloud.client("wafv2").list_web_acls(Scope="REGIONAL")["WebACLs"][0]["Name"] == "acl"
    group = cloud.client("ec2").describe_security_groups(GroupIds=[cloud.physical_id("Group")])["SecurityGroups"][0]
    assert {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443} in [
        {k: rule.get(k) for k in ("IpProtocol", "FromPort", "ToPort")} for rule in group["IpPermissionsEgress"]
    ]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert cloud.client("cloudwatch").describe_alarms()["MetricAlarms"] == []
    assert cloud.client("wafv2").list_web_acls(Scope="REGIONAL")["WebACLs"] == []


def test_api_gateway_models_validators_responses_and_account(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "items"}},
            "Model": {
                "Type": "AWS::ApiGateway::Model",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "ContentType": "application/json",
                    "Name": "Item",
                    "Schema": {"type": "object"},
                },
            },
            "Validator": {
                "Type": "AWS::ApiGateway::RequestValidator",
                "Properties": {"RestApiId": {"Ref": "Api"}, "Name": "body", "ValidateRequestBody": True},
            },
            "NotFound": {
                "Type": "AWS::ApiGateway::GatewayResponse",
                "Properties": {"RestApiId": {"Ref": "Api"}, "ResponseType": "DEFAULT_4XX", "StatusCode": "404"},
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
            },
            "Account": {
                "Type": "AWS::ApiGateway::Account",
                "Properties": {"CloudWatchRoleArn": {"Fn::GetAtt": ["Role", "Arn"]}},
            },
        }
    )
    apigateway, api = cloud.client("apigateway"), cloud.physical_id("Api")
    assert json.loads(apigateway.get_model(restApiId=api, modelName="Item")["schema"]) == {"type": "object"}
    validator = apigateway.get_request_validator(restApiId=api, requestValidatorId=cloud.physical_id("Validator"))
    assert validator["validateRequestBody"] is True
    assert apigateway.get_gateway_response(restApiId=api, responseType="DEFAULT_4XX")["statusCode"] == "404"
    assert apigateway.get_account()["cloudwatchRoleArn"].endswith(cloud.physical_id("Role"))


def test_functions_and_apis_keep_the_properties_moto_drops(cloud: Cloud) -> None:
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
            "Api": {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {
                    "Name": "items",
                    "EndpointConfiguration": {"Types": ["REGIONAL"]},
                    "BinaryMediaTypes": ["image/png"],
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
    api = cloud.client("apigateway").get_rest_api(restApiId=cloud.physical_id("Api"))
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert (api["binaryMediaTypes"], api["tags"]) == (["image/png"], {"Stage": "sandbox"})
