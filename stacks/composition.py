"""Builds the whole CDK app: every stack of the selected stage, tagged and nag-checked."""

from __future__ import annotations

from aws_cdk import App, Environment, Stack, Validations
from cdk_nag import AwsSolutionsChecks

from cdk_refarch.core.tags import tag_stack
from cdk_refarch.core.waf import CLOUDFRONT_REGION
from stacks.account.stack import AccountStack
from stacks.container_service.stack import ContainerServiceStack
from stacks.database.stack import DatabaseStack
from stacks.domains import domain_from_context
from stacks.fan_out.stack import FanOutStack
from stacks.network.stack import NetworkStack
from stacks.serverless_api.stack import ServerlessApiStack, ServerlessDataStack
from stacks.stages import ALARM_EMAIL_CONTEXT, APPLICATION, StageSettings, stage_from_context
from stacks.static_site.stack import StaticSiteStack
from stacks.upload_pipeline.stack import UploadPipelineStack
from stacks.web_tier.stack import WebTierStack

#: Where the VPC-bound stacks go when the context names no region.
DEFAULT_VPC_REGION = "us-east-1"

#: The account stack is one per account and region, whatever the stage.
ACCOUNT_STACK_NAME = "refarch-account"


def build_app(app: App) -> list[Stack]:
    """Add the stage's stacks to ``app`` and turn on cdk-nag for all of them.

    Context: ``stage`` (sandbox|production), ``alarm_email``, ``account`` and ``region``
    (optional; the VPC-bound stacks default to us-east-1), and for custom domains
    ``hosted_zone_id`` and ``hosted_zone_name`` with ``site_domain`` (the static site),
    ``web_domain`` (the web tier) or ``service_domain`` (the container service).
    """
    stage = stage_from_context(app.node)
    account = app.node.try_get_context("account")
    env = Environment(account=account, region=app.node.try_get_context("region"))
    account_stack = AccountStack(
        app,
        "Account",
        stack_name=ACCOUNT_STACK_NAME,
        description="Account-wide settings: API Gateway's CloudWatch Logs role (retained)",
        env=env,
    )
    data = ServerlessDataStack(
        app,
        "ServerlessApiData",
        stack_name=f"{stage.name}-serverless-api-data",
        description=f"Items table for the serverless API ({stage.name})",
        stage=stage,
        env=env,
    )
    api = ServerlessApiStack(
        app,
        "ServerlessApi",
        stack_name=f"{stage.name}-serverless-api",
        description=f"API Gateway + Lambda items service ({stage.name})",
        stage=stage,
        table=data.items.table,
        env=env,
    )
    # The API stage's execution logs need the account's API Gateway role first.
    api.add_stack_dependency(account_stack)
    site = StaticSiteStack(
        app,
        "StaticSite",
        stack_name=f"{stage.name}-static-site",
        description=f"S3 + CloudFront static website ({stage.name})",
        stage=stage,
        domain=domain_from_context(app, "site_domain"),
        # CloudFront reads certificates, web ACLs and log delivery sources from
        # us-east-1 only, so the stack that creates them is pinned there.
        env=Environment(account=account, region=CLOUDFRONT_REGION),
    )
    # The load balancers' access logs need a region (the ELB log delivery principal
    # differs by region), so the VPC-bound stacks have one: -c region=..., else us-east-1.
    vpc_env = Environment(account=account, region=app.node.try_get_context("region") or DEFAULT_VPC_REGION)
    # Stateful, like the data stack: the VPC-bound stacks take its constructs.
    network = NetworkStack(
        app,
        "Network",
        stack_name=f"{stage.name}-network",
        description=f"VPC, NAT, flow logs and VPC endpoints ({stage.name})",
        stage=stage,
        env=vpc_env,
    )
    web = WebTierStack(
        app,
        "WebTier",
        stack_name=f"{stage.name}-web-tier",
        description=f"ALB + Auto Scaling group of EC2 instances ({stage.name})",
        stage=stage,
        network=network.network,
        domain=domain_from_context(app, "web_domain"),
        env=vpc_env,
    )
    containers = ContainerServiceStack(
        app,
        "ContainerService",
        stack_name=f"{stage.name}-container-service",
        description=f"ALB + ECS service on Fargate ({stage.name})",
        stage=stage,
        network=network.network,
        domain=domain_from_context(app, "service_domain"),
        env=vpc_env,
    )
    database = DatabaseStack(
        app,
        "Database",
        stack_name=f"{stage.name}-database",
        description=f"RDS PostgreSQL and an ElastiCache (Valkey) cache ({stage.name})",
        stage=stage,
        network=network.network,
        app_security_groups=[web.web.security_group, containers.service.security_group],
        env=vpc_env,
    )
    fan_out = FanOutStack(
        app,
        "FanOut",
        stack_name=f"{stage.name}-fan-out",
        description=f"SNS topic of upload events, fanned out to SQS queues ({stage.name})",
        stage=stage,
        env=env,
    )
    uploads = UploadPipelineStack(
        app,
        "UploadPipeline",
        stack_name=f"{stage.name}-upload-pipeline",
        description=f"S3 uploads -> EventBridge -> SQS -> Lambda -> DynamoDB and SNS ({stage.name})",
        stage=stage,
        event_topic=fan_out.fan_out.topic,
        event_topic_key=fan_out.fan_out.key,
        env=env,
    )
    stacks: list[Stack] = [account_stack, site, data, api, network, web, containers, database, fan_out, uploads]
    for stack in stacks:
        tag_stack(stack, _stack_tags(stack, stage))
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return stacks


def _stack_tags(stack: Stack, stage: StageSettings) -> dict[str, str]:
    # The account stack is shared by every stage: a Stage tag would flip with each deploy.
    if isinstance(stack, AccountStack):
        return {"Application": APPLICATION}
    return {"Application": APPLICATION, "Stage": stage.name}


def alarm_email_warning(stage: StageSettings) -> str | None:
    """What synth prints when alarms would notify nobody."""
    if stage.alarm_email is not None:
        return None
    return (
        f"warning: no alarm e-mail for stage {stage.name}: alarms notify an SNS topic nobody reads. "
        f"Pass -c {ALARM_EMAIL_CONTEXT}=you@example.com (make ... ALARM_EMAIL=you@example.com); "
        "make deploy STAGE=production refuses without one."
    )


def plain_http_warning(app: App) -> str | None:
    """What synth prints when a load balancer of the app serves plain HTTP (no domain)."""
    missing = [key for key in ("web_domain", "service_domain") if not app.node.try_get_context(key)]
    if not missing:
        return None
    return (
        f"warning: without {' and '.join(missing)} the web tier's and the container service's load "
        "balancers serve plain HTTP (fine for a throwaway sandbox); pass -c web_domain=... and "
        "-c service_domain=... with hosted_zone_id and hosted_zone_name for HTTPS. "
        "make deploy STAGE=production refuses plain HTTP."
    )
