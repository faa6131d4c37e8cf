"""CloudTrail trails, which moto's CloudFormation leaves out.

The trail is created in moto's CloudTrail backend, so ``DescribeTrails``,
``GetTrailStatus``, ``GetEventSelectors`` and ``ListTags`` read it back (a multi-region
trail from every region, as in AWS). Like CloudTrail's ``CreateTrail``, the model first
checks what the trail will write to, and fails as CloudTrail does when it could not: the
bucket's policy must let ``cloudtrail.amazonaws.com`` put objects, the key's policy let it
generate data keys, and the CloudWatch Logs role exist, trust CloudTrail and be allowed
``logs:PutLogEvents``, each for this trail when the policy names one (``aws:SourceArn``).
So a trail created before its bucket policy (a missing ``DependsOn``), or a policy naming
another trail's ARN, fails here as it would in AWS. No event is ever delivered.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from moto.cloudtrail.models import CloudTrailBackend, cloudtrail_backends
from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import JsonRESTError
from moto.iam.models import iam_backends
from moto.kms.models import kms_backends
from moto.logs.models import logs_backends
from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import registered

SERVICE = "cloudtrail.amazonaws.com"


class CloudTrailError(JsonRESTError):
    code = 400


def _backend(account_id: str, region_name: str) -> CloudTrailBackend:
    return cloudtrail_backends[account_id][region_name]


def _matches(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern)


def _conditions_hold(condition: dict[str, Any], source_arn: str) -> bool:
    """Whether the statement's ``aws:SourceArn`` conditions (if any) admit the trail; the
    emulator knows no other context key of CloudTrail's requests, so it lets them pass."""
    for operator, keys in condition.items():
        wanted = keys.get("aws:SourceArn") if isinstance(keys, dict) else None
        if wanted is None:
            continue
        values = [str(value) for value in as_list(wanted)]
        exact = operator in ("StringEquals", "ArnEquals")
        if not any(value == source_arn if exact else _matches(value, source_arn) for value in values):
            return False
    return True


