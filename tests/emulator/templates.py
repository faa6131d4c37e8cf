"""Template fragments more than one emulator test deploys."""

from __future__ import annotations

#: CDK's ``enforce_ssl`` bucket policy: deny every request not sent over TLS.
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
#: A policy that lets SNS deliver to SQS, for topic and queue policy tests.
SNS_SENDS_TO_SQS = {
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
