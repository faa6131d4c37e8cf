"""``make deploy|destroy|diff|smoke``: the CDK CLI against the AWS account of your credentials.

These run with your own environment (profile, SSO, session...), unlike the sandbox,
and check before the CLI runs:

1. ``STAGE=production`` needs ``CONFIRM=production`` (deploy, destroy), and a
   production deploy shows ``cdk diff`` first;
2. no endpoint on this machine (``AWS_ENDPOINT_URL=http://localhost...``): the emulator
   must never be taken for AWS;
3. credentials that work (STS GetCallerIdentity), with a clear message if there are none;
4. for deploy: the target account and regions are bootstrapped (SSM parameter
   ``/cdk-bootstrap/<qualifier>/version``, recent enough), or the exact
   ``cdk bootstrap aws://ACCOUNT/REGION`` command to run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from deploy.assembly import StackArtifact, read_stacks, select
from deploy.cdk_cli import run_cdk
from deploy.inventory import take_inventory
from deploy.isolation import NODE_BIN, ROOT, refuse_emulator_endpoint
from deploy.report import stack_table
from deploy.smoke import AWS, FAILED, SmokeContext, run_checks

PRODUCTION = "production"
ASSEMBLY = ROOT / "cdk.out"
# Fail fast when AWS is unreachable rather than retrying for minutes.
_QUICK = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"})

NO_CREDENTIALS = (
    "no AWS credentials found. Sign in to your sandbox account first, e.g.\n"
    "  aws configure sso            # once\n"
    "  aws sso login --profile NAME && export AWS_PROFILE=NAME\n"
    "or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)."
)


class Refusal(Exception):
    """A check failed before anything was changed; the message says what to do."""


def require_confirmation(stage: str, confirm: str | None, action: str) -> None:
    if stage == PRODUCTION and confirm != PRODUCTION:
        raise Refusal(
            f"`make {action} STAGE=production` changes the production stacks. Review the changes with "
            f"`make diff STAGE=production`, then run again with CONFIRM=production."
        )


def refuse_emulator(env: Mapping[str, str] | None = None) -> None:
    env = os.environ if env is None else env
    configured = None
    try:
        configured = botocore.session.Session().get_scoped_config().get("endpoint_url")
    except BotoCoreError:
        pass  # an unknown profile fails later, with the credentials check
    try:
        refuse_emulator_endpoint(env, configured)
    except ValueError as error:
        raise Refusal(str(error)) from None


def caller_account(session: boto3.session.Session) -> str:
    """The account of the session's credentials; a Refusal if there are none that work."""
    try:
        credentials = session.get_credentials()
    except BotoCoreError as error:
        raise Refusal(f"your AWS configuration is broken: {error}") from None
    if credentials is None:
        raise Refusal(NO_CREDENTIALS)
    try:
        return str(session.client("sts", config=_QUICK).get_caller_identity()["Account"])
    except (ClientError, BotoCoreError) as error:
        raise Refusal(
            f"your AWS credentials do not work ({error}). Sign in again (aws sso login) or check the profile."
        ) from None


def check_bootstrap(session: boto3.session.Session, account: str, stacks: list[StackArtifact]) -> None:
    """Every (region, qualifier) the stacks deploy to is bootstrapped, recently enough."""
    default_region = session.region_name
    problems = []
    needs: dict[tuple[str, str], int] = {}
    for stack in stacks:
        region = stack.region or default_region
        if region is None:
            raise Refusal(f"{stack.id} has no region and your AWS configuration sets none: export AWS_REGION=...")
        key = (region, stack.bootstrap_parameter)
        needs[key] = max(needs.get(key, 0), stack.bootstrap_version)
    for (region, parameter), required in sorted(needs.items()):
        command = f"cdk bootstrap aws://{account}/{region}"
        try:
            value = session.client("ssm", region_name=region, config=_QUICK).get_parameter(Name=parameter)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ParameterNotFound":
                raise Refusal(f"cannot read {parameter} in {region}: {error}") from None
            missing = f"aws://{account}/{region} is not bootstrapped for the CDK ({parameter} not found)"
            problems.append(f"{missing}. Run once:\n  {command}")
            continue
        version = int(value["Parameter"]["Value"])
        if version < required:
            problems.append(
                f"aws://{account}/{region} has bootstrap version {version}; these stacks need {required} or later. "
                f"Run again:\n  {command}"
            )
    if problems:
        hint = f"(with the project's CLI first on PATH: export PATH={NODE_BIN}:$PATH)"
        raise Refusal("\n".join(problems) + f"\n{hint}")


