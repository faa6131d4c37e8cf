"""The web tier stack: ``WebTier`` running ``runtime/web`` in the network stack's VPC."""

from __future__ import annotations

from types import ModuleType

from aws_cdk import CfnOutput, Stack, Token
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch import Database, Network
from cdk_refarch.core.capacity import HealthCheckOptions
from cdk_refarch.core.load_balancer_alarms import TierAlarmOptions
from cdk_refarch.web_tier import WebAppOptions, WebTier
from stacks.alarms.stack import alarm_destination
from stacks.contracts import RUNTIME, load_contract
from stacks.database.stack import DATABASE_NAME
from stacks.domains import Domain, load_balancer_front_door
from stacks.stages import StageSettings, for_stage
from stacks.web_tier.settings import SETTINGS

WEB_CODE = str(RUNTIME / "web")


def web_contract() -> ModuleType:
    """``runtime/web/contract.py``: the port, health path and install the app expects."""
    return load_contract("web")


class WebTierStack(Stack):
    """The load-balanced web tier, in the network stack's workload subnets.

    With a ``database``, the instances reach its port and the app gets its address and
    the ARN of its master secret (never the login: the app reads it from Secrets Manager
    with the instance role, which may read that secret and nothing else), then records
    each page view there (``runtime/web/README.md``).

    With a domain the load balancer serves HTTPS; without one it serves plain HTTP
    (a notice at synth), which ``make deploy STAGE=production`` refuses. Its alarms notify
    ``alarm_topic`` (the application's); without one, a topic of its own mailing the
    stage's alarm e-mail.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        network: Network,
        domain: Domain | None = None,
        database: Database | None = None,
        alarm_topic: sns.ITopic | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        contract = web_contract()
        front_door, load_balancer = load_balancer_front_door(
            self, domain, stage.web_acl_options(), deletion_protection=settings.deletion_protection
        )
        environment = {contract.ENV_STAGE: stage.name, contract.ENV_APP_NAME: contract.SERVICE_NAME}
        secrets: dict[str, secretsmanager.ISecret] = {}
        if database is not None:
            environment |= {
                contract.ENV_DB_HOST: database.endpoint.hostname,
                contract.ENV_DB_PORT: Token.as_string(database.endpoint.port),
                contract.ENV_DB_NAME: DATABASE_NAME,
                contract.ENV_AWS_REGION: self.region,
            }
            # The secret by ARN alone: the web tier grants its read, grant_secret_read the
            # decryption, both in this stack's role policy (see its docstring).
            secrets[contract.ENV_DB_SECRET_ARN] = secretsmanager.Secret.from_secret_complete_arn(
                self, "DatabaseLogin", database.secret.secret_arn
            )
        self.web = WebTier(
            self,
            "Web",
            vpc=network.vpc,
            vpc_subnets=network.workload_subnets,
            app=WebAppOptions(
                source=WEB_CODE,
                install_command=f"sh {contract.INSTALL_SCRIPT}",
                port=contract.PORT,
                environment=environment,
                secrets=secrets,
            ),
            front_door=front_door,
            load_balancer=load_balancer,
            health_check=HealthCheckOptions(path=contract.HEALTH_PATH),
            instance_type=settings.instance_type,
            capacity=settings.capacity,
            alarms=TierAlarmOptions(**alarm_destination(stage, alarm_topic)),
            log_retention_days=stage.log_retention_days,
            removal_policy=stage.removal_policy,
        )
        if database is not None:
            database.allow_from(self.web.security_group)
            database.grant_secret_read(self.web.instance_role)
        CfnOutput(self, "Url", value=self.web.url, description="The web tier's address")
