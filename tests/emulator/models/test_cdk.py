"""CDK's own resources: its metadata record, the bucket deployment and bucket auto-delete."""

from __future__ import annotations

from tests.emulator.conftest import Cloud, zip_of
from tests.emulator.templates import OAC, distribution


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
