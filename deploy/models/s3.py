"""S3: buckets as CloudFormation configures and deletes them, bucket policies, and how
bucket policies apply to requests through the emulator."""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.s3.exceptions import BucketNotEmpty, MissingBucket
from moto.s3.models import FakeBucket, S3Backend, s3_backends
from moto.utilities.utils import get_partition

from deploy.models.base import SandboxModel, as_bool, as_list


def s3_backend(account_id: str, region_name: str) -> S3Backend:
    return s3_backends[account_id][get_partition(region_name)]


def empty_bucket(backend: S3Backend, bucket_name: str, prefix: str = "") -> int:
    """Delete every object version and delete marker under ``prefix``; the count deleted."""
    bucket = backend.get_bucket(bucket_name)
    versions = [
        (version.name, version.version_id)
        for _, stack in bucket.keys.iterlists()
        for version in stack
        if version.name.startswith(prefix)
    ]
    for key, version_id in versions:
        # "null" is S3's version id of objects written before versioning was enabled.
        backend.delete_object(bucket_name, key, version_id=version_id if version_id != "null" else None)
    # An unversioned delete leaves nothing behind; a versioned one may leave the key's
    # now-empty entry, which S3 would not count as content.
    for key in [key for key, stack in bucket.keys.iterlists() if not stack]:
        bucket.keys.pop(key, None)
    return len(versions)


class BucketPolicy(SandboxModel, CloudFormationModel):
    TYPE = "AWS::S3::BucketPolicy"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> BucketPolicy:
        bucket = properties["Bucket"]
        policy = json.dumps(properties["PolicyDocument"])
        s3_backend(account_id, region_name).put_bucket_policy(bucket, policy.encode())
        return cls(bucket, account_id, region_name, properties)

    def remove(self) -> None:
        try:
            s3_backend(self.account_id, self.region_name).delete_bucket_policy(self.properties["Bucket"])
        except MissingBucket:
            pass


class Bucket(FakeBucket):
    """moto's own bucket model, completed where the sandbox depends on it.

    - moto's CloudFormation applies only encryption and tags; this also applies
      versioning, the public access block, object ownership, access logging, the
      lifecycle rules and CORS, through the S3 backend, so they read back as in AWS.
    - moto silently keeps a non-empty bucket and reports it deleted, while
      CloudFormation fails the deletion. moto retries failed deletions once the stack's
      other resources are gone, so a bucket is deleted after its
      ``Custom::S3AutoDeleteObjects`` has emptied it, whatever order moto picks; a
      bucket that nobody empties makes ``cdk destroy`` fail, as it would in AWS.

    Not a direct CloudFormationModel subclass, so moto's registry keeps its own model;
    the adapter routes the type here.
    """

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> FakeBucket:
        bucket = super().create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        _configure(s3_backend(account_id, region_name), bucket, cloudformation_json.get("Properties") or {})
        return bucket

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        backend = s3_backend(account_id, region_name)
        try:
            bucket = backend.get_bucket(resource_name)
        except MissingBucket:
            return
        if any(stack for _, stack in bucket.keys.iterlists()):
            raise BucketNotEmpty(resource_name)
        backend.delete_bucket(resource_name)


