"""A one-stack CDK app that the emulator refuses, as AWS would: a bucket policy for a
bucket that does not exist. The sandbox tests deploy it to see failures handled."""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_s3 as s3

app = App()
stack = Stack(app, "SandboxProbe", stack_name="sandbox-probe")
s3.CfnBucketPolicy(
    stack,
    "PolicyOfAMissingBucket",
    bucket="sandbox-probe-no-such-bucket",
    policy_document={
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::sandbox-probe-no-such-bucket/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    },
)
app.synth()
