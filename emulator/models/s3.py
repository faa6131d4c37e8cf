"""S3: buckets as CloudFormation configures and deletes them, bucket policies, and the
bucket notifications of CDK's ``Custom::S3BucketNotifications``.

How bucket policies apply to requests through the emulator is ``emulator.bucket_policy``.

Notifications: moto sends S3's events to the queues, topics and EventBridge a bucket's
configuration names (``moto/s3/notifications.py``), but its
``GetBucketNotificationConfiguration`` leaves ``EventBridgeConfiguration`` out; importing
this module puts it in (:func:`get_bucket_notification`).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult, EmptyResult
from moto.s3.exceptions import BucketNotEmpty, MissingBucket
from moto.s3.models import FakeBucket, S3Backend, s3_backends
from moto.s3.responses import S3Response
from moto.utilities.utils import get_partition

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import api_action, custom_resource, overrides, registered
from emulator.notes import EMULATED


class _Destination(NamedTuple):
    """A kind of notification destination: its list and ARN key in the API (and CDK's
    handler), in CloudFormation's bucket, in moto; and its list on moto's configuration."""

    api: str
    api_arn: str
    cloudformation: str
    cloudformation_arn: str
    moto: str
    moto_arn: str
    attribute: str


_DESTINATIONS = (
    _Destination(
        "TopicConfigurations", "TopicArn", "TopicConfigurations", "Topic", "TopicConfiguration", "Topic", "topic"
    ),
    _Destination(
        "QueueConfigurations", "QueueArn", "QueueConfigurations", "Queue", "QueueConfiguration", "Queue", "queue"
    ),
    _Destination(
        "LambdaFunctionConfigurations",
        "LambdaFunctionArn",
        "LambdaConfigurations",
        "Function",
        "CloudFunctionConfiguration",
        "CloudFunction",
        "cloud_function",
    ),
)
EVENT_BRIDGE = "EventBridgeConfiguration"


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
    notifications = properties.get("NotificationConfiguration")
    if notifications:
        backend.put_bucket_notification_configuration(name, moto_notifications(notifications, cloudformation=True))


def moto_notifications(configuration: dict[str, Any], cloudformation: bool = False) -> dict[str, Any]:
    """A notification configuration, in the API's shape or CloudFormation's, in moto's."""
    result: dict[str, Any] = {}
    for kind in _DESTINATIONS:
        entries = as_list(configuration.get(kind.cloudformation if cloudformation else kind.api))
        arn = kind.cloudformation_arn if cloudformation else kind.api_arn
        if entries:
            result[kind.moto] = [_moto_notification(entry, arn, kind.moto_arn) for entry in entries]
    event_bridge = configuration.get(EVENT_BRIDGE)
    if event_bridge is not None and (not cloudformation or as_bool(event_bridge.get("EventBridgeEnabled"))):
        result[EVENT_BRIDGE] = {}
    return result


def _moto_notification(entry: dict[str, Any], arn_key: str, moto_arn_key: str) -> dict[str, Any]:
    key_filter = (entry.get("Filter") or {}).get("Key") or (entry.get("Filter") or {}).get("S3Key") or {}
    rules = as_list(key_filter.get("FilterRules") or key_filter.get("Rules"))
    notification: dict[str, Any] = {
        "Id": entry.get("Id"),
        moto_arn_key: entry[arn_key],
        "Event": as_list(entry.get("Events") or entry.get("Event")),
    }
    if rules:
        # moto matches "prefix" and "suffix" in lower case; S3 takes either.
        rules = [{"Name": str(rule["Name"]).lower(), "Value": rule["Value"]} for rule in rules]
        notification["Filter"] = {"S3Key": {"FilterRule": rules}}
    return notification


def _current(backend: S3Backend, bucket_name: str) -> dict[str, Any]:
    """The bucket's notification configuration, in moto's input shape."""
    configuration = backend.get_bucket_notification_configuration(bucket_name)
    if configuration is None:
        return {}
    current: dict[str, Any] = {}
    for kind in _DESTINATIONS:
        entries = [
            {"Id": n.id, kind.moto_arn: n.arn, "Event": n.events, **({"Filter": n.filters} if n.filters else {})}
            for n in getattr(configuration, kind.attribute)
        ]
        if entries:
            current[kind.moto] = entries
    if configuration.event_bridge is not None:
        current[EVENT_BRIDGE] = {}
    return current


@custom_resource
class BucketNotifications(SandboxModel, CloudFormationModel):
    """``Custom::S3BucketNotifications``, done as CDK's handler does it (aws-cdk-lib 2.x,
    ``aws-s3/lib/notifications-resource``): on a bucket of the stack (``Managed``), put the
    configuration, and clear it on deletion; on another bucket, add to what the bucket
    has, and take it out again on deletion."""

    TYPE = "Custom::S3BucketNotifications"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> BucketNotifications:
        backend, bucket = s3_backend(account_id, region_name), str(properties["BucketName"])
        configuration = moto_notifications(properties.get("NotificationConfiguration") or {})
        if not as_bool(properties.get("Managed"), default=True):
            current = _current(backend, bucket)
            configuration = {
                key: value if key == EVENT_BRIDGE else [*current.get(key, []), *value]
                for key, value in {**current, **configuration}.items()
            }
        backend.put_bucket_notification_configuration(bucket, configuration)
        note = f"{EMULATED}puts the notification configuration of s3://{bucket} in-process, as CDK's handler does"
        # The handler's physical ID is the logical ID.
        return cls(logical_id, account_id, region_name, properties, note=note)

    def remove(self) -> None:
        backend, bucket = s3_backend(self.account_id, self.region_name), str(self.properties["BucketName"])
        try:
            kept: dict[str, Any] = {}
            if not as_bool(self.properties.get("Managed"), default=True):
                ours = moto_notifications(self.properties.get("NotificationConfiguration") or {})
                kept = {
                    key: value if key == EVENT_BRIDGE else [n for n in value if not _among(n, ours.get(key, []))]
                    for key, value in _current(backend, bucket).items()
                    if key != EVENT_BRIDGE or key not in ours
                }
            backend.put_bucket_notification_configuration(bucket, kept)
        except MissingBucket:
            pass


def _among(notification: dict[str, Any], others: list[dict[str, Any]]) -> bool:
    def without_id(n: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in n.items() if key != "Id"}

    return any(without_id(notification) == without_id(other) for other in others)


def _api_rules(filters: dict[str, Any]) -> list[dict[str, Any]]:
    # S3 answers with "Prefix" and "Suffix" (CDK's handler matches on that spelling).
    return [{"Name": rule["Name"].capitalize(), "Value": rule["Value"]} for rule in filters["S3Key"]["FilterRule"]]


@api_action(S3Response, "get_bucket_notification")
def get_bucket_notification(self: S3Response) -> Any:
    """moto's ``GetBucketNotificationConfiguration``, with ``EventBridgeConfiguration``."""
    configuration = self.backend.get_bucket_notification_configuration(self.bucket_name)
    if not configuration:
        return self.serialized(EmptyResult())
    result: dict[str, Any] = {}
    for kind in _DESTINATIONS:
        result[kind.api] = [
            {
                "Id": n.id,
                kind.api_arn: n.arn,
                "Events": n.events,
                **({"Filter": {"Key": {"FilterRules": _api_rules(n.filters)}}} if n.filters else {}),
            }
            for n in getattr(configuration, kind.attribute)
        ]
    if configuration.event_bridge is not None:
        result[EVENT_BRIDGE] = {}
    self.data["Action"] = "GetBucketNotificationConfiguration"
    return self.serialized(ActionResult(result))


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
