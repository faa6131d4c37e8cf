"""Builds the whole CDK app: every stack of the selected stage, tagged and nag-checked."""

from __future__ import annotations

import jsii
from aws_cdk import App, Aspects, CfnResource, Environment, IAspect, Stack, TagManager, Tags, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

from cdk_refarch.core.errors import PatternConfigError
from cdk_refarch.static_site.construct import CLOUDFRONT_REGION
from stacks.serverless_api_stack import ServerlessApiStack, ServerlessDataStack
from stacks.stages import APPLICATION, StageSettings, stage_from_context
from stacks.static_site_stack import SiteDomain, StaticSiteStack


def build_app(app: App) -> list[Stack]:
    """Add the stage's stacks to ``app`` and turn on cdk-nag for all of them.

    Context: ``stage`` (sandbox|production), ``account`` and ``region`` (optional), and
    for a custom domain on the static site ``site_domain``, ``hosted_zone_id``,
    ``hosted_zone_name``.
    """
    stage = stage_from_context(app.node)
    account = app.node.try_get_context("account")
    env = Environment(account=account, region=app.node.try_get_context("region"))
    data = ServerlessDataStack(
        app,
        "ServerlessApiData",
        stack_name=f"{stage.name}-serverless-api-data",
        description=f"Items table for the serverless API ({stage.name})",
        stage=stage,
        env=env,
    )
    stacks: list[Stack] = [
        StaticSiteStack(
            app,
            "StaticSite",
            stack_name=f"{stage.name}-static-site",
            description=f"S3 + CloudFront static website ({stage.name})",
            stage=stage,
            domain=_site_domain(app),
            # CloudFront reads certificates and web ACLs from us-east-1 only, so the
            # stack that may create them is pinned there; the account stays open.
            env=Environment(account=account, region=CLOUDFRONT_REGION),
        ),
        data,
        ServerlessApiStack(
            app,
            "ServerlessApi",
            stack_name=f"{stage.name}-serverless-api",
            description=f"API Gateway + Lambda items service ({stage.name})",
            stage=stage,
            table=data.items.table,
            env=env,
        ),
    ]
    for stack in stacks:
        _tag(stack, stage)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return stacks


def _tag(stack: Stack, stage: StageSettings) -> None:
    tags = {"Application": APPLICATION, "Stage": stage.name, "Pattern": stack.PATTERN}
    for key, value in tags.items():
        Tags.of(stack).add(key, value)
    Aspects.of(stack).add(_TagRawResources(tags))


@jsii.implements(IAspect)
class _TagRawResources:
    """Tag the roles and functions CDK builds as raw CfnResource, which Tags.of skips.

    CDK's own custom-resource providers (e.g. the one that empties buckets before
    deletion) are made that way; without this their role and function are untagged.
    """

    TYPES = ("AWS::IAM::Role", "AWS::Lambda::Function")

    def __init__(self, tags: dict[str, str]) -> None:
        self._tags = [{"Key": key, "Value": value} for key, value in sorted(tags.items())]

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, CfnResource) and node.cfn_resource_type in self.TYPES and not TagManager.is_taggable(node):
            node.add_property_override("Tags", self._tags)


def _site_domain(app: App) -> SiteDomain | None:
    keys = ("site_domain", "hosted_zone_id", "hosted_zone_name")
    values = {key: app.node.try_get_context(key) for key in keys}
    given = [key for key, value in values.items() if value]
    if not given:
        return None
    missing = [key for key in keys if key not in given]
    if missing:
        raise PatternConfigError(f"a custom domain needs all of {', '.join(keys)}; missing: {', '.join(missing)}")
    return SiteDomain(
        domain_name=values["site_domain"],
        hosted_zone_id=values["hosted_zone_id"],
        hosted_zone_name=values["hosted_zone_name"],
    )
