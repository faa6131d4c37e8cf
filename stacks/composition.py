"""Builds the whole CDK app: the account stack and the stacks of the selected
applications for the selected stage, tagged and nag-checked."""

from __future__ import annotations

from aws_cdk import App, Environment, Stack, Validations
from cdk_nag import AwsSolutionsChecks

from cdk_refarch.core.tags import tag_stack
from cdk_refarch.core.waf import CLOUDFRONT_REGION
from stacks.account.stack import AccountStack
from stacks.applications import APP_CONTEXT, Composition, selected_applications
from stacks.stages import ALARM_EMAIL_CONTEXT, APPLICATION, StageSettings, stage_from_context

#: Where the VPC-bound stacks go when the context names no region.
DEFAULT_VPC_REGION = "us-east-1"

#: The account stack is one per account and region, whatever the stage.
ACCOUNT_STACK_NAME = "refarch-account"


def build_app(app: App) -> list[Stack]:
    """Add the account stack and the selected applications' stacks to ``app``, and turn
    on cdk-nag for all of them.

    Context: ``app`` (one application; all without it), ``stage`` (sandbox|production),
    ``alarm_email``, ``account`` and ``region`` (optional; the VPC-bound stacks default
    to us-east-1), and for custom domains ``hosted_zone_id`` and ``hosted_zone_name``
    with ``site_domain`` (static-website), ``app_domain`` (serverless-web-app),
    ``web_domain`` (three-tier-web) or ``service_domain`` (container-microservice).
    """
    stage = stage_from_context(app.node)
    applications = selected_applications(app.node.try_get_context(APP_CONTEXT))
    account = app.node.try_get_context("account")
    env = Environment(account=account, region=app.node.try_get_context("region"))
    # The load balancers' access logs need a region (the ELB log delivery principal
    # differs by region), so the VPC-bound stacks have one: -c region=..., else us-east-1.
    vpc_env = Environment(account=account, region=app.node.try_get_context("region") or DEFAULT_VPC_REGION)
    # In a region too: API Gateway's logging role is per region, and the serverless web
    # app's API lives in us-east-1 by default, beside its CloudFront site.
    account_stack = AccountStack(
        app,
        "Account",
        stack_name=ACCOUNT_STACK_NAME,
        monthly_budget_usd=app.node.try_get_context("monthly_budget_usd"),
        alarm_email=stage.alarm_email,
        env=vpc_env,
    )
    composition = Composition(
        app=app,
        stage=stage,
        env=env,
        vpc_env=vpc_env,
        # CloudFront reads certificates, web ACLs and log delivery sources from us-east-1 only.
        cloudfront_env=Environment(account=account, region=CLOUDFRONT_REGION),
        account=account_stack,
    )
    stacks: list[Stack] = [account_stack]
    for application in applications:
        built = application.build(application, composition)
        for stack in built:
            tag_stack(stack, _stack_tags(stack, stage, application.name))
        stacks.extend(built)
    tag_stack(account_stack, _stack_tags(account_stack, stage, None))
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return stacks


def _stack_tags(stack: Stack, stage: StageSettings, application: str | None) -> dict[str, str]:
    # The account stack is shared by every stage and application: a Stage or App tag
    # would flip with each deploy.
    if isinstance(stack, AccountStack):
        return {"Application": APPLICATION}
    return {"Application": APPLICATION, "App": str(application), "Stage": stage.name}


def alarm_email_warning(stage: StageSettings) -> str | None:
    """What synth prints when alarms would notify nobody."""
    if stage.alarm_email is not None:
        return None
    return (
        f"warning: no alarm e-mail for stage {stage.name}: alarms notify an SNS topic nobody reads. "
        f"Pass -c {ALARM_EMAIL_CONTEXT}=you@example.com (make ... ALARM_EMAIL=you@example.com); "
        "make deploy STAGE=production refuses without one."
    )


#: The load-balanced applications and the context key of their domain.
LOAD_BALANCER_DOMAINS = {"three-tier-web": "web_domain", "container-microservice": "service_domain"}


def plain_http_warning(app: App) -> str | None:
    """What synth prints when a load balancer of the selected applications serves plain
    HTTP (no domain)."""
    selected = {application.name for application in selected_applications(app.node.try_get_context(APP_CONTEXT))}
    missing = [
        f"{key} ({name})"
        for name, key in LOAD_BALANCER_DOMAINS.items()
        if name in selected and not app.node.try_get_context(key)
    ]
    if not missing:
        return None
    return (
        f"warning: without {' and '.join(missing)} the load balancers serve plain HTTP (fine for a "
        "throwaway sandbox); pass the domain with -c KEY=... and hosted_zone_id and hosted_zone_name for "
        "HTTPS. make deploy STAGE=production refuses plain HTTP."
    )
