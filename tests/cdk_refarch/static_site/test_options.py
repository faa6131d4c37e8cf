"""StaticSite's defaults and options, on the test stacks in tests/variants.py."""

from __future__ import annotations

from typing import Any

from tests.cdk_refarch.static_site.variants import CUSTOM_CSP, IMPORTED_CERT, IMPORTED_WEB_ACL, ZONE_ID
from tests.synthesis import Synthesized


def _config(app: Synthesized, stack_id: str, prefix: str = "Site") -> dict[str, Any]:
    return app.only(stack_id, "AWS::CloudFront::Distribution", prefix)[1]["Properties"]["DistributionConfig"]


def _headers(app: Synthesized, stack_id: str) -> dict[str, Any]:
    policy = app.only(stack_id, "AWS::CloudFront::ResponseHeadersPolicy", "Site")[1]
    return policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]


# --- defaults -------------------------------------------------------------------------


def test_default_retains_buckets_and_does_not_empty_them(variants: Synthesized) -> None:
    buckets = variants.resources("Defaults", "AWS::S3::Bucket")
    assert len(buckets) == 2
    assert all(b["DeletionPolicy"] == "Retain" for b in buckets.values())
    variants.template("Defaults").resource_count_is("Custom::S3AutoDeleteObjects", 0)


def test_default_has_no_deployment_domain_waf_or_geo_restriction(variants: Synthesized) -> None:
    template = variants.template("Defaults")
    for resource_type in (
        "Custom::CDKBucketDeployment",
        "AWS::CertificateManager::Certificate",
        "AWS::Route53::RecordSet",
        "AWS::WAFv2::WebACL",
    ):
        template.resource_count_is(resource_type, 0)
    config = _config(variants, "Defaults")
    assert "Restrictions" not in config
    assert "WebACLId" not in config
    assert "CustomErrorResponses" not in config
    assert config["PriceClass"] == "PriceClass_100"


def test_default_log_bucket_keeps_logs_a_year(variants: Synthesized) -> None:
    _, bucket = variants.only("Defaults", "AWS::S3::Bucket", "SiteAccessLogs")
    (rule,) = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 365


def test_default_content_security_policy(variants: Synthesized) -> None:
    from cdk_refarch import DEFAULT_CONTENT_SECURITY_POLICY

    csp = _headers(variants, "Defaults")["ContentSecurityPolicy"]
    assert csp == {"ContentSecurityPolicy": DEFAULT_CONTENT_SECURITY_POLICY, "Override": True}


# --- single-page app, geo restriction, price class, custom CSP, retention, DESTROY -----


def test_single_page_app_answers_missing_paths_with_index(variants: Synthesized) -> None:
    responses = _config(variants, "SinglePageApp")["CustomErrorResponses"]
    assert [(r["ErrorCode"], r["ResponseCode"], r["ResponsePagePath"]) for r in responses] == [
        (403, 200, "/index.html"),
        (404, 200, "/index.html"),
    ]


def test_geo_allow_list(variants: Synthesized) -> None:
    assert _config(variants, "SinglePageApp")["Restrictions"] == {
        "GeoRestriction": {"Locations": ["DE", "FR"], "RestrictionType": "whitelist"}
    }


def test_price_class_option(variants: Synthesized) -> None:
    assert _config(variants, "SinglePageApp")["PriceClass"] == "PriceClass_All"


def test_custom_content_security_policy(variants: Synthesized) -> None:
    csp = _headers(variants, "SinglePageApp")["ContentSecurityPolicy"]
    assert csp == {"ContentSecurityPolicy": CUSTOM_CSP, "Override": True}


def test_destroy_empties_and_deletes_both_buckets(variants: Synthesized) -> None:
    buckets = variants.resources("SinglePageApp", "AWS::S3::Bucket")
    assert all(b["DeletionPolicy"] == "Delete" for b in buckets.values())
    emptied = {
        r["Properties"]["BucketName"]["Ref"]
        for r in variants.resources("SinglePageApp", "Custom::S3AutoDeleteObjects").values()
    }
    assert emptied == set(buckets)


