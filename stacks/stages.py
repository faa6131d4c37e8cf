"""Per-stage settings that cut across every stack; each stack keeps its own per-stage
block beside it (``stacks/<stack>/settings.py``), read with :func:`for_stage`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from aws_cdk import RemovalPolicy
from constructs import Node

from cdk_refarch.core.alarms import check_email
from cdk_refarch.core.errors import PatternConfigError
from cdk_refarch.core.waf import WebAclOptions

APPLICATION = "aws-reference-architectures"

#: The context key (``-c alarm_email=ops@example.com``) of the address alarms notify.
ALARM_EMAIL_CONTEXT = "alarm_email"


@dataclass(frozen=True)
class StageSettings:
    """What changes between stages for every stack; everything else is a construct default.

    :param name: the stage's name, used in stack names and tags.
    :param removal_policy: for stateful resources (buckets with data, tables, queues).
        DESTROY in the sandbox so ``cdk destroy`` leaves nothing behind (buckets are
        emptied first); RETAIN in production so data outlives a stack deletion.
    :param log_retention_days: CloudWatch log groups and S3 access-log objects.
    :param web_acl: whether front doors (CloudFront, the API) get a WAF web ACL (about
        7 USD a month each, plus requests): on in production, off in the sandbox to keep
        it near free.
    :param termination_protection: on the stateful stacks (network, data, buckets with
        data): CloudFormation refuses to delete them until it is turned off.
    :param alarm_email: the address every alarm topic notifies, from the context key
        ``alarm_email``; ``make deploy STAGE=production`` refuses to deploy without one.
    """

    name: str
    removal_policy: RemovalPolicy
    log_retention_days: int
    web_acl: bool
    termination_protection: bool
    alarm_email: str | None = None

    def web_acl_options(self) -> WebAclOptions | None:
        """The web ACL a front door gets in this stage, if any."""
        return WebAclOptions() if self.web_acl else None


STAGES: dict[str, StageSettings] = {
    "sandbox": StageSettings(
        name="sandbox",
        removal_policy=RemovalPolicy.DESTROY,
        log_retention_days=7,
        web_acl=False,
        termination_protection=False,
    ),
    "production": StageSettings(
        name="production",
        removal_policy=RemovalPolicy.RETAIN,
        log_retention_days=365,
        web_acl=True,
        termination_protection=True,
    ),
}

DEFAULT_STAGE = "sandbox"

T = TypeVar("T")


def stage_from_context(node: Node) -> StageSettings:
    """The stage named by ``-c stage=NAME`` (default sandbox), with ``-c alarm_email``;
    unknown names fail."""
    name = node.try_get_context("stage") or DEFAULT_STAGE
    try:
        stage = STAGES[name]
    except KeyError:
        valid = ", ".join(sorted(STAGES))
        raise PatternConfigError(f"stage ({name!r}) is not a known stage; valid stages: {valid}") from None
    email = node.try_get_context(ALARM_EMAIL_CONTEXT) or None
    check_email(ALARM_EMAIL_CONTEXT, email)
    return replace(stage, alarm_email=email)


def for_stage(block: Mapping[str, T], stage: StageSettings) -> T:
    """A stack's own settings for ``stage`` from its per-stage ``block``."""
    try:
        return block[stage.name]
    except KeyError:
        raise PatternConfigError(f"no settings for stage {stage.name!r} (have: {', '.join(sorted(block))})") from None
