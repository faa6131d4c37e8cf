"""The container image: a pinned registry reference (the default), or a local folder
built into an image asset for arm64."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_ecs as ecs
from constructs import Construct

from cdk_refarch.core.errors import PatternConfigError, require

# The reference grammar of the OCI distribution spec (docker/distribution's reference
# package), less upper-case names: [domain[:port]/]path[:tag][@digest].
_DOMAIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REFERENCE = re.compile(
    rf"^(?P<name>(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::(?P<tag>\w[\w.-]{0,127}))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$"
)
# A private ECR repository: ACCOUNT.dkr.ecr.REGION.amazonaws.com[.cn]/REPOSITORY.
_PRIVATE_ECR = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(?P<repo>.+)$"
)
_EXAMPLE = "public.ecr.aws/nginx/nginx-unprivileged:1.29.3-alpine"


@dataclass(frozen=True)
class ImageReference:
    name: str
    tag: str | None
    digest: str | None


def parse_image(reference: str) -> ImageReference:
    """``reference`` split into name, tag and digest; it must be pinned (a tag other
    than ``latest``, or a digest)."""
    match = _REFERENCE.fullmatch(reference) if isinstance(reference, str) else None
    if match is None:
        raise PatternConfigError(f"image ({reference!r}) must be an image reference such as '{_EXAMPLE}'")
    tag, digest = match["tag"], match["digest"]
    require(
        digest is not None or (tag is not None and tag != "latest"),
        f"image ({reference!r}) must be pinned: a tag other than 'latest' (REPOSITORY:TAG) or a digest "
        "(REPOSITORY@sha256:...), so that every task runs the image that was tested",
    )
    return ImageReference(name=match["name"], tag=tag, digest=digest)


def check_image_directory(directory: str) -> None:
    require(
        isinstance(directory, str) and os.path.isfile(os.path.join(directory, "Dockerfile")),
        f"image_directory ({directory!r}) must be a folder holding a Dockerfile",
    )


def container_image(scope: Construct, *, image: str, image_directory: str | None) -> tuple[ecs.ContainerImage, bool]:
    """The image, and whether it comes from ECR (so the execution role gets ECR's
    ``GetAuthorizationToken``, which has no resource-level permissions).

    A folder becomes an image asset built for linux/arm64 (Docker is needed to deploy
    it); a private ECR reference is pulled with a grant on that repository only; any
    other registry (e.g. the ECR Public Gallery) is pulled anonymously.
    """
    if image_directory is not None:
        return ecs.ContainerImage.from_asset(image_directory, platform=ecr_assets.Platform.LINUX_ARM64), True
    reference = parse_image(image)
    private = _PRIVATE_ECR.fullmatch(reference.name)
    if private is None:
        return ecs.ContainerImage.from_registry(image), False
    repository = ecr.Repository.from_repository_attributes(
        scope,
        "Repository",
        repository_arn=(
            f"arn:{Stack.of(scope).partition}:ecr:{private['region']}:{private['account']}:repository/{private['repo']}"
        ),
        repository_name=private["repo"],
    )
    # A digest when given: the tag may move, the digest cannot.
    return ecs.ContainerImage.from_ecr_repository(repository, reference.digest or reference.tag), True