def test_log_retention_option(variants: Synthesized) -> None:
    _, log_group = variants.only("SinglePageApp", "AWS::Logs::LogGroup")
    assert log_group["Properties"]["RetentionInDays"] == 14
    _, bucket = variants.only("SinglePageApp", "AWS::S3::Bucket", "SiteAccessLogs")
    assert bucket["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 14


# --- custom domain with created certificate, created web ACL, SSE-KMS ------------------


def test_custom_domain_creates_a_dns_validated_certificate(variants: Synthesized) -> None:
    _, certificate = variants.only("CustomDomain", "AWS::CertificateManager::Certificate")
    props = certificate["Properties"]
    assert props["DomainName"] == "www.example.com"
    assert props["ValidationMethod"] == "DNS"
    assert props["DomainValidationOptions"] == [{"DomainName": "www.example.com", "HostedZoneId": ZONE_ID}]


def test_custom_domain_requires_tls_1_2_2021_with_sni(variants: Synthesized) -> None:
    cert_id, _ = variants.only("CustomDomain", "AWS::CertificateManager::Certificate")
    config = _config(variants, "CustomDomain")
    assert config["Aliases"] == ["www.example.com"]
    assert config["ViewerCertificate"] == {
        "AcmCertificateArn": {"Ref": cert_id},
        "MinimumProtocolVersion": "TLSv1.2_2021",
        "SslSupportMethod": "sni-only",
    }


def test_custom_domain_alias_records_for_ipv4_and_ipv6(variants: Synthesized) -> None:
    distribution_id, _ = variants.only("CustomDomain", "AWS::CloudFront::Distribution")
    records = variants.resources("CustomDomain", "AWS::Route53::RecordSet").values()
    assert sorted(r["Properties"]["Type"] for r in records) == ["A", "AAAA"]
    for record in records:
        props = record["Properties"]
        assert props["Name"] == "www.example.com."
        assert props["HostedZoneId"] == ZONE_ID
        assert props["AliasTarget"]["DNSName"] == {"Fn::GetAtt": [distribution_id, "DomainName"]}


def test_created_web_acl_has_common_rules_and_rate_limit(variants: Synthesized) -> None:
    acl_id, acl = variants.only("CustomDomain", "AWS::WAFv2::WebACL")
    props = acl["Properties"]
    assert props["Scope"] == "CLOUDFRONT"
    common, rate = props["Rules"]
    assert common["Statement"]["ManagedRuleGroupStatement"] == {
        "Name": "AWSManagedRulesCommonRuleSet",
        "VendorName": "AWS",
    }
    assert common["OverrideAction"] == {"None": {}}
    assert rate["Action"] == {"Block": {}}
    assert rate["Statement"]["RateBasedStatement"] == {
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
        "Limit": 500,
    }
    for rule in props["Rules"]:
        assert rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
        assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is True
    assert _config(variants, "CustomDomain")["WebACLId"] == {"Fn::GetAtt": [acl_id, "Arn"]}


def test_kms_encryption_with_bucket_key_and_cloudfront_decrypt(variants: Synthesized) -> None:
    key_id, key = variants.only("CustomDomain", "AWS::KMS::Key")
    _, bucket = variants.only("CustomDomain", "AWS::S3::Bucket", "SiteBucket")
    (rule,) = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule == {
        "BucketKeyEnabled": True,
        "ServerSideEncryptionByDefault": {
            "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]},
            "SSEAlgorithm": "aws:kms",
        },
    }
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    cloudfront = [s for s in statements if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
    assert len(cloudfront) == 1
    assert "kms:Decrypt" in cloudfront[0]["Action"]
    assert "AWS:SourceArn" in cloudfront[0]["Condition"]["ArnLike"]


# --- imported certificate and web ACL, existing buckets, no CSP -------------------------


def test_imported_certificate_is_used_and_none_created(variants: Synthesized) -> None:
    variants.template("ImportedResources").resource_count_is("AWS::CertificateManager::Certificate", 0)
    viewer = _config(variants, "ImportedResources", "SiteDistribution")["ViewerCertificate"]
    assert viewer["AcmCertificateArn"] == IMPORTED_CERT
    assert viewer["MinimumProtocolVersion"] == "TLSv1.2_2021"


def test_imported_web_acl_is_attached_and_none_created(variants: Synthesized) -> None:
    variants.template("ImportedResources").resource_count_is("AWS::WAFv2::WebACL", 0)
    assert _config(variants, "ImportedResources", "SiteDistribution")["WebACLId"] == IMPORTED_WEB_ACL


def test_content_security_policy_can_be_turned_off(variants: Synthesized) -> None:
    policies = variants.resources("ImportedResources", "AWS::CloudFront::ResponseHeadersPolicy")
    first = next(v for k, v in policies.items() if k.startswith("SiteSecurityHeaders"))
    headers = first["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert "ContentSecurityPolicy" not in headers
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] == 63072000


def test_shared_log_bucket_means_no_bucket_sprawl(variants: Synthesized) -> None:
    buckets = variants.resources("ImportedResources", "AWS::S3::Bucket")
    # The shared log bucket, the first site's bucket and the user's own bucket: no more.
    assert sorted(k.rstrip("0123456789ABCDEF") for k in buckets) == ["OwnBucket", "SharedLogsBucket", "SiteBucket"]
    shared_id = next(k for k in buckets if k.startswith("SharedLogs"))
    for prefix in ("SiteDistribution", "SecondSiteDistribution"):
        logging = _config(variants, "ImportedResources", prefix)["Logging"]
        assert logging["Bucket"] == {"Fn::GetAtt": [shared_id, "RegionalDomainName"]}


def test_existing_bucket_is_the_origin_with_oac_grant(variants: Synthesized) -> None:
    own_id = next(k for k in variants.resources("ImportedResources", "AWS::S3::Bucket") if k.startswith("OwnBucket"))
    (origin,) = _config(variants, "ImportedResources", "SecondSiteDistribution")["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": [own_id, "RegionalDomainName"]}
    policy = next(
        p
        for p in variants.resources("ImportedResources", "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": own_id}
    )
    principals = [s.get("Principal") for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert {"Service": "cloudfront.amazonaws.com"} in principals


# --- access logs off --------------------------------------------------------------------


def test_access_logs_off_creates_no_log_bucket(variants: Synthesized) -> None:
    variants.template("NoLogs").resource_count_is("AWS::S3::Bucket", 1)
    assert "Logging" not in _config(variants, "NoLogs")
    _, bucket = variants.only("NoLogs", "AWS::S3::Bucket")
    assert "LoggingConfiguration" not in bucket["Properties"]