def _environment() -> dict[str, str]:
    # The user's own environment: their credentials are the point here.
    return {**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def require_alarm_email(stage: str, stacks: list[StackArtifact]) -> None:
    """Production alarms must reach a person: every stack with alarms needs an e-mail
    subscription, which the app adds for ``-c alarm_email=...`` (``ALARM_EMAIL=``)."""
    if stage != PRODUCTION:
        return
    silent = []
    for stack in stacks:
        types = [resource["Type"] for resource in stack.template.get("Resources", {}).values()]
        emails = [
            resource
            for resource in stack.template.get("Resources", {}).values()
            if resource["Type"] == "AWS::SNS::Subscription" and resource["Properties"].get("Protocol") == "email"
        ]
        if "AWS::CloudWatch::Alarm" in types and not emails:
            silent.append(stack.id)
    if silent:
        raise Refusal(
            f"the alarms of {', '.join(silent)} would notify nobody: production needs an alarm e-mail. "
            "Pass ALARM_EMAIL=you@example.com to make (context key alarm_email)"
        )


def require_https(stage: str, stacks: list[StackArtifact]) -> None:
    """Production load balancers serve HTTPS: a plain-HTTP listener that forwards (rather
    than redirects to HTTPS) is refused; the web tier gets one without a domain."""
    if stage != PRODUCTION:
        return
    plain = []
    for stack in stacks:
        for logical_id, resource in stack.template.get("Resources", {}).items():
            if resource["Type"] != "AWS::ElasticLoadBalancingV2::Listener":
                continue
            properties = resource["Properties"]
            actions = [action.get("Type") for action in properties.get("DefaultActions", [])]
            if properties.get("Protocol") == "HTTP" and actions != ["redirect"]:
                plain.append(f"{stack.id}/{logical_id}")
    if plain:
        raise Refusal(
            f"{', '.join(plain)} would serve plain HTTP in production: give the load balancer a domain "
            "(context web_domain, hosted_zone_id, hosted_zone_name) so that it serves HTTPS"
        )


@dataclass(frozen=True)
class Selection:
    """What to synthesize besides the stage: one application (context key ``app``), and
    more context as KEY=VALUE (e.g. ``monthly_budget_usd=50``)."""

    application: str | None = None
    context: tuple[str, ...] = ()


NO_SELECTION = Selection()


def _prepare(
    stage: str,
    stack_names: list[str],
    action: str,
    confirm: str | None = None,
    confirm_needed: bool = True,
    alarm_email: str | None = None,
    selection: Selection = NO_SELECTION,
) -> tuple[boto3.session.Session, str, list[StackArtifact], dict[str, str]]:
    if confirm_needed:
        require_confirmation(stage, confirm, action)
    refuse_emulator()
    try:
        session = boto3.session.Session()
    except BotoCoreError as error:  # e.g. AWS_PROFILE names a profile that does not exist
        raise Refusal(f"your AWS configuration is broken: {error}") from None
    account = caller_account(session)
    print(f"target: AWS account {account}, stage {stage}", flush=True)
    env = _environment()
    context = ["-c", f"stage={stage}"] + (["-c", f"alarm_email={alarm_email}"] if alarm_email else [])
    context += ["-c", f"app={selection.application}"] if selection.application else []
    context += [part for pair in selection.context for part in ("-c", pair)]
    run_cdk(["synth", "--quiet", "--output", str(ASSEMBLY), *context], env, timeout=600)
    stacks = select(read_stacks(ASSEMBLY), stack_names)
    return session, account, stacks, env


def _targets(stack_names: list[str], stacks: list[StackArtifact]) -> list[str]:
    return [stack.id for stack in stacks] if stack_names else ["--all"]


def deploy(
    stage: str,
    stack_names: list[str],
    confirm: str | None,
    alarm_email: str | None = None,
    selection: Selection = NO_SELECTION,
) -> int:
    session, account, stacks, env = _prepare(
        stage, stack_names, "deploy", confirm, alarm_email=alarm_email, selection=selection
    )
    require_alarm_email(stage, stacks)
    require_https(stage, stacks)
    check_bootstrap(session, account, stacks)
    targets = _targets(stack_names, stacks)
    if stage == PRODUCTION:
        run_cdk(["diff", "--app", str(ASSEMBLY), *targets], env, timeout=600)
    run_cdk(["deploy", "--app", str(ASSEMBLY), *targets], env, timeout=3600)
    print(
        f"\ndeployed; check it with: make smoke STAGE={stage}"
        + (f" STACKS='{' '.join(stack_names)}'" if stack_names else "")
    )
    return 0


def destroy(stage: str, stack_names: list[str], confirm: str | None, selection: Selection = NO_SELECTION) -> int:
    session, account, stacks, env = _prepare(stage, stack_names, "destroy", confirm, selection=selection)
    # No --force: the CLI asks before deleting anything in a real account.
    run_cdk(["destroy", "--app", str(ASSEMBLY), *_targets(stack_names, stacks)], env, timeout=3600)
    return 0


def diff(
    stage: str, stack_names: list[str], alarm_email: str | None = None, selection: Selection = NO_SELECTION
) -> int:
    _, _, stacks, env = _prepare(
        stage, stack_names, "diff", confirm_needed=False, alarm_email=alarm_email, selection=selection
    )
    run_cdk(["diff", "--app", str(ASSEMBLY), *_targets(stack_names, stacks)], env, timeout=600)
    return 0


def smoke(stage: str, stack_names: list[str], selection: Selection = NO_SELECTION) -> int:
    """Run the smoke checks against the deployed stacks; 1 if any check fails."""
    session, account, stacks, _ = _prepare(stage, stack_names, "smoke", confirm_needed=False, selection=selection)

    def client(service: str, region: str) -> Any:
        return session.client(service, region_name=region)

    failed = False
    for stack in stacks:
        region = stack.region or session.region_name or "us-east-1"
        cloudformation = client("cloudformation", region)
        try:
            inventory = take_inventory(cloudformation, stack)
        except ClientError as error:
            if "does not exist" not in str(error):
                raise
            raise Refusal(
                f"{stack.stack_name} is not deployed in aws://{account}/{region}: make deploy STAGE={stage}"
            ) from None
        started = time.monotonic()
        report = run_checks(SmokeContext.for_stack(inventory, AWS, region, client))
        print("\n" + stack_table(inventory, report, emulator=False) + f"\n  ({time.monotonic() - started:.0f}s)")
        failed = failed or not report.has_checks or report.count(FAILED) > 0
    return 1 if failed else 0


__all__ = [
    "Refusal",
    "caller_account",
    "check_bootstrap",
    "deploy",
    "destroy",
    "diff",
    "require_alarm_email",
    "require_https",
    "Selection",
    "smoke",
]
