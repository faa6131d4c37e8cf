"""StaticSite's defaults and options, on the test stacks in variants.py beside this file."""

from __future__ import annotations

from typing import Any

from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from cdk_refarch import StaticSite
from stacks.static_site.stack import SITE_SOURCES
from tests.cdk_refarch.static_site.variants import CUSTOM_CSP, IMPORTED_CERT, IMPORTED_WEB_ACL, US_EAST_1, ZONE_ID
from tests.synthesis import CDK_CONTEXT, Synthesized


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


def test_created_web_acl_has_managed_rules_then_rate_limit(variants: Synthesized) -> None:
    acl_id, acl = variants.only("CustomDomain", "AWS::WAFv2::WebACL")
    props = acl["Properties"]
    assert props["Scope"] == "CLOUDFRONT"
    *managed, rate = props["Rules"]
    assert [(rule["Priority"], rule["Statement"]["ManagedRuleGroupStatement"]) for rule in managed] == [
        (0, {"Name": "AWSManagedRulesAmazonIpReputationList", "VendorName": "AWS"}),
        (1, {"Name": "AWSManagedRulesCommonRuleSet", "VendorName": "AWS"}),
        (2, {"Name": "AWSManagedRulesKnownBadInputsRuleSet", "VendorName": "AWS"}),
    ]
    assert all(rule["OverrideAction"] == {"None": {}} for rule in managed)
    assert (rate["Name"], rate["Priority"], rate["Action"]) == ("RateLimitPerIp", 3, {"Block": {}})
    assert rate["Statement"]["RateBasedStatement"] == {
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
        "Limit": 500,
    }
    for rule in props["Rules"]:
        assert rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
        assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is True
    assert _config(variants, "CustomDomain")["WebACLId"] == {"Fn::GetAtt": [acl_id, "Arn"]}


