"""Bucket policies as S3 applies them to requests through the emulator."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.emulator.conftest import Cloud
from tests.emulator.templates import TLS_ONLY


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
