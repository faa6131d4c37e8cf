"""CDK's own resources: its metadata record and the custom resources CDK apps use most.

In AWS, ``Custom::CDKBucketDeployment``, ``Custom::S3AutoDeleteObjects``,
``Custom::VpcRestrictDefaultSG`` and ``Custom::AWS`` are Lambda functions that
CloudFormation invokes. moto runs custom resources' Lambdas only in Docker, so these
models do in-process what the handlers do (aws-cdk-lib 2.x,
``aws-s3-deployment/lib/lambda/index.py``, ``aws-s3/lib/auto-delete-objects-handler``,
``aws-ec2/restrict-default-security-group-handler``, ``custom-resources/aws-custom-resource``),
against the same moto backends, and say so in their stack events.
"""

from __future__ import annotations

import fnmatch
import io
import json
import mimetypes
import posixpath
import re
import uuid
import zipfile
from typing import Any

from moto.cloudfront.exceptions import NoSuchDistribution
from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import (
    InvalidPermissionDuplicateError,
    InvalidPermissionNotFoundError,
    InvalidSecurityGroupNotFoundError,
)
from moto.s3.exceptions import MissingBucket

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.cloudfront import cloudfront_backend
from emulator.models.ec2 import default_group_rules, ec2_backend
from emulator.models.registry import custom_resource, registered
from emulator.models.s3 import empty_bucket, s3_backend
from emulator.models.skipped import is_placeholder
from emulator.notes import EMULATED, SKIPPED

#: The tag the auto-delete handler requires before it empties a bucket.
AUTO_DELETE_TAG = "aws-cdk:auto-delete-objects"

# `aws s3 sync --cache-control ...` style options of SystemMetadata, as S3 headers.
_SYSTEM_METADATA_HEADERS = {
    "cache-control": "Cache-Control",
    "content-disposition": "Content-Disposition",
    "content-encoding": "Content-Encoding",
    "content-language": "Content-Language",
    "content-type": "Content-Type",
    "expires": "Expires",
}


@registered
class CdkMetadata(SandboxModel, CloudFormationModel):
    TYPE = "AWS::CDK::Metadata"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> CdkMetadata:
        note = EMULATED + "a stack record only; AWS::CDK::Metadata has no service-side state in AWS either"
        return cls(name, account_id, region_name, properties, note=note)

    def remove(self) -> None:
        return None


@custom_resource
class BucketDeployment(SandboxModel, CloudFormationModel):
    """``Custom::CDKBucketDeployment``: unzip the source assets into the destination bucket."""

    TYPE = "Custom::CDKBucketDeployment"
    ATTRIBUTES = ("DestinationBucketArn", "SourceObjectKeys")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> BucketDeployment:
        files = _source_files(properties, account_id, region_name)
        bucket = properties["DestinationBucketName"]
        prefix = _prefix(properties)
        uploaded, pruned = _sync(files, bucket, prefix, properties, account_id, region_name)
        note = f"{EMULATED}copied {uploaded} file(s) into s3://{bucket}/{prefix}"
        if pruned:
            note += f", pruned {pruned}"
        note += _invalidate(properties, prefix, account_id, region_name)
        attributes = {
            "DestinationBucketArn": properties.get("DestinationBucketArn"),
            "SourceObjectKeys": as_list(properties.get("SourceObjectKeys"))
            if as_bool(properties.get("OutputObjectKeys"), default=True)
            else [],
        }
        physical_id = f"aws.cdk.s3deployment.{uuid.uuid4()}"
        return cls(physical_id, account_id, region_name, properties, attributes, note)

    def remove(self) -> None:
        # The handler keeps the files unless RetainOnDelete is "false" (default "true").
        if as_bool(self.properties.get("RetainOnDelete"), default=True):
            return
        backend = s3_backend(self.account_id, self.region_name)
        try:
            bucket = backend.get_bucket(self.properties["DestinationBucketName"])
        except MissingBucket:
            return
        prefix = _prefix(self.properties)
        for key in [key for key in list(bucket.keys) if key.startswith(prefix)]:
            backend.delete_object(bucket.name, key)


def _prefix(properties: dict[str, Any]) -> str:
    prefix = str(properties.get("DestinationBucketKeyPrefix") or "")
    if prefix == "/":
        return ""
    # `aws s3 sync DIR s3://bucket/prefix` writes prefix/name, slash or not.
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