def allows(document: Any, action: str, *, source_arn: str, service: str | None = SERVICE) -> bool:
    """Whether a policy document has an Allow statement for ``action`` (to ``service``, for
    a resource policy) whose ``aws:SourceArn`` conditions admit ``source_arn``."""
    policy = json.loads(document) if isinstance(document, (str, bytes)) else document or {}
    for statement in as_list(policy.get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        if service is not None:
            principals = as_list((statement.get("Principal") or {}).get("Service"))
            if service not in principals:
                continue
        if not any(_matches(str(pattern), action) for pattern in as_list(statement.get("Action"))):
            continue
        if _conditions_hold(statement.get("Condition") or {}, source_arn):
            return True
    return False


def _check_bucket(account_id: str, region_name: str, bucket_name: str, arn: str) -> None:
    backend = s3_backends[account_id][get_partition(region_name)]
    backend.get_bucket(bucket_name)  # a missing bucket fails, as in moto's CreateTrail
    if not allows(backend.get_bucket_policy(bucket_name), "s3:PutObject", source_arn=arn):
        raise CloudTrailError(
            "InsufficientS3BucketPolicyException", f"Incorrect S3 bucket policy is detected for bucket: {bucket_name}"
        )


def _check_key(account_id: str, region_name: str, key_id: str, bucket_name: str, arn: str) -> None:
    backend = kms_backends[account_id][region_name]
    try:
        key = backend.describe_key(key_id)
    except Exception:
        raise CloudTrailError("KmsKeyNotFoundException", f"KMS key {key_id} does not exist.") from None
    if not allows(key.policy, "kms:GenerateDataKey", source_arn=arn):
        raise CloudTrailError(
            "InsufficientEncryptionPolicyException",
            f"Insufficient permissions to access S3 bucket {bucket_name} or KMS key {key.arn}.",
        )


def _check_logs(account_id: str, region_name: str, group_arn: str | None, role_arn: str | None, arn: str) -> None:
    if not group_arn and not role_arn:
        return
    if not group_arn or not role_arn:
        raise CloudTrailError(
            "InvalidCloudWatchLogsLogGroupArnException" if not group_arn else "InvalidCloudWatchLogsRoleArnException",
            "You must specify a log group and a role ARN.",
        )
    # arn:...:logs:REGION:ACCOUNT:log-group:NAME[:*]
    group_name = group_arn.split(":log-group:", 1)[-1].removesuffix(":*")
    if group_name not in logs_backends[account_id][region_name].groups:
        raise CloudTrailError("InvalidCloudWatchLogsLogGroupArnException", "CloudTrail cannot validate the log group.")
    denied = CloudTrailError(
        "InvalidCloudWatchLogsRoleArnException", "Access denied. Verify in IAM that the role has adequate permissions."
    )
    try:
        role = iam_backends[account_id][get_partition(region_name)].get_role_by_arn(role_arn)
    except Exception:
        raise denied from None
    trusted = allows(role.assume_role_policy_document, "sts:AssumeRole", source_arn=arn)
    writes = any(
        allows(document, "logs:PutLogEvents", source_arn=arn, service=None) for document in role.policies.values()
    )
    if not (trusted and writes):
        raise denied


@registered
class Trail(SandboxModel, CloudFormationModel):
    TYPE = "AWS::CloudTrail::Trail"
    NAME_PROPERTY = "TrailName"
    ATTRIBUTES = ("Arn", "SnsTopicArn")

    @classmethod
    def create(cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str) -> Trail:
        p = properties
        name = str(p.get("TrailName") or name)
        arn = f"arn:{get_partition(region_name)}:cloudtrail:{region_name}:{account_id}:trail/{name}"
        bucket = str(p["S3BucketName"])
        _check_bucket(account_id, region_name, bucket, arn)
        if p.get("KMSKeyId"):
            _check_key(account_id, region_name, str(p["KMSKeyId"]), bucket, arn)
        _check_logs(account_id, region_name, p.get("CloudWatchLogsLogGroupArn"), p.get("CloudWatchLogsRoleArn"), arn)
        backend = _backend(account_id, region_name)
        trail = backend.create_trail(
            name=name,
            bucket_name=bucket,
            s3_key_prefix=p.get("S3KeyPrefix"),  # type: ignore[arg-type]
            sns_topic_name=p.get("SnsTopicName"),  # type: ignore[arg-type]
            # CreateTrail's defaults: global service events on, one region, no validation.
            is_global=as_bool(p.get("IncludeGlobalServiceEvents"), default=True),
            is_multi_region=as_bool(p.get("IsMultiRegionTrail")),
            log_validation=as_bool(p.get("EnableLogFileValidation")),
            is_org_trail=as_bool(p.get("IsOrganizationTrail")),
            cw_log_group_arn=p.get("CloudWatchLogsLogGroupArn"),  # type: ignore[arg-type]
            cw_role_arn=p.get("CloudWatchLogsRoleArn"),  # type: ignore[arg-type]
            kms_key_id=p.get("KMSKeyId"),  # type: ignore[arg-type]
            tags_list=[{"Key": tag["Key"], "Value": str(tag["Value"])} for tag in as_list(p.get("Tags"))],
        )
        selectors, advanced = as_list(p.get("EventSelectors")), as_list(p.get("AdvancedEventSelectors"))
        if selectors or advanced:
            backend.put_event_selectors(name, selectors, advanced)
        if p.get("InsightSelectors"):
            backend.put_insight_selectors(name, as_list(p["InsightSelectors"]))
        if as_bool(p.get("IsLogging")):
            trail.start_logging()
        return cls(name, account_id, region_name, properties, {"Arn": trail.arn, "SnsTopicArn": trail.topic_arn})

    def remove(self) -> None:
        backend = _backend(self.account_id, self.region_name)
        backend.tagging_service.delete_all_tags_for_resource(self.attributes["Arn"])
        backend.delete_trail(self.physical_resource_id)
