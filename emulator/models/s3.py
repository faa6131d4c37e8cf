"""S3: buckets as CloudFormation configures and deletes them, and bucket policies.

How bucket policies apply to requests through the emulator is ``emulator.bucket_policy``.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.s3.exceptions import BucketNotEmpty, MissingBucket
from moto.s3.models import FakeBucket, S3Backend, s3_backends
from moto.utilities.utils import get_partition

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import overrides, registered


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


@registered
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


@overrides("AWS::S3::Bucket")
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
