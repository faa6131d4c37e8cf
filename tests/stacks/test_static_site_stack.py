"""The static site stack as the app builds it, in each stage."""

from __future__ import annotations

import json

import pytest

from tests.synthesis import Synthesized

STACK = "StaticWebsite-*-Site"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def test_one_site_bucket_and_one_log_bucket(app: Synthesized) -> None:
    app.template(STACK).resource_count_is("AWS::S3::Bucket", 2)


def test_site_bucket_is_private_encrypted_versioned(app: Synthesized) -> None:
    _, bucket = app.only(STACK, "AWS::S3::Bucket", "SiteBucket")
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}


def test_noncurrent_versions_go_to_glacier_then_expire(app: Synthesized) -> None:
    _, bucket = app.only(STACK, "AWS::S3::Bucket", "SiteBucket")
    (rule,) = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["NoncurrentVersionTransitions"] == [{"StorageClass": "GLACIER", "TransitionInDays": 30}]
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 365}
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


def test_site_bucket_logs_to_the_log_bucket(app: Synthesized) -> None:
    log_id, _ = app.only(STACK, "AWS::S3::Bucket", "SiteAccessLogs")
    _, bucket = app.only(STACK, "AWS::S3::Bucket", "SiteBucket")
    assert bucket["Properties"]["LoggingConfiguration"] == {
        "DestinationBucketName": {"Ref": log_id},
        "LogFilePrefix": "s3/site/",
    }


