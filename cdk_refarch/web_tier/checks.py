"""WebTier's cross-field input checks, in one function called before anything is built."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2

from cdk_refarch.core.errors import PatternConfigError, require
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.validation import check_int
from cdk_refarch.web_tier.options import Architecture

_ARCHITECTURES = {"arm64": ec2.InstanceArchitecture.ARM_64, "x86_64": ec2.InstanceArchitecture.X86_64}


def instance_type_of(name: str, architecture: Architecture) -> ec2.InstanceType:
    """The instance type, which must run the image's architecture."""
    require(architecture in _ARCHITECTURES, f"architecture ({architecture!r}) must be 'arm64' or 'x86_64'")
    try:
        instance_type = ec2.InstanceType(name)
        actual = instance_type.architecture
    except Exception as error:  # jsii raises for a name it cannot parse
        raise PatternConfigError(
            f"instance_type ({name!r}) must be an EC2 instance type such as 't4g.micro'"
        ) from error
    shown = "arm64" if actual == ec2.InstanceArchitecture.ARM_64 else "x86_64"
    require(
        actual == _ARCHITECTURES[architecture],
        f"instance_type ({name!r}) is {shown}, but the image is {architecture}: pick a "
        f"{'Graviton (e.g. t4g.micro)' if architecture == 'arm64' else 'x86_64 (e.g. t3.micro)'} type, "
        f"or architecture={shown!r}",
    )
    return instance_type


def check_web_tier(
    *,
    instance_type: str,
    architecture: Architecture,
    root_volume_gib: int,
    health_check_grace_seconds: int,
    cpu_target_percent: int,
    requests_per_target: int | None,
    log_retention_days: int,
) -> ec2.InstanceType:
    """Every rule on WebTier's input that concerns more than one field; the instance type."""
    log_retention("log_retention_days", log_retention_days)
    check_int("root_volume_gib", root_volume_gib, minimum=8, maximum=16384)
    check_int("health_check_grace_seconds", health_check_grace_seconds, minimum=0, maximum=7200)
    check_int("cpu_target_percent", cpu_target_percent, minimum=10, maximum=90)
    if requests_per_target is not None:
        check_int("requests_per_target", requests_per_target, minimum=1)
    return instance_type_of(instance_type, architecture)
