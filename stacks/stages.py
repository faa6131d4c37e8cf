"""Per-stage settings: the one typed place where sandbox and production differ."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy
from aws_cdk import aws_cloudfront as cloudfront
from constructs import IConstruct, Node

from cdk_refarch.core.errors import PatternConfigError
from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.waf import WebAclOptions
from cdk_refarch.serverless_api import Throttle

APPLICATION = "aws-reference-architectures"


@dataclass(frozen=True)
class StageSettings:
    """What changes between stages; everything else is a construct default.

    :param name: the stage's name, used in stack names and tags.
    :param removal_policy: for stateful resources (buckets with data, tables, queues).
        DESTROY in the sandbox so ``cdk destroy`` leaves nothing behind (buckets are
        emptied first); RETAIN in production so data outlives a stack deletion.
    :param log_retention_days: CloudWatch log groups and S3 access-log objects.
    :param price_class: CloudFront edge locations; the cheapest class in the sandbox.
    :param web_acl: whether CloudFront and the API get a WAF web ACL (about 7 USD a
        month each, plus requests), on in production, off in the sandbox to keep it
        near free.
    :param deletion_protection: DynamoDB tables refuse deletion while on.
    :param api_throttle: stage-wide API Gateway throttling (requests/s and burst).
    :param reserved_concurrency: per API function; ``None`` in the sandbox, because a
        new account's small concurrency quota cannot reserve any.
    :param cors_origins: browser origins the API answers; the sandbox allows a local
        front-end dev server, production none until a site is named.
    """

    name: str
    removal_policy: RemovalPolicy
    log_retention_days: int
    price_class: cloudfront.PriceClass
    web_acl: bool
    deletion_protection: bool
    api_throttle: Throttle
    reserved_concurrency: int | None
    cors_origins: tuple[str, ...]

    def web_acl_options(self) -> WebAclOptions | None:
        """The web ACL a front door (CloudFront, API) gets in this stage, if any."""
        return WebAclOptions() if self.web_acl else None

    def waive_web_acl(self, front_door: IConstruct, rule: str) -> None:
        """Acknowledge cdk-nag's no-WAF ``rule`` on ``front_door`` when this stage has none."""
        if not self.web_acl:
            acknowledge(
                front_door,
                rule,
                f"The {self.name} stage leaves out the WAF web ACL to keep a throwaway "
                "deployment near free (a web ACL costs about 7 USD a month); production has one.",
            )


STAGES: dict[str, StageSettings] = {
    "sandbox": StageSettings(
        name="sandbox",
        removal_policy=RemovalPolicy.DESTROY,
        log_retention_days=7,
        price_class=cloudfront.PriceClass.PRICE_CLASS_100,
        web_acl=False,
        deletion_protection=False,
        api_throttle=Throttle(rate_limit=10, burst_limit=20),
        reserved_concurrency=None,
        cors_origins=("http://localhost:5173",),
    ),
    "production": StageSettings(
        name="production",
        removal_policy=RemovalPolicy.RETAIN,
        log_retention_days=365,
        price_class=cloudfront.PriceClass.PRICE_CLASS_ALL,
        web_acl=True,
        deletion_protection=True,
        api_throttle=Throttle(rate_limit=100, burst_limit=200),
        reserved_concurrency=50,
        cors_origins=(),
    ),
}

DEFAULT_STAGE = "sandbox"


def stage_from_context(node: Node) -> StageSettings:
    """The stage named by ``-c stage=NAME`` (default sandbox); unknown names fail."""
    name = node.try_get_context("stage") or DEFAULT_STAGE
    try:
        return STAGES[name]
    except KeyError:
        valid = ", ".join(sorted(STAGES))
        raise PatternConfigError(f"stage ({name!r}) is not a known stage; valid stages: {valid}") from None