def test_site_bucket_policy_denies_plain_http_and_old_tls_and_allows_only_this_distribution(
    app: Synthesized,
) -> None:
    bucket_id, _ = app.only(STACK, "AWS::S3::Bucket", "SiteBucket")
    distribution_id, _ = app.only(STACK, "AWS::CloudFront::Distribution")
    policy = next(
        p
        for p in app.resources(STACK, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    )
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    denies = [s for s in statements if s["Effect"] == "Deny"]
    assert {"Bool": {"aws:SecureTransport": "false"}} in [s["Condition"] for s in denies]
    assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in [s["Condition"] for s in denies]
    cloudfront = [s for s in statements if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
    assert len(cloudfront) == 1
    (grant,) = cloudfront
    assert grant["Action"] == "s3:GetObject"
    source_arn = grant["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Join"][1]
    assert {"Ref": distribution_id} in source_arn


def test_distribution_uses_oac_not_oai(app: Synthesized) -> None:
    oac_id, oac = app.only(STACK, "AWS::CloudFront::OriginAccessControl")
    config = oac["Properties"]["OriginAccessControlConfig"]
    assert (config["OriginAccessControlOriginType"], config["SigningBehavior"], config["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    _, distribution = app.only(STACK, "AWS::CloudFront::Distribution")
    (origin,) = distribution["Properties"]["DistributionConfig"]["Origins"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    app.template(STACK).resource_count_is("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0)


def test_distribution_defaults(app: Synthesized) -> None:
    _, distribution = app.only(STACK, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["Compress"] is True
    assert behavior["CachePolicyId"] == CACHING_OPTIMIZED
    assert behavior["AllowedMethods"] == ["GET", "HEAD"]
    assert config["HttpVersion"] == "http2and3"
    assert config["DefaultRootObject"] == "index.html"
    assert config["IPV6Enabled"] is True
    # The default *.cloudfront.net certificate cannot carry a TLS policy.
    assert "ViewerCertificate" not in config
    assert "Aliases" not in config


def test_missing_pages_get_the_404_page(app: Synthesized) -> None:
    _, distribution = app.only(STACK, "AWS::CloudFront::Distribution")
    responses = distribution["Properties"]["DistributionConfig"]["CustomErrorResponses"]
    assert [(r["ErrorCode"], r["ResponseCode"], r["ResponsePagePath"]) for r in responses] == [
        (403, 404, "/404.html"),
        (404, 404, "/404.html"),
    ]


def test_security_headers(app: Synthesized) -> None:
    policy_id, policy = app.only(STACK, "AWS::CloudFront::ResponseHeadersPolicy")
    headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": 63072000,
        "IncludeSubdomains": True,
        "Override": True,
    }
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert headers["ReferrerPolicy"] == {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True}
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    _, distribution = app.only(STACK, "AWS::CloudFront::Distribution")
    behavior = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": policy_id}


def test_distribution_logs_to_the_same_log_bucket_through_standard_logging_v2(app: Synthesized) -> None:
    log_id, log_bucket = app.only(STACK, "AWS::S3::Bucket", "SiteAccessLogs")
    distribution_id, distribution = app.only(STACK, "AWS::CloudFront::Distribution")
    # No legacy logging, which needs ACLs on the log bucket.
    assert "Logging" not in distribution["Properties"]["DistributionConfig"]
    source_id, source = app.only(STACK, "AWS::Logs::DeliverySource")
    assert source["Properties"]["LogType"] == "ACCESS_LOGS"
    assert {"Ref": distribution_id} in source["Properties"]["ResourceArn"]["Fn::Join"][1]
    destination_id, destination = app.only(STACK, "AWS::Logs::DeliveryDestination")
    assert destination["Properties"]["DestinationResourceArn"] == {"Fn::GetAtt": [log_id, "Arn"]}
    _, delivery = app.only(STACK, "AWS::Logs::Delivery")
    assert delivery["Properties"]["DeliverySourceName"] == {"Ref": source_id}
    assert delivery["Properties"]["DeliveryDestinationArn"] == {"Fn::GetAtt": [destination_id, "Arn"]}
    _, policy = app.only(STACK, "AWS::S3::BucketPolicy", "SiteAccessLogsBucketPolicy")
    writes = [
        st
        for st in policy["Properties"]["PolicyDocument"]["Statement"]
        if st.get("Principal") == {"Service": "delivery.logs.amazonaws.com"}
    ]
    assert sorted(st["Sid"] for st in writes) == ["CloudFrontLogDeliveryAclCheck", "CloudFrontLogDeliveryWrite"]
    assert all({"aws:SourceAccount"} <= set(st["Condition"]["StringEquals"]) for st in writes)
    assert all("aws:SourceArn" in st["Condition"]["ArnLike"] for st in writes)
    props = log_bucket["Properties"]
    # Both deliveries are granted by bucket policy, so the log bucket needs no ACLs.
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]


def test_site_files_are_deployed_and_the_cache_invalidated(app: Synthesized) -> None:
    bucket_id, _ = app.only(STACK, "AWS::S3::Bucket", "SiteBucket")
    distribution_id, _ = app.only(STACK, "AWS::CloudFront::Distribution")
    _, deployment = app.only(STACK, "Custom::CDKBucketDeployment")
    props = deployment["Properties"]
    assert props["DestinationBucketName"] == {"Ref": bucket_id}
    assert props["DistributionId"] == {"Ref": distribution_id}
    assert props["DistributionPaths"] == ["/*"]
    assert props["Prune"] is True
    assert len(props["SourceObjectKeys"]) == 1


def test_log_delivery_is_granted_for_this_accounts_delivery_sources_only(app: Synthesized) -> None:
    log_id, _ = app.only(STACK, "AWS::S3::Bucket", "SiteAccessLogs")
    _, policy = app.only(STACK, "AWS::S3::BucketPolicy", "SiteAccessLogsBucketPolicy")
    statements = {s.get("Sid"): s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    account = {"Ref": "AWS::AccountId"}
    source_arn = {"Fn::Join": ["", ["arn:aws:logs:us-east-1:", account, ":delivery-source:*"]]}
    write = statements["CloudFrontLogDeliveryWrite"]
    assert (write["Principal"], write["Action"]) == ({"Service": "delivery.logs.amazonaws.com"}, "s3:PutObject")
    assert write["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [log_id, "Arn"]}, "/AWSLogs/", account, "/*"]]}
    assert write["Condition"] == {
        "StringEquals": {"aws:SourceAccount": account, "s3:x-amz-acl": "bucket-owner-full-control"},
        "ArnLike": {"aws:SourceArn": source_arn},
    }
    check = statements["CloudFrontLogDeliveryAclCheck"]
    assert check["Action"] == ["s3:GetBucketAcl", "s3:ListBucket"]
    assert check["Resource"] == {"Fn::GetAtt": [log_id, "Arn"]}
    assert check["Condition"] == {
        "StringEquals": {"aws:SourceAccount": account},
        "ArnLike": {"aws:SourceArn": source_arn},
    }
    # Nothing else may write: S3 server access logs of the site bucket, and the delivery.
    allowed = sorted(json.dumps(s["Principal"]) for s in statements.values() if s["Effect"] == "Allow")
    assert allowed == [
        '{"Service": "delivery.logs.amazonaws.com"}',
        '{"Service": "delivery.logs.amazonaws.com"}',
        '{"Service": "logging.s3.amazonaws.com"}',
    ]


def test_deployment_runs_with_a_stack_role_scoped_to_this_distribution(app: Synthesized) -> None:
    distribution_id, _ = app.only(STACK, "AWS::CloudFront::Distribution")
    role_id, role = app.only(STACK, "AWS::IAM::Role", "SiteDeploymentRole")
    # No AWSLambdaBasicExecutionRole, which may create and write to every log group.
    assert "ManagedPolicyArns" not in role["Properties"]
    logs_id, logs = app.only(STACK, "AWS::Logs::LogGroup", "SiteDeploymentLogs")
    days = 365 if "-Production-" in app.stack(STACK).stack_name else 7
    assert logs["Properties"]["RetentionInDays"] == days
    _, handler = app.only(STACK, "AWS::Lambda::Function", "CustomCDKBucketDeployment")
    assert handler["Properties"]["Role"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert handler["Properties"]["LoggingConfig"] == {"LogGroup": {"Ref": logs_id}}
    _, policy = app.only(STACK, "AWS::IAM::Policy", "SiteDeploymentRole")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    (invalidation,) = [s for s in statements if any(a.startswith("cloudfront:") for a in s["Action"])]
    assert invalidation["Action"] == ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"]
    # This distribution only: CDK's distribution= would grant it on every distribution ("*").
    assert invalidation["Resource"] == {
        "Fn::Join": [
            "",
            ["arn:aws:cloudfront::", {"Ref": "AWS::AccountId"}, ":distribution/", {"Ref": distribution_id}],
        ]
    }
    (log_write,) = [s for s in statements if any(a.startswith("logs:") for a in s["Action"])]
    assert log_write["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert log_write["Resource"] == {"Fn::GetAtt": [logs_id, "Arn"]}
    assert not [s for s in statements if s["Resource"] == "*"]


def test_outputs(app: Synthesized) -> None:
    bucket_id, _ = app.only(STACK, "AWS::S3::Bucket", "SiteBucket")
    distribution_id, _ = app.only(STACK, "AWS::CloudFront::Distribution")
    outputs = app.template_json(STACK)["Outputs"]
    assert outputs["SiteUrl"]["Value"] == {
        "Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]
    }
    assert outputs["BucketName"]["Value"] == {"Ref": bucket_id}
    assert outputs["DistributionId"]["Value"] == {"Ref": distribution_id}


def test_stage_and_pattern_tags(app: Synthesized) -> None:
    stage = "production" if "-Production-" in app.stack(STACK).stack_name else "sandbox"
    expected = {
        "Application": "aws-reference-architectures",
        "App": "static-website",
        "Stage": stage,
        "Pattern": "static-site",
    }
    tagged_types = [
        "AWS::S3::Bucket",
        "AWS::CloudFront::Distribution",
        "AWS::Logs::LogGroup",
        "AWS::IAM::Role",
        "AWS::Lambda::Function",
        "AWS::WAFv2::WebACL",
    ]
    # CDK's stack-wide helpers (the bucket-emptying provider, the deployment handler and
    # its role) serve every pattern of the stack, so they carry no Pattern tag.
    shared = ("CustomS3AutoDeleteObjects", "CustomCDKBucketDeployment", "SiteDeploymentRole")
    for resource_type in tagged_types:
        for logical_id, resource in app.resources(STACK, resource_type).items():
            tags = {t["Key"]: t["Value"] for t in resource["Properties"].get("Tags", [])}
            wanted = {k: v for k, v in expected.items() if k != "Pattern" or not logical_id.startswith(shared)}
            assert wanted.items() <= tags.items(), f"{logical_id} tags: {tags}"
            if logical_id.startswith(shared):
                assert "Pattern" not in tags, logical_id


# --- what differs between the stages -------------------------------------------------


def test_sandbox_destroys_everything_and_empties_buckets(sandbox: Synthesized) -> None:
    resources = sandbox.template_json(STACK)["Resources"]
    assert all(r.get("DeletionPolicy", "Delete") == "Delete" for r in resources.values())
    assert all(r.get("UpdateReplacePolicy", "Delete") == "Delete" for r in resources.values())
    auto_delete = sandbox.resources(STACK, "Custom::S3AutoDeleteObjects")
    emptied = sorted(r["Properties"]["BucketName"]["Ref"] for r in auto_delete.values())
    assert emptied == sorted(sandbox.resources(STACK, "AWS::S3::Bucket"))


def test_production_retains_data_and_never_empties_buckets(production: Synthesized) -> None:
    for logical_id, bucket in production.resources(STACK, "AWS::S3::Bucket").items():
        assert bucket["DeletionPolicy"] == "Retain", logical_id
        assert bucket["UpdateReplacePolicy"] == "Retain", logical_id
    production.template(STACK).resource_count_is("Custom::S3AutoDeleteObjects", 0)


@pytest.mark.parametrize(
    ("stage", "days", "price_class"), [("sandbox", 7, "PriceClass_100"), ("production", 365, "PriceClass_All")]
)
def test_stage_log_retention_and_price_class(
    request: pytest.FixtureRequest, stage: str, days: int, price_class: str
) -> None:
    app: Synthesized = request.getfixturevalue(stage)
    groups = app.resources(STACK, "AWS::Logs::LogGroup")
    assert groups and all(group["Properties"]["RetentionInDays"] == days for group in groups.values())
    _, log_bucket = app.only(STACK, "AWS::S3::Bucket", "SiteAccessLogs")
    (rule,) = log_bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == days
    _, distribution = app.only(STACK, "AWS::CloudFront::Distribution")
    assert distribution["Properties"]["DistributionConfig"]["PriceClass"] == price_class


def test_sandbox_has_no_web_acl(sandbox: Synthesized) -> None:
    sandbox.template(STACK).resource_count_is("AWS::WAFv2::WebACL", 0)
    _, distribution = sandbox.only(STACK, "AWS::CloudFront::Distribution")
    assert "WebACLId" not in distribution["Properties"]["DistributionConfig"]


def test_production_has_a_web_acl_on_the_distribution(production: Synthesized) -> None:
    acl_id, acl = production.only(STACK, "AWS::WAFv2::WebACL")
    props = acl["Properties"]
    assert props["Scope"] == "CLOUDFRONT"
    assert props["DefaultAction"] == {"Allow": {}}
    names = [rule["Name"] for rule in props["Rules"]]
    assert names == [
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "RateLimitPerIp",
    ]
    rate = props["Rules"][3]["Statement"]["RateBasedStatement"]
    assert (rate["AggregateKeyType"], rate["Limit"]) == ("IP", 1000)
    _, distribution = production.only(STACK, "AWS::CloudFront::Distribution")
    assert distribution["Properties"]["DistributionConfig"]["WebACLId"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    _, logging = production.only(STACK, "AWS::WAFv2::LoggingConfiguration")
    assert logging["Properties"]["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    redacted = [field["SingleHeader"]["Name"] for field in logging["Properties"]["RedactedFields"]]
    assert redacted == ["authorization", "cookie"]
    (group,) = [
        g for g in production.resources(STACK, "AWS::Logs::LogGroup").values() if "LogGroupName" in g["Properties"]
    ]
    assert group["Properties"]["LogGroupName"].startswith("aws-waf-logs-")


def test_stack_is_pinned_to_us_east_1_and_named_per_stage(sandbox: Synthesized, production: Synthesized) -> None:
    assert sandbox.stack(STACK).region == "us-east-1"
    assert (sandbox.stack(STACK).stack_name, production.stack(STACK).stack_name) == (
        "StaticWebsite-Sandbox-Site",
        "StaticWebsite-Production-Site",
    )
