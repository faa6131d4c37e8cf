"""WAFv2 web ACLs, their associations and their logging."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.emulator.conftest import Cloud


def web_acl(scope: str = "REGIONAL") -> dict[str, Any]:
    return {
        "Type": "AWS::WAFv2::WebACL",
        "Properties": {
            "Name": "acl",
            "Scope": scope,
            "DefaultAction": {"Allow": {}},
            "VisibilityConfig": {
                "CloudWatchMetricsEnabled": True,
                "MetricName": "acl",
                "SampledRequestsEnabled": True,
            },
            "Rules": [],
        },
    }


def logging(log_group: str) -> dict[str, Any]:
    return {
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": log_group}},
        "Acl": web_acl("CLOUDFRONT"),
        "Logging": {
            "Type": "AWS::WAFv2::LoggingConfiguration",
            "Properties": {
                "ResourceArn": {"Fn::GetAtt": ["Acl", "Arn"]},
                # In AWS a log group's Arn attribute ends with ":*" (moto's does not); WAF takes either.
                "LogDestinationConfigs": [{"Fn::GetAtt": ["Logs", "Arn"]}],
                "RedactedFields": [{"SingleHeader": {"Name": "authorization"}}, {"SingleHeader": {"Name": "cookie"}}],
            },
        },
    }


def test_a_web_acl_is_created_and_deleted(cloud: Cloud) -> None:
    cloud.deploy({"Acl": web_acl()})
    assert cloud.client("wafv2").list_web_acls(Scope="REGIONAL")["WebACLs"][0]["Name"] == "acl"

    assert cloud.delete() == "DELETE_COMPLETE"
    assert cloud.client("wafv2").list_web_acls(Scope="REGIONAL")["WebACLs"] == []


def test_a_web_acl_is_associated_with_a_resource(cloud: Cloud) -> None:
    stage = "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/prod"
    cloud.deploy(
        {
            "Acl": web_acl(),
            "Association": {
                "Type": "AWS::WAFv2::WebACLAssociation",
                "Properties": {"WebACLArn": {"Fn::GetAtt": ["Acl", "Arn"]}, "ResourceArn": stage},
            },
        }
    )
    wafv2 = cloud.client("wafv2")
    assert wafv2.get_web_acl_for_resource(ResourceArn=stage)["WebACL"]["Name"] == "acl"

    assert cloud.delete() == "DELETE_COMPLETE"


def test_a_logging_configuration_sends_a_web_acls_logs_to_a_log_group(cloud: Cloud) -> None:
    stack = cloud.deploy(logging("aws-waf-logs-site"), outputs={"Acl": {"Value": {"Ref": "Logging"}}})
    wafv2, acl = cloud.client("wafv2"), cloud.physical_id("Logging")
    assert cloud.outputs(stack) == {"Acl": acl}
    configuration = wafv2.get_logging_configuration(ResourceArn=acl)["LoggingConfiguration"]
    log_group = cloud.client("logs").describe_log_groups(logGroupNamePrefix="aws-waf-logs-site")["logGroups"][0]
    assert configuration["LogDestinationConfigs"] == [log_group["arn"].removesuffix(":*")]
    assert configuration["RedactedFields"] == [
        {"SingleHeader": {"Name": "authorization"}},
        {"SingleHeader": {"Name": "cookie"}},
    ]

    assert cloud.delete() == "DELETE_COMPLETE"
    # Not ListLoggingConfigurations: moto 5.2.5's never lists a CLOUDFRONT-scope ACL's.
    with pytest.raises(ClientError, match="WAFNonexistentItemException"):
        wafv2.get_logging_configuration(ResourceArn=acl)


def test_a_log_destination_not_named_for_waf_fails_the_stack_as_in_aws(cloud: Cloud) -> None:
    stack = cloud.deploy(logging("/waf/site"))
    assert stack["StackStatus"] == "CREATE_FAILED"
    status, reason = cloud.events()["Logging"]
    assert status == "CREATE_FAILED" and "its name must start with aws-waf-logs-" in reason


def test_logging_for_a_web_acl_that_does_not_exist_fails_the_stack(cloud: Cloud) -> None:
    acl = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/gone/1234"
    template = logging("aws-waf-logs-site")
    del template["Acl"]
    template["Logging"]["Properties"]["ResourceArn"] = acl
    assert cloud.deploy(template)["StackStatus"] == "CREATE_FAILED"
    assert f"web ACL {acl} does not exist" in cloud.events()["Logging"][1]
