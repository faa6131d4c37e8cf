"""CDK's own resources: its metadata record, the bucket deployment and bucket auto-delete,
the default security group's restriction and AwsCustomResource's SDK calls."""

from __future__ import annotations

import json
from typing import Any

from emulator.models.cdk import VpcRestrictDefaultSecurityGroup
from tests.emulator.conftest import Cloud, zip_of
from tests.emulator.templates import OAC, distribution, vpc


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


def test_cdk_metadata_is_a_stack_record_and_says_so(cloud: Cloud) -> None:
    stack = cloud.deploy({"CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:"}}})
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert cloud.events()["CDKMetadata"][1].startswith("emulated: a stack record only")
    assert cloud.delete() == "DELETE_COMPLETE"


SERVICE_TOKEN = "arn:aws:lambda:us-east-1:123456789012:function:x"
DEFAULT_GROUP = {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}


def _default_group(cloud: Cloud) -> dict[str, Any]:
    (group,) = cloud.client("ec2").describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [cloud.physical_id("Vpc")]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    return dict(group)


def test_restrict_default_sg_revokes_the_default_groups_rules_and_puts_them_back(cloud: Cloud) -> None:
    restrict = {
        "Type": "Custom::VpcRestrictDefaultSG",
        "Properties": {
            "ServiceToken": SERVICE_TOKEN,
            "DefaultSecurityGroupId": DEFAULT_GROUP,
            "Account": "123456789012",
        },
    }
    cloud.deploy(vpc(Restrict=restrict))
    group = _default_group(cloud)
    assert (group["IpPermissions"], group["IpPermissionsEgress"]) == ([], [])
    assert cloud.events()["Restrict"][1].startswith("emulated: revoked the ingress and IPv4 egress rules")

    # Removing the restriction alone (the VPC stays) puts EC2's rules back, as the handler does.
    VpcRestrictDefaultSecurityGroup(
        "r", "123456789012", "us-east-1", {"DefaultSecurityGroupId": group["GroupId"], "Account": "123456789012"}
    ).remove()
    group = _default_group(cloud)
    assert len(group["IpPermissions"]) == len(group["IpPermissionsEgress"]) == 1

    assert cloud.delete() == "DELETE_COMPLETE"


def _sdk_call(action: str, permissions: list[dict[str, Any]], ignore: str | None = None) -> dict[str, Any]:
    """AwsCustomResource's ``Create``: a JSON string joined around the group's ID."""
    call: dict[str, Any] = {"service": "EC2", "action": action, "physicalResourceId": {"id": "restricted"}}
    if ignore:
        call["ignoreErrorCodesMatching"] = ignore
    call["parameters"] = {"GroupId": "GROUP", "IpPermissions": permissions}
    head, tail = json.dumps(call).split("GROUP")
    return {"Fn::Join": ["", [head, DEFAULT_GROUP, tail]]}


IPV6_EGRESS = [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]


def test_aws_custom_resource_makes_a_known_sdk_call(cloud: Cloud) -> None:
    call = {
        "Type": "Custom::AWS",
        "Properties": {"ServiceToken": SERVICE_TOKEN, "Create": _sdk_call("revokeSecurityGroupEgress", IPV6_EGRESS)},
        "DependsOn": ["Ipv6"],
    }
    stack = cloud.deploy(vpc(ipv6=True, Call=call))
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    assert cloud.physical_id("Call") == "restricted"
    assert cloud.events()["Call"][1] == "emulated: made the SDK call EC2.revokeSecurityGroupEgress against the emulator"
    egress = _default_group(cloud)["IpPermissionsEgress"]
    assert [rule["Ipv6Ranges"] for rule in egress] == [[]], egress  # IPv4 egress only

    assert cloud.delete() == "DELETE_COMPLETE"


def test_aws_custom_resource_ignores_the_error_codes_it_is_told_to(cloud: Cloud) -> None:
    missing = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
    ignored = _sdk_call("revokeSecurityGroupEgress", missing, ignore="InvalidPermission.NotFound")
    failing = _sdk_call("revokeSecurityGroupEgress", missing)
    properties = {"ServiceToken": SERVICE_TOKEN}
    stack = cloud.deploy(vpc(Call={"Type": "Custom::AWS", "Properties": {**properties, "Create": ignored}}))
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    stack = cloud.deploy(
        {"Vpc": vpc()["Vpc"], "Call": {"Type": "Custom::AWS", "Properties": {**properties, "Create": failing}}},
        name="failing",
    )
    assert stack["StackStatus"] == "CREATE_FAILED"
    assert "InvalidPermission.NotFound" in cloud.events("failing")["Call"][1]


def test_aws_custom_resource_skips_a_call_it_does_not_know(cloud: Cloud) -> None:
    create = json.dumps({"service": "SSM", "action": "putParameter", "parameters": {"Name": "x"}})
    stack = cloud.deploy(
        {"Call": {"Type": "Custom::AWS", "Properties": {"ServiceToken": SERVICE_TOKEN, "Create": create}}},
        outputs={"Version": {"Value": {"Fn::GetAtt": ["Call", "Version"]}}},
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE", cloud.events()
    assert cloud.events()["Call"][1] == (
        "skipped: the emulator does not make the SDK call SSM.putParameter of Custom::AWS Call"
    )
    assert cloud.outputs(stack) == {"Version": "skipped-Call.Version"}
