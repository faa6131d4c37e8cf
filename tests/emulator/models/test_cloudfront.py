"""CloudFront distributions and origin access controls."""

from __future__ import annotations

from tests.emulator.conftest import Cloud
from tests.emulator.templates import OAC, distribution


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