def _source_files(properties: dict[str, Any], account_id: str, region_name: str) -> dict[str, bytes]:
    """Relative path -> content of every file the sources hold, markers replaced."""
    backend = s3_backend(account_id, region_name)
    buckets = as_list(properties["SourceBucketNames"])
    keys = as_list(properties["SourceObjectKeys"])
    markers = as_list(properties.get("SourceMarkers")) or [{} for _ in buckets]
    markers_config = as_list(properties.get("SourceMarkersConfig")) or [{} for _ in buckets]
    extract = as_bool(properties.get("Extract"), default=True)
    files: dict[str, bytes] = {}
    for bucket, key, source_markers, config in zip(buckets, keys, markers, markers_config, strict=False):
        source = backend.get_object(bucket, key)
        if source is None:
            raise ValueError(f"source asset s3://{bucket}/{key} does not exist (was it published?)")
        if not extract:
            files[posixpath.basename(key)] = source.value
            continue
        with zipfile.ZipFile(io.BytesIO(source.value)) as archive:
            for member in archive.infolist():
                if not member.is_dir():
                    content = archive.read(member)
                    files[member.filename] = _replace_markers(content, source_markers or {}, config or {})
    return files


def _replace_markers(content: bytes, markers: dict[str, Any], config: dict[str, Any]) -> bytes:
    json_escape = as_bool(config.get("jsonEscape"))
    for token, value in markers.items():
        text = json.dumps(str(value))[1:-1] if json_escape else str(value)
        content = content.replace(token.encode(), text.encode())
    return content


def _selected(path: str, exclude: list[str], include: list[str]) -> bool:
    # `aws s3 sync --exclude ... --include ...`: later filters win, includes come last.
    selected = True
    for pattern in exclude:
        if fnmatch.fnmatch(path, pattern):
            selected = False
    for pattern in include:
        if fnmatch.fnmatch(path, pattern):
            selected = True
    return selected


def _object_metadata(path: str, properties: dict[str, Any]) -> dict[str, str]:
    content_type, _ = mimetypes.guess_type(path)
    metadata = {"Content-Type": content_type or "binary/octet-stream"}
    for key, value in (properties.get("SystemMetadata") or {}).items():
        header = _SYSTEM_METADATA_HEADERS.get(key.lower())
        if header:
            metadata[header] = str(value)
    for key, value in (properties.get("UserMetadata") or {}).items():
        metadata[f"x-amz-meta-{key.lower()}"] = str(value)
    return metadata


def _sync(
    files: dict[str, bytes],
    bucket_name: str,
    prefix: str,
    properties: dict[str, Any],
    account_id: str,
    region_name: str,
) -> tuple[int, int]:
    backend = s3_backend(account_id, region_name)
    exclude = [str(pattern) for pattern in as_list(properties.get("Exclude"))]
    include = [str(pattern) for pattern in as_list(properties.get("Include"))]
    wanted = {path: content for path, content in files.items() if _selected(path, exclude, include)}
    for path, content in sorted(wanted.items()):
        key = backend.put_object(bucket_name, prefix + path, content)
        key.set_metadata(_object_metadata(path, properties))
    pruned = 0
    if as_bool(properties.get("Prune"), default=True):
        bucket = backend.get_bucket(bucket_name)
        for key in [key for key in list(bucket.keys) if key.startswith(prefix)]:
            path = key[len(prefix) :]
            if path not in wanted and _selected(path, exclude, include) and backend.get_object(bucket_name, key):
                backend.delete_object(bucket_name, key)
                pruned += 1
    return len(wanted), pruned


def _invalidate(properties: dict[str, Any], prefix: str, account_id: str, region_name: str) -> str:
    distribution_id = properties.get("DistributionId")
    if not distribution_id:
        return ""
    if is_placeholder(distribution_id):
        return "; no invalidation: the distribution was skipped"
    paths = as_list(properties.get("DistributionPaths")) or [f"/{prefix}*"]
    try:
        cloudfront_backend(account_id, region_name).create_invalidation(
            distribution_id, [str(path) for path in paths], str(uuid.uuid4())
        )
    except NoSuchDistribution:
        raise ValueError(f"distribution {distribution_id} does not exist: cannot invalidate it") from None
    return f", invalidated {', '.join(map(str, paths))} on distribution {distribution_id}"


@custom_resource
class AutoDeleteObjects(SandboxModel, CloudFormationModel):
    """``Custom::S3AutoDeleteObjects``: empty the bucket when the stack is deleted."""

    TYPE = "Custom::S3AutoDeleteObjects"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> AutoDeleteObjects:
        bucket = properties.get("BucketName")
        if not bucket:
            raise ValueError("No BucketName was provided.")
        s3_backend(account_id, region_name).get_bucket(bucket)  # fails as the stack would if missing
        note = f"{EMULATED}empties s3://{bucket} (every version) when the stack is deleted"
        return cls(name, account_id, region_name, properties, note=note)

    def remove(self) -> None:
        backend = s3_backend(self.account_id, self.region_name)
        bucket = self.properties["BucketName"]
        try:
            tags = backend.get_bucket_tagging(bucket).get("Tags", [])
        except MissingBucket:
            return
        # The handler empties only buckets that carry the tag, so that a bucket whose
        # auto-delete was switched off keeps its objects.
        if any(tag["Key"] == AUTO_DELETE_TAG and tag["Value"] == "true" for tag in tags):
            empty_bucket(backend, bucket)


