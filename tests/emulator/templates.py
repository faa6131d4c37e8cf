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


def vpc(*, ipv6: bool = False, **extra: object) -> dict[str, object]:
    """A VPC with one subnet, as CDK builds them (DNS on; with ``ipv6``, an Amazon range
    and the subnet's /64 cut from it with ``Fn::Cidr``), plus ``extra`` resources."""
    subnet: dict[str, object] = {
        "VpcId": {"Ref": "Vpc"},
        "CidrBlock": "10.0.0.0/24",
        "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
        "MapPublicIpOnLaunch": False,
        "Tags": [{"Key": "aws-cdk:subnet-type", "Value": "Public"}],
    }
    resources: dict[str, object] = {
        "Vpc": {
            "Type": "AWS::EC2::VPC",
            "Properties": {
                "CidrBlock": "10.0.0.0/16",
                "EnableDnsHostnames": True,
                "EnableDnsSupport": True,
                "Tags": [{"Key": "Name", "Value": "test"}],
            },
        },
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": subnet},
    }
    if ipv6:
        resources["Ipv6"] = {
            "Type": "AWS::EC2::VPCCidrBlock",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "AmazonProvidedIpv6CidrBlock": True},
        }
        subnet["AssignIpv6AddressOnCreation"] = True
        subnet["Ipv6CidrBlock"] = {
            "Fn::Select": [1, {"Fn::Cidr": [{"Fn::Select": [0, {"Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"]}]}, 2, "64"]}]
        }
        resources["Subnet"] = {"Type": "AWS::EC2::Subnet", "Properties": subnet, "DependsOn": ["Ipv6"]}
    return {**resources, **extra}


#: The simplest method a REST API deployment can have (of an ``AWS::ApiGateway::RestApi``
#: with logical ID ``Api``): a CORS preflight, MOCK, without the IntegrationHttpMethod
#: that moto's own model needs.
PREFLIGHT_METHOD = {
    "Type": "AWS::ApiGateway::Method",
    "Properties": {
        "RestApiId": {"Ref": "Api"},
        "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
        "HttpMethod": "OPTIONS",
        "AuthorizationType": "NONE",
        "Integration": {"Type": "MOCK", "RequestTemplates": {"application/json": "{ statusCode: 200 }"}},
        "MethodResponses": [{"StatusCode": "204"}],
    },
}


def two_zone_network(**extra: object) -> dict[str, object]:
    """A VPC with an isolated subnet in each of two zones and a security group, the
    network CDK gives a database or a cache (``SubnetA``, ``SubnetB``, ``Group``), plus
    ``extra`` resources."""
    subnets = {
        f"Subnet{zone.upper()}": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": cidr,
                "AvailabilityZone": f"us-east-1{zone}",
                "MapPublicIpOnLaunch": False,
            },
        }
        for zone, cidr in (("a", "10.0.0.0/24"), ("b", "10.0.1.0/24"))
    }
    return {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        **subnets,
        "Group": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "data", "VpcId": {"Ref": "Vpc"}},
        },
        **extra,
    }


#: The two subnets of :func:`two_zone_network`.
TWO_ZONES = [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]
#: A customer managed key, as CDK's ``kms.Key`` synthesizes it (rotation on).
KEY = {
    "Type": "AWS::KMS::Key",
    "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": []}, "EnableKeyRotation": True},
}