def test_created_web_acl_logs_with_the_sites_retention(variants: Synthesized) -> None:
    acl_id, _ = variants.only("CustomDomain", "AWS::WAFv2::WebACL")
    group_id, group = variants.only("CustomDomain", "AWS::Logs::LogGroup")
    assert group["Properties"]["LogGroupName"].startswith("aws-waf-logs-")
    assert group["Properties"]["RetentionInDays"] == 365
    _, logging = variants.only("CustomDomain", "AWS::WAFv2::LoggingConfiguration")
    assert logging["Properties"]["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    (destination,) = logging["Properties"]["LogDestinationConfigs"]
    # WAF takes the log group ARN without the ":*" that LogGroup.log_group_arn ends with.
    assert destination == {"Fn::Join": ["", ["arn:aws:logs:us-east-1:111111111111:log-group:", {"Ref": group_id}]]}


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
    destinations = variants.resources("ImportedResources", "AWS::Logs::DeliveryDestination")
    assert sorted(k.rstrip("0123456789ABCDEF") for k in destinations) == [
        "SecondSiteAccessLogDestination",
        "SiteAccessLogDestination",
    ]
    for destination in destinations.values():
        assert destination["Properties"]["DestinationResourceArn"] == {"Fn::GetAtt": [shared_id, "Arn"]}
    # Both sites' delivery grants are the same statements, written to the policy once.
    policies = [
        p
        for p in variants.resources("ImportedResources", "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": shared_id}
    ]
    (policy,) = policies
    sids = [s.get("Sid") for s in policy["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid")]
    assert sorted(sids) == ["CloudFrontLogDeliveryAclCheck", "CloudFrontLogDeliveryWrite"]


def test_standard_logging_v2_delivers_the_distributions_access_logs(variants: Synthesized) -> None:
    distribution_id, distribution = variants.only("Defaults", "AWS::CloudFront::Distribution")
    # Standard logging v2, not the legacy logging that needs ACLs on the log bucket.
    assert "Logging" not in distribution["Properties"]["DistributionConfig"]
    log_id, _ = variants.only("Defaults", "AWS::S3::Bucket", "SiteAccessLogs")
    source_id, source = variants.only("Defaults", "AWS::Logs::DeliverySource")
    destination_id, destination = variants.only("Defaults", "AWS::Logs::DeliveryDestination")
    _, delivery = variants.only("Defaults", "AWS::Logs::Delivery")
    assert source["Properties"]["LogType"] == "ACCESS_LOGS"
    assert source["Properties"]["ResourceArn"] == {
        "Fn::Join": ["", ["arn:aws:cloudfront::111111111111:distribution/", {"Ref": distribution_id}]]
    }
    assert destination["Properties"]["DestinationResourceArn"] == {"Fn::GetAtt": [log_id, "Arn"]}
    assert destination["Properties"]["OutputFormat"] == "json"
    assert source["Properties"]["Name"] == destination["Properties"]["Name"]
    assert len(source["Properties"]["Name"]) <= 60
    assert delivery["Properties"]["DeliverySourceName"] == {"Ref": source_id}
    assert delivery["Properties"]["DeliveryDestinationArn"] == {"Fn::GetAtt": [destination_id, "Arn"]}


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
    template = variants.template("NoLogs")
    template.resource_count_is("AWS::S3::Bucket", 1)
    for resource_type in ("AWS::Logs::DeliverySource", "AWS::Logs::DeliveryDestination", "AWS::Logs::Delivery"):
        template.resource_count_is(resource_type, 0)
    assert "Logging" not in _config(variants, "NoLogs")
    _, bucket = variants.only("NoLogs", "AWS::S3::Bucket")
    assert "LoggingConfiguration" not in bucket["Properties"]


# --- site deployment: one stack-level role, invalidation of each site's distribution -----


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_two_sites_share_one_deployment_role_scoped_to_their_distributions() -> None:
    stack = Stack(App(context=CDK_CONTEXT), "TwoSites", env=US_EAST_1)
    StaticSite(stack, "Docs", site_sources=SITE_SOURCES, access_logs=False)
    StaticSite(stack, "Blog", site_sources=SITE_SOURCES, access_logs=False)
    resources = Template.from_stack(stack).to_json()["Resources"]

    def of_type(resource_type: str) -> dict[str, Any]:
        return {k: v for k, v in resources.items() if v["Type"] == resource_type}

    roles = of_type("AWS::IAM::Role")
    (role_id,) = [k for k in roles if k.startswith("SiteDeploymentRole")]
    assert "ManagedPolicyArns" not in roles[role_id]["Properties"]  # no AWSLambdaBasicExecutionRole
    (handler,) = of_type("AWS::Lambda::Function").values()
    assert handler["Properties"]["Role"] == {"Fn::GetAtt": [role_id, "Arn"]}
    (policy,) = [p for p in of_type("AWS::IAM::Policy").values() if p["Properties"]["Roles"] == [{"Ref": role_id}]]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    invalidation = [s for s in statements if "cloudfront:CreateInvalidation" in s["Action"]]
    distributions = sorted(of_type("AWS::CloudFront::Distribution"))
    assert len(distributions) == 2
    arns = [arn for statement in invalidation for arn in _as_list(statement["Resource"])]
    # Each distribution by its ARN, never "*".
    assert sorted(arn["Fn::Join"][1][-1]["Ref"] for arn in arns) == distributions
    assert {arn["Fn::Join"][1][0] for arn in arns} == {"arn:aws:cloudfront::111111111111:distribution/"}
    for statement in invalidation:
        assert sorted(statement["Action"]) == ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"]
    # Each site's deployment logs to its own log group, and the role may write to both only.
    groups = sorted(of_type("AWS::Logs::LogGroup"))
    assert [g.rstrip("0123456789ABCDEF") for g in groups] == ["BlogDeploymentLogs", "DocsDeploymentLogs"]
    log_writes = [s for s in statements if s["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]]
    written = [resource for statement in log_writes for resource in _as_list(statement["Resource"])]
    assert sorted(r["Fn::GetAtt"][0] for r in written) == groups
    assert not [s for s in statements if s["Action"] == "logs:CreateLogGroup" or "logs:*" in s["Action"]]
