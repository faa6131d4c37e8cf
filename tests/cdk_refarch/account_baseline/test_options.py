"""AccountBaseline's defaults and options, on the variants of variants.py (synthesized
once per module, cdk-nag as a validation plugin)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack

from cdk_refarch.account_baseline import AccountBaseline, BudgetAlarmOptions
from tests.cdk_refarch.account_baseline.variants import DEFAULTS, OPS, OPTIONS, SHARED, build
from tests.quality.test_gates import lint_findings
from tests.synthesis import Synthesized, synthesize

CLOUDTRAIL = {"Service": "cloudtrail.amazonaws.com"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("account-baseline"), build)


def _baseline(app: Synthesized, stack: str) -> AccountBaseline:
    found = app.stacks[stack].node.find_child("Baseline")
    assert isinstance(found, AccountBaseline)
    return found


def _props(app: Synthesized, stack: str, resource_type: str, prefix: str = "") -> dict[str, Any]:
    _, resource = app.only(stack, resource_type, prefix)
    return resource["Properties"]


def _trail_arn(app: Synthesized, stack: str) -> Any:
    baseline = _baseline(app, stack)
    return Stack.of(baseline).resolve(baseline.trail_arn)


def _key_statements(app: Synthesized, stack: str) -> dict[str, dict[str, Any]]:
    statements = _props(app, stack, "AWS::KMS::Key")["KeyPolicy"]["Statement"]
    return {statement.get("Sid", "root"): statement for statement in statements}


def _bucket_statements(app: Synthesized, stack: str) -> dict[str, dict[str, Any]]:
    statements = _props(app, stack, "AWS::S3::BucketPolicy", "BaselineTrailBucket")["PolicyDocument"]["Statement"]
    return {statement.get("Sid", f"#{i}"): statement for i, statement in enumerate(statements)}


@pytest.mark.parametrize("stack", [DEFAULTS, OPTIONS, SHARED])
def test_nag_lint_and_warnings_are_clean(app: Synthesized, stack: str) -> None:
    assert app.violations_of(stack) == []
    assert lint_findings(app, stack) == []
    assert app.warnings_of(stack) == []


# Defaults.


def test_trail_logs_every_management_event_of_every_region_with_validation(app: Synthesized) -> None:
    trail = _props(app, DEFAULTS, "AWS::CloudTrail::Trail")
    assert trail["IsLogging"] is True
    assert trail["IsMultiRegionTrail"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    assert trail["EnableLogFileValidation"] is True
    assert trail["EventSelectors"] == [{"IncludeManagementEvents": True, "ReadWriteType": "All"}]
    for absent in ("InsightSelectors", "AdvancedEventSelectors", "S3KeyPrefix", "SnsTopicName", "IsOrganizationTrail"):
        assert absent not in trail


def test_trail_name_is_derived_from_the_stack_and_path_and_its_arn_is_built_from_it(app: Synthesized) -> None:
    baseline = _baseline(app, DEFAULTS)
    trail = _props(app, DEFAULTS, "AWS::CloudTrail::Trail")
    assert trail["TrailName"] == baseline.trail_name
    assert baseline.trail_name.startswith("BaselineDefaults-Baseline-")
    assert _trail_arn(app, DEFAULTS) == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":cloudtrail:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                f":trail/{baseline.trail_name}",
            ],
        ]
    }


def test_key_rotates_is_kept_and_lets_cloudtrail_encrypt_for_this_trail_only(app: Synthesized) -> None:
    _, key = app.only(DEFAULTS, "AWS::KMS::Key")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["Properties"]["PendingWindowInDays"] == 30
    assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == ("Retain", "Retain")
    statements = _key_statements(app, DEFAULTS)
    this_trail = {"aws:SourceArn": _trail_arn(app, DEFAULTS)}
    encrypt = statements["AllowCloudTrailToEncryptLogs"]
    assert (encrypt["Principal"], encrypt["Action"], encrypt["Resource"]) == (CLOUDTRAIL, "kms:GenerateDataKey*", "*")
    assert encrypt["Condition"]["StringEquals"] == this_trail
    context = encrypt["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"]
    assert context == {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":cloudtrail:*:", {"Ref": "AWS::AccountId"}, ":trail/*"]]
    }
    for sid, action in (
        ("AllowCloudTrailToDescribeKey", "kms:DescribeKey"),
        ("AllowCloudTrailToUseTheBucketKey", "kms:Decrypt"),
    ):
        assert statements[sid]["Principal"] == CLOUDTRAIL
        assert statements[sid]["Action"] == action
        assert statements[sid]["Condition"] == {"StringEquals": this_trail}


def test_the_account_may_decrypt_trail_files_and_iam_decides_who(app: Synthesized) -> None:
    statements = _key_statements(app, DEFAULTS)
    decrypt = statements["AllowTheAccountToDecryptTrailFiles"]
    assert decrypt["Action"] == ["kms:Decrypt", "kms:ReEncryptFrom"]
    assert decrypt["Principal"] == statements["root"]["Principal"]  # the account, not "*"
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:CallerAccount": {"Ref": "AWS::AccountId"}},
        "Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"},
    }
    assert set(statements) == {
        "root",
        "AllowCloudTrailToEncryptLogs",
        "AllowCloudTrailToDescribeKey",
        "AllowCloudTrailToUseTheBucketKey",
        "AllowTheAccountToDecryptTrailFiles",
    }


def test_trail_and_bucket_encrypt_with_the_key(app: Synthesized) -> None:
    key_id, _ = app.only(DEFAULTS, "AWS::KMS::Key")
    trail = _props(app, DEFAULTS, "AWS::CloudTrail::Trail")
    assert trail["KMSKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    bucket = _props(app, DEFAULTS, "AWS::S3::Bucket", "BaselineTrailBucket")
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule == {
        "BucketKeyEnabled": True,
        "ServerSideEncryptionByDefault": {"KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]}, "SSEAlgorithm": "aws:kms"},
    }


def test_bucket_is_cores_secure_bucket_and_cloudtrail_writes_for_this_trail_only(app: Synthesized) -> None:
    bucket_id, bucket = app.only(DEFAULTS, "AWS::S3::Bucket", "BaselineTrailBucket")
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["Properties"]["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert all(bucket["Properties"]["PublicAccessBlockConfiguration"].values())
    statements = _bucket_statements(app, DEFAULTS)
    conditions = [s.get("Condition", {}) for s in statements.values() if s["Effect"] == "Deny"]
    assert {"Bool": {"aws:SecureTransport": "false"}} in conditions
    this_trail = {"aws:SourceArn": _trail_arn(app, DEFAULTS)}
    acl = statements["AWSCloudTrailAclCheck"]
    assert (acl["Principal"], acl["Action"]) == (CLOUDTRAIL, "s3:GetBucketAcl")
    assert acl["Resource"] == {"Fn::GetAtt": [bucket_id, "Arn"]}
    assert acl["Condition"] == {"StringEquals": this_trail}
    write = statements["AWSCloudTrailWrite"]
    assert (write["Principal"], write["Action"]) == (CLOUDTRAIL, "s3:PutObject")
    assert write["Resource"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/AWSLogs/", {"Ref": "AWS::AccountId"}, "/*"]]
    }
    assert write["Condition"] == {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **this_trail}}
    assert _props(app, DEFAULTS, "AWS::CloudTrail::Trail")["S3BucketName"] == {"Ref": bucket_id}


def test_log_files_move_to_glacier_instant_retrieval_after_90_days_and_expire_after_a_year(app: Synthesized) -> None:
    (rule,) = _props(app, DEFAULTS, "AWS::S3::Bucket", "BaselineTrailBucket")["LifecycleConfiguration"]["Rules"]
    assert rule == {
        "Id": "archive-and-expire-trail-files",
        "Status": "Enabled",
        "Transitions": [{"StorageClass": "GLACIER_IR", "TransitionInDays": 90}],
        "ExpirationInDays": 365,
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
    }


def test_bucket_accesses_are_logged_to_its_own_access_log_bucket(app: Synthesized) -> None:
    log_bucket_id, log_bucket = app.only(DEFAULTS, "AWS::S3::Bucket", "BaselineAccessLogs")
    bucket = _props(app, DEFAULTS, "AWS::S3::Bucket", "BaselineTrailBucket")
    assert bucket["LoggingConfiguration"] == {
        "DestinationBucketName": {"Ref": log_bucket_id},
        "LogFilePrefix": "cloudtrail-bucket/",
    }
    (rule,) = log_bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 365  # as long as the trail's own files
    assert log_bucket["DeletionPolicy"] == "Retain"
    assert _baseline(app, DEFAULTS).access_log_bucket is not None


def test_events_also_go_to_a_log_group_through_a_role_that_writes_only_cloudtrails_streams(app: Synthesized) -> None:
    group_id, group = app.only(DEFAULTS, "AWS::Logs::LogGroup")
    assert group["Properties"]["RetentionInDays"] == 90
    assert "LogGroupName" not in group["Properties"]
    role_id, role = app.only(DEFAULTS, "AWS::IAM::Role")
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": CLOUDTRAIL}
    ]
    assert "ManagedPolicyArns" not in role["Properties"]
    policy = _props(app, DEFAULTS, "AWS::IAM::Policy")
    assert policy["Roles"] == [{"Ref": role_id}]
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":logs:",
                        {"Ref": "AWS::Region"},
                        ":",
                        {"Ref": "AWS::AccountId"},
                        ":log-group:",
                        {"Ref": group_id},
                        ":log-stream:",
                        {"Ref": "AWS::AccountId"},
                        "_CloudTrail_",
                        {"Ref": "AWS::Region"},
                        "*",
                    ],
                ]
            },
        }
    ]
    trail = _props(app, DEFAULTS, "AWS::CloudTrail::Trail")
    assert trail["CloudWatchLogsLogGroupArn"] == {"Fn::GetAtt": [group_id, "Arn"]}
    assert trail["CloudWatchLogsRoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}


def test_trail_waits_for_the_bucket_policy_and_the_role_policy(app: Synthesized) -> None:
    _, trail = app.only(DEFAULTS, "AWS::CloudTrail::Trail")
    policy_id, _ = app.only(DEFAULTS, "AWS::S3::BucketPolicy", "BaselineTrailBucket")
    role_policy_id, _ = app.only(DEFAULTS, "AWS::IAM::Policy")
    assert sorted(trail["DependsOn"]) == sorted([policy_id, role_policy_id])


def test_everything_is_retained_by_default_policies_included(app: Synthesized) -> None:
    resources = app.template_json(DEFAULTS)["Resources"].values()
    kept = [
        resource["Type"]
        for resource in resources
        if (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy")) == ("Retain", "Retain")
    ]
    # The policies too: a retained trail goes on writing only while they let it.
    assert sorted(kept) == [
        "AWS::CloudTrail::Trail",
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
        "AWS::KMS::Key",
        "AWS::Logs::LogGroup",
        "AWS::S3::Bucket",
        "AWS::S3::Bucket",
        "AWS::S3::BucketPolicy",
        "AWS::S3::BucketPolicy",
    ]
    assert len(kept) == len(resources)
    # Retained buckets are never emptied by a custom resource.
    assert app.resources(DEFAULTS, "Custom::S3AutoDeleteObjects") == {}


def test_no_budget_without_a_limit(app: Synthesized) -> None:
    assert app.resources(DEFAULTS, "AWS::Budgets::Budget") == {}
    assert _baseline(app, DEFAULTS).budget is None


def test_everything_is_tagged_with_the_pattern(app: Synthesized) -> None:
    for logical_id, resource in app.template_json(DEFAULTS)["Resources"].items():
        tags = resource.get("Properties", {}).get("Tags")
        if tags is not None:
            assert {"Key": "Pattern", "Value": "account-baseline"} in tags, logical_id
    assert len(app.resources(DEFAULTS, "AWS::CloudTrail::Trail")) == 1


# Options.


def test_a_named_trail_kept_longer(app: Synthesized) -> None:
    trail = _props(app, OPTIONS, "AWS::CloudTrail::Trail")
    assert trail["TrailName"] == "org.audit_trail-1"
    assert _trail_arn(app, OPTIONS) == {
        "Fn::Join": ["", ["arn:aws:cloudtrail:eu-west-1:", {"Ref": "AWS::AccountId"}, ":trail/org.audit_trail-1"]]
    }
    (rule,) = _props(app, OPTIONS, "AWS::S3::Bucket", "BaselineTrailBucket")["LifecycleConfiguration"]["Rules"]
    assert rule["Transitions"] == [{"StorageClass": "GLACIER_IR", "TransitionInDays": 180}]
    assert rule["ExpirationInDays"] == 730
    assert _props(app, OPTIONS, "AWS::Logs::LogGroup")["RetentionInDays"] == 365
    (log_rule,) = _props(app, OPTIONS, "AWS::S3::Bucket", "BaselineAccessLogs")["LifecycleConfiguration"]["Rules"]
    assert log_rule["ExpirationInDays"] == 730


def test_monthly_budget_mails_on_actual_and_forecasted_cost(app: Synthesized) -> None:
    _, budget = app.only(OPTIONS, "AWS::Budgets::Budget")
    props = budget["Properties"]
    assert props["Budget"] == {
        "BudgetType": "COST",
        "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": 125.5, "Unit": "USD"},
        "CostTypes": {"IncludeCredit": False, "IncludeRefund": False},
    }
    subscribers = [{"Address": OPS, "SubscriptionType": "EMAIL"}]
    assert props["NotificationsWithSubscribers"] == [
        {
            "Notification": {
                "ComparisonOperator": "GREATER_THAN",
                "NotificationType": kind,
                "Threshold": threshold,
                "ThresholdType": "PERCENTAGE",
            },
            "Subscribers": subscribers,
        }
        for kind, threshold in (("ACTUAL", 50), ("FORECASTED", 90))
    ]
    assert {"Key": "Pattern", "Value": "account-baseline"} in props["ResourceTags"]
    assert "BudgetName" not in props["Budget"]  # CloudFormation names it: a retained one never blocks a new one
    assert _baseline(app, OPTIONS).budget is not None


def test_destroy_deletes_everything_and_empties_the_buckets(app: Synthesized) -> None:
    for logical_id, resource in app.template_json(OPTIONS)["Resources"].items():
        assert resource.get("DeletionPolicy", "Delete") == "Delete", logical_id
    assert len(app.resources(OPTIONS, "Custom::S3AutoDeleteObjects")) == 2


def test_default_budget_thresholds_are_80_actual_and_100_forecasted() -> None:
    assert (BudgetAlarmOptions().actual_percent, BudgetAlarmOptions().forecasted_percent) == (80, 100)


def test_without_cloudwatch_logs_or_archive_and_with_a_shared_log_bucket(app: Synthesized) -> None:
    baseline = _baseline(app, SHARED)
    assert baseline.trail_log_group is None and baseline.trail_logs_role is None
    assert baseline.access_log_bucket is None
    assert app.resources(SHARED, "AWS::Logs::LogGroup") == {}
    assert app.resources(SHARED, "AWS::IAM::Role") == {}
    _, trail = app.only(SHARED, "AWS::CloudTrail::Trail")
    assert "CloudWatchLogsLogGroupArn" not in trail["Properties"]
    assert "CloudWatchLogsRoleArn" not in trail["Properties"]
    assert trail["DependsOn"] == [app.only(SHARED, "AWS::S3::BucketPolicy", "BaselineTrailBucket")[0]]
    log_bucket_id, _ = app.only(SHARED, "AWS::S3::Bucket", "LogsBucket")
    bucket = _props(app, SHARED, "AWS::S3::Bucket", "BaselineTrailBucket")
    assert bucket["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": log_bucket_id}
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert "Transitions" not in rule and rule["ExpirationInDays"] == 365
    assert len(app.resources(SHARED, "AWS::S3::Bucket")) == 2