def _configure(backend: S3Backend, bucket: FakeBucket, properties: dict[str, Any]) -> None:
    name = bucket.name
    versioning = properties.get("VersioningConfiguration")
    if versioning:
        backend.put_bucket_versioning(name, versioning["Status"])
    block = properties.get("PublicAccessBlockConfiguration")
    if block:
        keys = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
        backend.put_public_access_block(name, {key: str(as_bool(block.get(key))).lower() for key in keys})
    for rule in as_list((properties.get("OwnershipControls") or {}).get("Rules")):
        backend.put_bucket_ownership_controls(name, rule["ObjectOwnership"])
    logging = properties.get("LoggingConfiguration")
    if logging:
        # S3 keeps the configuration as given. moto also wants the target bucket's
        # log-delivery policy to exist already, which CloudFormation does not order.
        bucket.logging = {
            "TargetBucket": logging.get("DestinationBucketName", name),
            "TargetPrefix": logging.get("LogFilePrefix", ""),
        }
    lifecycle = (properties.get("LifecycleConfiguration") or {}).get("Rules")
    if lifecycle:
        backend.put_bucket_lifecycle(name, [_lifecycle_rule(rule) for rule in lifecycle])
    cors = (properties.get("CorsConfiguration") or {}).get("CorsRules")
    if cors:
        backend.put_bucket_cors(name, [_cors_rule(rule) for rule in cors])


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A lifecycle rule in CloudFormation's shape, in the S3 API's."""
    result: dict[str, Any] = {
        "ID": rule.get("Id"),
        "Status": rule["Status"],
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    expiration = {}
    if "ExpirationInDays" in rule:
        expiration["Days"] = rule["ExpirationInDays"]
    if "ExpirationDate" in rule:
        expiration["Date"] = rule["ExpirationDate"]
    if "ExpiredObjectDeleteMarker" in rule:
        expiration["ExpiredObjectDeleteMarker"] = rule["ExpiredObjectDeleteMarker"]
    if expiration:
        result["Expiration"] = expiration
    transitions = [
        {"StorageClass": t["StorageClass"], "Days": t.get("TransitionInDays"), "Date": t.get("TransitionDate")}
        for t in as_list(rule.get("Transitions"))
    ]
    if transitions:
        result["Transition"] = transitions
    noncurrent = [
        {
            "StorageClass": t["StorageClass"],
            "NoncurrentDays": t.get("TransitionInDays"),
            "NewerNoncurrentVersions": t.get("NewerNoncurrentVersions"),
        }
        for t in as_list(rule.get("NoncurrentVersionTransitions"))
    ]
    if noncurrent:
        result["NoncurrentVersionTransition"] = noncurrent
    if "NoncurrentVersionExpiration" in rule:
        result["NoncurrentVersionExpiration"] = rule["NoncurrentVersionExpiration"]
    elif "NoncurrentVersionExpirationInDays" in rule:
        result["NoncurrentVersionExpiration"] = {"NoncurrentDays": rule["NoncurrentVersionExpirationInDays"]}
    if "AbortIncompleteMultipartUpload" in rule:
        result["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return result


def _cors_rule(rule: dict[str, Any]) -> dict[str, Any]:
    renamed = {
        "AllowedHeaders": "AllowedHeader",
        "AllowedMethods": "AllowedMethod",
        "AllowedOrigins": "AllowedOrigin",
        "ExposedHeaders": "ExposeHeader",
        "MaxAge": "MaxAgeSeconds",
        "Id": "ID",
    }
    return {renamed.get(key, key): value for key, value in rule.items()}


# -- bucket policies as S3 evaluates them for requests through the emulator --------------

#: What the emulator knows about every request: it stands in for AWS's HTTPS endpoints,
#: so a request counts as sent over TLS 1.2 (the lowest version AWS accepts).
REQUEST_CONTEXT: dict[str, str] = {"aws:securetransport": "true", "s3:tlsversion": "1.2"}


def _condition_holds(operator: str, key: str, expected: Any) -> bool | None:
    """Whether one condition holds for a request; ``None`` when the emulator cannot know."""
    actual = REQUEST_CONTEXT.get(key.lower())
    if actual is None:
        return None
    values = [str(value) for value in (expected if isinstance(expected, list) else [expected])]
    base = operator.removesuffix("IfExists")
    if base == "Bool":
        return any(actual == value.lower() for value in values)
    if base in ("StringEquals", "StringEqualsIgnoreCase"):
        return any(actual.lower() == value.lower() for value in values)
    if base == "StringNotEquals":
        return all(actual != value for value in values)
    if base.startswith("Numeric"):
        compare = {
            "NumericEquals": lambda a, b: a == b,
            "NumericNotEquals": lambda a, b: a != b,
            "NumericLessThan": lambda a, b: a < b,
            "NumericLessThanEquals": lambda a, b: a <= b,
            "NumericGreaterThan": lambda a, b: a > b,
            "NumericGreaterThanEquals": lambda a, b: a >= b,
        }.get(base)
        return None if compare is None else any(compare(float(actual), float(value)) for value in values)
    return None


def _statement_applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    from moto.iam.access_control import IAMPolicyStatement

    matcher = IAMPolicyStatement(statement)
    # Only statements for everyone ("*"): the emulator's S3 does not know who is asking.
    principal = statement.get("Principal")
    if principal != "*" and not (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"])):
        return False
    if "NotAction" in statement:
        if matcher._check_element_matches("NotAction", action):
            return False
    elif not matcher._check_element_matches("Action", action):
        return False
    if "Resource" in statement and not matcher._check_element_matches("Resource", resource):
        return False
    # A statement applies only if every condition is known to hold; one the emulator
    # cannot evaluate (a source ARN, an IP...) leaves the statement out, in either effect.
    for operator, conditions in (statement.get("Condition") or {}).items():
        for key, expected in conditions.items():
            if not _condition_holds(operator, key, expected):
                return False
    return True


def bucket_permission(bucket: FakeBucket, action: str, resource: str) -> Any:
    """``FakeBucket.get_permission`` with conditions evaluated.

    moto treats a condition it cannot evaluate (``Bool``, ``Numeric*``...) as met and a
    statement whose condition is not met as a denial, so CDK's TLS-only policy
    (Deny ``s3:*`` when ``aws:SecureTransport`` is false), which the bootstrap bucket and
    every ``enforce_ssl`` bucket carry, denies every object request once bucket
    policies exist, asset publishing included.
    """
    from moto.iam.access_control import PermissionResult

    if bucket.policy is None:
        return PermissionResult.NEUTRAL
    statements = json.loads(bucket.policy)["Statement"]
    result = PermissionResult.NEUTRAL
    for statement in statements if isinstance(statements, list) else [statements]:
        if _statement_applies(statement, action, resource):
            if statement.get("Effect") == "Deny":
                return PermissionResult.DENIED
            result = PermissionResult.PERMITTED
    return result