@custom_resource
class VpcRestrictDefaultSecurityGroup(SandboxModel, CloudFormationModel):
    """``Custom::VpcRestrictDefaultSG`` (``restrict_default_security_group``): revoke the
    default security group's ingress from its members and its IPv4 egress; put both back
    when the resource is deleted, as the handler does."""

    TYPE = "Custom::VpcRestrictDefaultSG"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> VpcRestrictDefaultSecurityGroup:
        group_id = properties["DefaultSecurityGroupId"]
        ingress, egress = default_group_rules(group_id, properties.get("Account", account_id))
        backend = ec2_backend(account_id, region_name)
        for revoke, rule in (
            (backend.revoke_security_group_egress, egress),
            (backend.revoke_security_group_ingress, ingress),
        ):
            try:
                revoke(**rule)
            except InvalidPermissionNotFoundError:
                pass  # the handler ignores rules that are already gone
        note = f"{EMULATED}revoked the ingress and IPv4 egress rules of the default security group {group_id}"
        return cls(name, account_id, region_name, properties, note=note)

    def remove(self) -> None:
        ingress, egress = default_group_rules(
            self.properties["DefaultSecurityGroupId"], self.properties.get("Account", self.account_id)
        )
        backend = ec2_backend(self.account_id, self.region_name)
        for authorize, rule in (
            (backend.authorize_security_group_ingress, ingress),
            (backend.authorize_security_group_egress, egress),
        ):
            try:
                authorize(**rule)
            except (InvalidPermissionDuplicateError, InvalidSecurityGroupNotFoundError):
                pass


def _revoke(direction: str) -> Any:
    """An EC2 ``revokeSecurityGroup<direction>`` call, from the SDK's parameters."""

    def call(parameters: dict[str, Any], account_id: str, region_name: str) -> None:
        backend = ec2_backend(account_id, region_name)
        revoke = getattr(backend, f"revoke_security_group_{direction}")
        for permission in parameters["IpPermissions"]:
            revoke(
                group_name_or_id=parameters["GroupId"],
                ip_protocol=str(permission["IpProtocol"]),
                from_port=permission.get("FromPort"),
                to_port=permission.get("ToPort"),
                ip_ranges=[*permission.get("IpRanges", []), *permission.get("Ipv6Ranges", [])],
                source_groups=permission.get("UserIdGroupPairs", []),
                prefix_list_ids=permission.get("PrefixListIds", []),
            )

    return call


#: (service, action) -> the in-process call; what is not here is skipped, with the reason.
SDK_CALLS = {
    ("EC2", "revokeSecurityGroupEgress"): _revoke("egress"),
    ("EC2", "revokeSecurityGroupIngress"): _revoke("ingress"),
}


@custom_resource
class AwsSdkCall(SandboxModel, CloudFormationModel):
    """``Custom::AWS`` (``AwsCustomResource``): its ``Create`` and ``Delete`` calls, when
    they are among :data:`SDK_CALLS`, made against moto's backend; an error whose code matches
    ``ignoreErrorCodesMatching`` is ignored, as the handler does. Other calls are
    skipped, with the reason, and their response fields read as placeholders."""

    TYPE = "Custom::AWS"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> AwsSdkCall:
        call = json.loads(properties["Create"]) if isinstance(properties.get("Create"), str) else {}
        key = (call.get("service"), call.get("action"))
        physical_id = str((call.get("physicalResourceId") or {}).get("id") or name)
        if key not in SDK_CALLS:
            reason = f"the emulator does not make the SDK call {key[0]}.{key[1]} of Custom::AWS {logical_id}"
            return cls(f"skipped-{logical_id}", account_id, region_name, properties, note=SKIPPED + reason)
        _make(call, account_id, region_name)
        note = f"{EMULATED}made the SDK call {key[0]}.{key[1]} against the emulator"
        return cls(physical_id, account_id, region_name, properties, note=note)

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        # Response fields (Fn::GetAtt of the call's output): none of the known calls has any.
        placeholder = self.physical_resource_id
        return f"{placeholder if is_placeholder(placeholder) else 'skipped-' + placeholder}.{attribute_name}"

    def remove(self) -> None:
        call = json.loads(self.properties["Delete"]) if isinstance(self.properties.get("Delete"), str) else {}
        if (call.get("service"), call.get("action")) in SDK_CALLS:
            _make(call, self.account_id, self.region_name)


def _make(call: dict[str, Any], account_id: str, region_name: str) -> None:
    try:
        SDK_CALLS[(call["service"], call["action"])](call.get("parameters", {}), account_id, region_name)
    except Exception as error:
        # moto's errors carry the API's error code (``code`` or ``error_type``), as the SDK's do.
        code = getattr(error, "code", None) or getattr(error, "error_type", None) or type(error).__name__
        ignored = call.get("ignoreErrorCodesMatching")
        if not (ignored and re.search(ignored, str(code))):
            raise
